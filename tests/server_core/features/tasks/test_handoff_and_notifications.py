"""Handoffs and the DMs that tell assignees about their tasks, over REST on both engines."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from server_core.features.tasks.events import TaskChanged
from tests.helpers import data, error
from tests.server_core.features.messaging.team import Member, Team
from tests.server_core.features.tasks.test_tasks import create, patch

pytestmark = pytest.mark.anyio


async def dms(client: httpx2.AsyncClient, who: Member) -> list[str]:
    """The texts of every DM `who` received, oldest first."""
    channels = data(await client.get("/channels", headers=who.headers))
    texts: list[str] = []
    for channel in channels:
        if channel["kind"] == "dm":
            history = data(
                await client.get(f"/channels/{channel['id']}/messages", headers=who.headers)
            )
            texts += [m["plaintext"] for m in history if m["senderId"] != who.id]
    return texts


@pytest.mark.both_engines
async def test_assignees_hear_of_status_priority_and_assignment_changes(
    client: httpx2.AsyncClient, team: Team
) -> None:
    await create(client, team.admin, "Ship login", assigneeIds=[team.bot.id])
    await patch(client, team.human, "T-1", status="done", priority="critical")
    assert await dms(client, team.bot) == [
        "📋 **T-1: Ship login** — Status → **done** by @grace\n"
        "📋 **T-1: Ship login** — Priority → **critical** by @grace"
    ]
    await patch(client, team.human, "T-1", assigneeIds=[team.bot.id, team.other_bot.id])
    assert await dms(client, team.other_bot) == [
        "📋 **T-1: Ship login** — You were assigned by @grace"
    ]
    assert len(await dms(client, team.bot)) == 1  # already assigned: nothing new for it
    await patch(client, team.human, "T-1", "?notify=false", status="active")
    assert len(await dms(client, team.bot)) == 1
    # Never a DM to oneself.
    await patch(client, team.bot, "T-1", status="review")
    assert all("@bot" not in text for text in await dms(client, team.bot))


@pytest.mark.both_engines
async def test_a_handoff_reassigns_logs_updates_context_and_tells_the_recipient(
    client: httpx2.AsyncClient, team: Team, captured_events: Any
) -> None:
    await create(client, team.bot, "Schema", assigneeIds=[team.bot.id, team.other_bot.id])
    assert data(await client.get("/tasks/T-1/handoff/latest", headers=team.bot.headers)) is None
    body = {
        "toHandle": "grace",
        "reason": "Need product decision on field naming",
        "summary": "Schema is drafted",
        "instructions": "Decide on field naming",
        "state": {"branch": "feature/schema", "prDraft": True},
        "priority": "high",
        "contextUpdate": {"notes": "Updated during handoff"},
    }
    async with captured_events() as captured:
        handoff = data(
            await client.post("/tasks/T-1/handoff", json=body, headers=team.bot.headers), 201
        )
    assert (handoff["fromId"], handoff["fromHandle"], handoff["toId"]) == (
        team.bot.id,
        "bot",
        team.human.id,
    )
    assert (handoff["state"], handoff["priority"]) == (body["state"], "high")
    assert (
        data(await client.get("/tasks/T-1/handoff/latest", headers=team.human.headers)) == handoff
    )
    task = data(await client.get("/tasks/T-1", headers=team.human.headers))
    assert task["assigneeIds"] == [team.human.id]
    assert task["context"]["notes"] == "Updated during handoff"
    assert [e.action for e in captured.of(TaskChanged)] == ["handoff"]
    log = data(await client.get("/tasks/T-1/activity", headers=team.human.headers))
    assert sorted(e["type"] for e in log[:2]) == ["context_update", "handoff"]
    assert await dms(client, team.human) == [
        "📋 **T-1: Schema** — Handed off to you by @bot (high): Need product decision on field "
        "naming\nNext: Decide on field naming"
    ]


async def test_a_handoff_needs_one_recipient_who_exists(
    client: httpx2.AsyncClient, team: Team
) -> None:
    await create(client, team.bot, "Schema")
    for body in (
        {"reason": "x"},
        {"reason": "x", "toId": team.human.id, "toHandle": "grace"},
        {"toHandle": "grace"},
    ):
        error(await client.post("/tasks/T-1/handoff", json=body, headers=team.bot.headers), 400)
    missing = await client.post(
        "/tasks/T-1/handoff", json={"toHandle": "nobody", "reason": "x"}, headers=team.bot.headers
    )
    error(missing, 404)
    quiet = await client.post(
        "/tasks/T-1/handoff",
        json={"toId": team.human.id, "reason": "x", "notify": False},
        headers=team.bot.headers,
    )
    data(quiet, 201)
    assert await dms(client, team.human) == []
