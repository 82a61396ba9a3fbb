"""Tasks over REST on both engines: numbers without gaps under concurrent creates, defaults,
naming by T-number, deprecated statuses refused, updates with their events, deletion."""

from __future__ import annotations

from typing import Any

import anyio
import httpx2
import pytest

from server_core.features.tasks.events import TaskChanged
from tests.helpers import data, error
from tests.server_core.features.messaging.team import Member, Team

pytestmark = pytest.mark.anyio


async def create(
    client: httpx2.AsyncClient, who: Member, title: str = "Implement auth", **body: Any
) -> dict[str, Any]:
    task: dict[str, Any] = data(
        await client.post("/tasks", json={"title": title, **body}, headers=who.headers), 201
    )
    return task


async def patch(
    client: httpx2.AsyncClient, who: Member, ref: str, query: str = "", **body: Any
) -> dict[str, Any]:
    task: dict[str, Any] = data(
        await client.patch(f"/tasks/{ref}{query}", json=body, headers=who.headers)
    )
    return task


@pytest.mark.both_engines
async def test_a_task_is_created_with_defaults_and_named_by_number(
    client: httpx2.AsyncClient, team: Team
) -> None:
    task = await create(client, team.bot, labels=["backend", "auth", "backend"])
    assert (task["taskNumber"], task["key"], task["title"]) == (1, "T-1", "Implement auth")
    assert (task["status"], task["priority"]) == ("todo", "medium")
    assert task["labels"] == ["backend", "auth"]
    assert (task["assigneeIds"], task["context"], task["progress"], task["parentId"]) == (
        [],
        None,
        None,
        None,
    )
    assert task["createdBy"] == team.bot.id
    for ref in ("T-1", "t-1", "1", task["id"]):
        assert data(await client.get(f"/tasks/{ref}", headers=team.human.headers)) == task
    second = await create(client, team.human, "Second", priority="high", assigneeIds=[team.bot.id])
    assert second["key"] == "T-2"
    assert [a["handle"] for a in second["assignees"]] == ["bot"]
    for ref in ("T-3", "nope", "00000000-0000-4000-8000-000000000000"):
        error(await client.get(f"/tasks/{ref}", headers=team.human.headers), 404, "not_found")


@pytest.mark.both_engines
async def test_concurrent_creates_number_tasks_without_gaps_or_repeats(
    client: httpx2.AsyncClient, team: Team
) -> None:
    numbers: list[int] = []

    async def make(n: int) -> None:
        numbers.append((await create(client, team.everyone[n % 4], f"task {n}"))["taskNumber"])

    async with anyio.create_task_group() as group:
        for n in range(20):
            group.start_soon(make, n)
    assert sorted(numbers) == list(range(1, 21))


async def test_deprecated_statuses_are_refused_with_their_replacement(
    client: httpx2.AsyncClient, team: Team
) -> None:
    refused = await client.post(
        "/tasks", json={"title": "x", "status": "in_progress"}, headers=team.bot.headers
    )
    body = error(refused, 400, "validation_error")
    assert "use 'active'" in body["error"]
    task = await create(client, team.bot)
    bad = await client.patch(
        f"/tasks/{task['id']}", json={"status": "complete"}, headers=team.bot.headers
    )
    assert "use 'done'" in error(bad, 400, "validation_error")["error"]
    # Filters still take them.
    listed = data(await client.get("/tasks?status=open,in_progress,todo", headers=team.bot.headers))
    assert [t["key"] for t in listed] == ["T-1"]


@pytest.mark.both_engines
async def test_updates_change_only_what_is_sent_and_publish_one_event(
    client: httpx2.AsyncClient, team: Team, captured_events: Any
) -> None:
    task = await create(client, team.admin, description="Build it", dueDate="2026-04-01T00:00:00Z")
    async with captured_events() as captured:
        active = await patch(client, team.bot, "T-1", status="active", priority="critical")
    assert (active["status"], active["priority"], active["description"]) == (
        "active",
        "critical",
        "Build it",
    )
    assert active["statusChangedAt"] > task["statusChangedAt"]
    [event] = captured.of(TaskChanged)
    assert event.frame() == {
        "type": "task",
        "workspaceId": task["workspaceId"],
        "projectId": None,
        "task": active,
        "action": "status_changed",
    }
    async with captured_events() as captured:
        assigned = await patch(client, team.bot, "T-1", assigneeId=team.other_bot.id)
    assert assigned["assigneeIds"] == [team.other_bot.id]
    assert [e.action for e in captured.of(TaskChanged)] == ["assigned"]
    both = await patch(client, team.bot, "T-1", assigneeIds=[team.bot.id, team.human.id])
    assert sorted(both["assigneeIds"]) == sorted([team.bot.id, team.human.id])
    cleared = await patch(client, team.bot, "T-1", description=None, dueDate=None, labels=["x"])
    assert (cleared["description"], cleared["dueDate"], cleared["labels"]) == (None, None, ["x"])
    async with captured_events() as captured:
        done = await patch(client, team.bot, "T-1", status="done")
    assert [e.action for e in captured.of(TaskChanged)] == ["completed"]
    assert done["status"] == "done"
    async with captured_events() as captured:
        same = await patch(client, team.bot, "T-1", status="done")
    assert same == done
    assert captured.events == []  # nothing changed, nothing published
    unknown = await client.patch(
        "/tasks/T-1",
        json={"assigneeId": "00000000-0000-4000-8000-000000000000"},
        headers=team.bot.headers,
    )
    error(unknown, 404)


@pytest.mark.both_engines
async def test_deleting_is_for_the_creator_or_an_admin_and_takes_the_subtasks(
    client: httpx2.AsyncClient, team: Team, captured_events: Any
) -> None:
    parent = await create(client, team.bot, "Parent")
    await create(client, team.bot, "Child", parentId="T-1")
    error(await client.delete("/tasks/T-1", headers=team.other_bot.headers), 403, "forbidden")
    async with captured_events() as captured:
        gone = data(await client.delete("/tasks/T-1", headers=team.admin.headers))
    assert gone["id"] == parent["id"]
    assert [e.action for e in captured.of(TaskChanged)] == ["deleted"]
    for ref in ("T-1", "T-2"):
        error(await client.get(f"/tasks/{ref}", headers=team.bot.headers), 404)
    # Numbers are not given again.
    assert (await create(client, team.bot))["key"] == "T-3"
