"""A task's context block, its activity log and its time in status, over REST."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from server_core.features.tasks.events import TaskChanged
from tests.helpers import data, error
from tests.server_core.features.messaging.team import Team
from tests.server_core.features.tasks.test_tasks import create, patch

pytestmark = pytest.mark.anyio

CONTEXT = {
    "background": "Users need to log in via Google OAuth",
    "decisions": ["Using PKCE flow"],
    "relevantFiles": ["src/auth/oauth.ts"],
    "constraints": ["Must support refresh tokens"],
    "acceptance": ["Login redirects to Google"],
}


@pytest.mark.both_engines
async def test_context_is_set_patched_and_appended_and_each_change_logged(
    client: httpx2.AsyncClient, team: Team, captured_events: Any
) -> None:
    task = await create(client, team.bot, context=CONTEXT)
    assert {k: task["context"][k] for k in CONTEXT} == CONTEXT
    assert (task["context"]["relevantLinks"], task["context"]["notes"]) == ([], None)
    path = "/tasks/T-1/context"
    patched = data(await client.patch(path, json={"notes": "Halfway"}, headers=team.bot.headers))
    assert (patched["notes"], patched["decisions"]) == ("Halfway", ["Using PKCE flow"])
    async with captured_events() as captured:
        appended = data(
            await client.post(
                f"{path}/append",
                json={
                    "decisions": ["Store tokens server-side"],
                    "relevantLinks": ["https://x/pr/1"],
                },
                headers=team.bot.headers,
            )
        )
    assert appended["decisions"] == ["Using PKCE flow", "Store tokens server-side"]
    assert appended["relevantLinks"] == ["https://x/pr/1"]
    [event] = captured.of(TaskChanged)
    assert (event.action, event.frame()["task"]["context"]) == ("updated", appended)
    replaced = data(
        await client.put(path, json={"background": "Smaller"}, headers=team.bot.headers)
    )
    assert (replaced["background"], replaced["decisions"], replaced["notes"]) == (
        "Smaller",
        [],
        None,
    )
    assert data(await client.get(path, headers=team.human.headers)) == replaced
    updates = data(
        await client.get("/tasks/T-1/activity?type=context_update", headers=team.bot.headers)
    )
    assert [entry["metadata"]["fields"] for entry in updates] == [
        [
            "background",
            "decisions",
            "relevantFiles",
            "relevantLinks",
            "constraints",
            "acceptance",
            "notes",
        ],
        ["decisions", "relevantLinks"],
        ["notes"],
    ]
    assert updates[1]["message"] == "Context updated: decisions, relevantLinks"
    # Appending creates the block on a task without one.
    await create(client, team.bot, "Bare")
    assert data(await client.get("/tasks/T-2/context", headers=team.bot.headers)) is None
    made = data(
        await client.post(
            "/tasks/T-2/context/append",
            json={"acceptance": ["Tests pass"]},
            headers=team.bot.headers,
        )
    )
    assert (made["acceptance"], made["background"]) == (["Tests pass"], None)
    error(await client.put(path, json={"decisions": [""]}, headers=team.bot.headers), 400)


@pytest.mark.both_engines
async def test_activity_is_posted_and_status_changes_logged(
    client: httpx2.AsyncClient, team: Team
) -> None:
    await create(client, team.bot)
    await patch(client, team.bot, "T-1", status="active")
    posted = await client.post(
        "/tasks/T-1/activity",
        json={
            "type": "artifact",
            "message": "PR #142 opened",
            "metadata": {"kind": "pr", "ref": "#142"},
        },
        headers=team.bot.headers,
    )
    artifact = data(posted, 201)
    assert (artifact["type"], artifact["authorId"], artifact["metadata"]) == (
        "artifact",
        team.bot.id,
        {"kind": "pr", "ref": "#142"},
    )
    log = data(await client.get("/tasks/T-1/activity", headers=team.human.headers))
    assert [(e["type"], e["message"]) for e in log] == [
        ("artifact", "PR #142 opened"),
        ("status_change", "Status: todo → active"),
    ]
    for refused in (
        {"type": "status_change", "message": "x"},
        {"type": "progress", "message": ""},
        {"type": "comment"},
    ):
        error(await client.post("/tasks/T-1/activity", json=refused, headers=team.bot.headers), 400)


async def test_time_in_status_counts_every_transition(
    client: httpx2.AsyncClient, team: Team
) -> None:
    await create(client, team.bot, status="backlog")
    await patch(client, team.bot, "T-1", status="todo")
    await patch(client, team.bot, "T-1", status="active")
    time = data(await client.get("/tasks/T-1/time", headers=team.bot.headers))
    assert [(t["from"], t["to"]) for t in time["transitions"]] == [
        (None, "backlog"),
        ("backlog", "todo"),
        ("todo", "active"),
    ]
    assert time["transitions"][0]["durationMs"] is None
    assert all(t["durationMs"] >= 0 for t in time["transitions"][1:])
    assert time["currentStatus"] == "active"
    assert set(time["byStatus"]) == {"backlog", "todo", "active"}
    assert time["totalMs"] == sum(time["byStatus"].values())
