"""The timer worker: a due timer wakes the task's assignee once, with the task in the message;
the creator of an unassigned task; every assignee when someone else set it; a cancelled timer
never fires; late timers fire after downtime; two workers racing fire each timer once. Time
is a clock the tests hold."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2
import pytest

from server_core.features.autonomy.worker import TimerWorker
from server_core.kernel.platform import Platform
from tests.helpers import data
from tests.server_core.features.autonomy.conftest import new_task, wakes
from tests.server_core.features.messaging.team import Member, Team

pytestmark = pytest.mark.anyio


def worker(platform: Platform, moment: datetime) -> TimerWorker:
    return TimerWorker(platform, now=lambda: moment)


async def set_timer(
    client: httpx2.AsyncClient, who: Member, task: dict[str, Any], at: datetime, message: str
) -> dict[str, Any]:
    body = {"fireAt": at.isoformat(), "message": message}
    timer: dict[str, Any] = data(
        await client.post(f"/tasks/{task['id']}/timer", json=body, headers=who.headers), 201
    )
    return timer


@pytest.mark.both_engines
async def test_a_due_timer_wakes_the_assignee_once(
    client: httpx2.AsyncClient, platform: Platform, team: Team
) -> None:
    task = await new_task(client, team.admin, team.bot, title="Fix login")
    at = datetime.now(UTC) + timedelta(minutes=20)
    timer = await set_timer(client, team.bot, task, at, "CI should be done: check it")
    assert await worker(platform, at - timedelta(seconds=1)).run_once() == 0
    assert await wakes(client, team.bot) == []
    assert await worker(platform, at).run_once() == 1
    [woke] = await wakes(client, team.bot)
    assert woke["plaintext"] == (
        f"⏰ Timer on {task['key']} “Fix login” (todo): CI should be done: check it"
    )
    meta = woke["metadata"]
    assert (meta["reason"], meta["taskId"], meta["timerId"]) == ("timer", task["id"], timer["id"])
    assert (meta["taskKey"], meta["wake"], meta["setBy"]) == (task["key"], True, team.bot.id)
    assert meta["fireAt"] == timer["fireAt"]
    assert await worker(platform, at + timedelta(minutes=1)).run_once() == 0
    assert len(await wakes(client, team.bot)) == 1
    [fired] = data(await client.get(f"/tasks/{task['id']}/timers", headers=team.bot.headers))
    assert (fired["status"], fired["wokenIds"]) == ("fired", [team.bot.id])
    assert fired["firedAt"] is not None


async def test_who_is_woken_the_creator_or_every_assignee(
    client: httpx2.AsyncClient, platform: Platform, team: Team
) -> None:
    at = datetime.now(UTC) + timedelta(minutes=5)
    unassigned = await new_task(client, team.human, title="Alone")
    await set_timer(client, team.human, unassigned, at, "look again")
    shared = await new_task(client, team.admin, team.bot, team.other_bot, title="Pair")
    await set_timer(client, team.admin, shared, at, "both of you")
    assert await worker(platform, at).run_once() == 2
    [mine] = await wakes(client, team.human)
    assert mine["metadata"]["taskId"] == unassigned["id"]
    for bot in (team.bot, team.other_bot):
        [woke] = await wakes(client, bot)
        assert woke["metadata"]["taskId"] == shared["id"]
    assert await wakes(client, team.admin) == []


async def test_a_cancelled_timer_never_fires_and_late_ones_fire_after_downtime(
    client: httpx2.AsyncClient, platform: Platform, team: Team
) -> None:
    task = await new_task(client, team.admin, team.bot)
    at = datetime.now(UTC) + timedelta(minutes=5)
    cancelled = await set_timer(client, team.bot, task, at, "cancelled")
    await set_timer(client, team.bot, task, at + timedelta(minutes=1), "first")
    await set_timer(client, team.bot, task, at + timedelta(minutes=2), "second")
    path = f"/tasks/{task['id']}/timers/{cancelled['id']}"
    data(await client.delete(path, headers=team.bot.headers))
    # The server was down for a day: both remaining timers fire at the next start.
    assert await worker(platform, at + timedelta(days=1)).run_once() == 2
    found = await wakes(client, team.bot)
    assert sorted(m["plaintext"].rsplit(": ", 1)[1] for m in found) == ["first", "second"]


@pytest.mark.both_engines
async def test_two_workers_racing_fire_each_timer_once(
    client: httpx2.AsyncClient, platform: Platform, team: Team
) -> None:
    task = await new_task(client, team.admin, team.bot)
    at = datetime.now(UTC) + timedelta(minutes=5)
    for number in range(30):
        await set_timer(client, team.bot, task, at, f"Timer {number}")
    first, second = worker(platform, at), worker(platform, at)
    fired = await asyncio.gather(first.run_once(), second.run_once())
    assert sum(fired) == 30
    found = await wakes(client, team.bot)
    assert sorted(m["plaintext"].rsplit(": ", 1)[1] for m in found) == sorted(
        f"Timer {number}" for number in range(30)
    )


async def test_the_next_poll_is_sooner_when_a_timer_is_due_sooner(
    client: httpx2.AsyncClient, platform: Platform, team: Team
) -> None:
    now = datetime.now(UTC)
    assert await worker(platform, now).next_due_in() == 1.0
    task = await new_task(client, team.admin, team.bot)
    await set_timer(client, team.bot, task, now + timedelta(seconds=30), "x")
    assert await worker(platform, now + timedelta(seconds=29.5)).next_due_in() == 0.5
