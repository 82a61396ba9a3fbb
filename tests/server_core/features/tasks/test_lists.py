"""Reading tasks over REST: list filters, sorting and paging, your tasks, your next task, and a
task's subtasks with its progress."""

from __future__ import annotations

import httpx2
import pytest

from tests.helpers import data, error
from tests.server_core.features.messaging.team import Member, Team
from tests.server_core.features.tasks.test_tasks import create, patch

pytestmark = pytest.mark.anyio


async def keys(client: httpx2.AsyncClient, who: Member, query: str) -> list[str]:
    return [t["key"] for t in data(await client.get(f"/tasks{query}", headers=who.headers))]


@pytest.mark.both_engines
async def test_list_filters_sort_and_pages(client: httpx2.AsyncClient, team: Team) -> None:
    project = data(
        await client.post(
            "/projects", json={"slug": "web", "name": "Web"}, headers=team.admin.headers
        ),
        201,
    )
    await create(
        client, team.admin, "Login page", labels=["frontend"], priority="low", projectId="web"
    )
    await create(
        client,
        team.admin,
        "Auth API",
        labels=["backend", "auth"],
        priority="critical",
        assigneeIds=[team.bot.id],
    )
    await create(
        client,
        team.admin,
        "Docs 100% done_ish",
        description="Write the auth docs",
        dueDate="2026-05-01T00:00:00Z",
        assigneeIds=[team.human.id],
    )
    await patch(client, team.admin, "T-2", status="active")
    assert await keys(client, team.bot, "") == ["T-3", "T-2", "T-1"]  # newest first
    assert await keys(client, team.bot, "?sortDir=asc") == ["T-1", "T-2", "T-3"]
    assert await keys(client, team.bot, "?sortBy=priority") == ["T-2", "T-3", "T-1"]
    assert await keys(client, team.bot, "?sortBy=dueDate&sortDir=asc") == ["T-3", "T-1", "T-2"]
    assert await keys(client, team.bot, "?status=active") == ["T-2"]
    assert await keys(client, team.bot, "?status=in_progress,backlog") == ["T-2"]
    assert await keys(client, team.bot, "?priority=low") == ["T-1"]
    assert await keys(client, team.bot, f"?projectId={project['id']}") == ["T-1"]
    assert await keys(client, team.bot, "?projectId=web") == ["T-1"]
    assert await keys(client, team.bot, f"?assigneeId={team.bot.id}") == ["T-2"]
    assert await keys(client, team.bot, f"?assigneeIds={team.bot.id},{team.human.id}") == [
        "T-3",
        "T-2",
    ]
    assert await keys(client, team.bot, "?labels=auth,frontend") == ["T-2", "T-1"]
    assert await keys(client, team.bot, "?q=AUTH") == ["T-2", "T-3"]  # the title hit first
    # 1-2 characters: text in the title or description, % and _ literal.
    assert await keys(client, team.bot, "?q=0%25") == ["T-3"]
    assert await keys(client, team.bot, "?q=%25i") == []
    assert await keys(client, team.bot, "?q=h_") == []  # "auth docs" has "h d"
    assert await keys(client, team.bot, "?dueBefore=2026-06-01T00:00:00Z") == ["T-3"]
    first = await client.get("/tasks?limit=2", headers=team.bot.headers)
    assert [t["key"] for t in data(first)] == ["T-3", "T-2"]
    assert first.json()["pagination"] == {"cursor": 2, "hasMore": True}
    rest = await client.get("/tasks?limit=2&cursor=2", headers=team.bot.headers)
    assert ([t["key"] for t in data(rest)], rest.json()["pagination"]["hasMore"]) == (
        ["T-1"],
        False,
    )
    error(await client.get("/tasks?status=sideways", headers=team.bot.headers), 400)
    error(await client.get("/tasks?limit=501", headers=team.bot.headers), 400)
    error(await client.get("/tasks?projectId=nope", headers=team.bot.headers), 404)


@pytest.mark.both_engines
async def test_mine_and_next_follow_priority_due_date_and_age(
    client: httpx2.AsyncClient, team: Team
) -> None:
    mine = {"assigneeIds": [team.bot.id]}
    await create(client, team.admin, "low", priority="low", **mine)
    await create(
        client, team.admin, "high later", priority="high", dueDate="2026-09-01T00:00:00Z", **mine
    )
    await create(
        client, team.admin, "high sooner", priority="high", dueDate="2026-08-01T00:00:00Z", **mine
    )
    await create(
        client, team.admin, "critical but blocked", priority="critical", status="blocked", **mine
    )
    await create(client, team.admin, "not mine", priority="critical")
    await create(client, team.admin, "finished", priority="critical", status="done", **mine)
    listed = data(await client.get("/tasks/mine", headers=team.bot.headers))
    assert [t["title"] for t in listed] == [
        "critical but blocked",
        "high sooner",
        "high later",
        "low",
    ]
    blocked = data(await client.get("/tasks/mine?status=blocked,done", headers=team.bot.headers))
    assert [t["title"] for t in blocked] == ["critical but blocked", "finished"]
    assert data(await client.get("/tasks/next", headers=team.bot.headers))["title"] == "high sooner"
    assert data(await client.get("/tasks/next", headers=team.other_bot.headers)) is None


@pytest.mark.both_engines
async def test_subtasks_are_one_level_deep_with_progress(
    client: httpx2.AsyncClient, team: Team
) -> None:
    await create(client, team.bot, "Parent")
    for status in ("done", "done", "active", "blocked", "todo"):
        await create(client, team.bot, f"sub {status}", parentId="T-1", status=status)
    parent = data(await client.get("/tasks/T-1", headers=team.bot.headers))
    assert parent["progress"] == {
        "total": 5,
        "done": 2,
        "active": 1,
        "blocked": 1,
        "percentage": 40,
    }
    subtasks = data(await client.get("/tasks/T-1/subtasks", headers=team.bot.headers))
    assert [t["key"] for t in subtasks] == ["T-2", "T-3", "T-4", "T-5", "T-6"]
    assert all(t["parentId"] == parent["id"] and t["progress"] is None for t in subtasks)
    nested = await client.post(
        "/tasks", json={"title": "deeper", "parentId": "T-2"}, headers=team.bot.headers
    )
    error(nested, 400, "nested_subtask")
    assert await keys(client, team.bot, "?parentId=T-1&status=done") == ["T-3", "T-2"]
