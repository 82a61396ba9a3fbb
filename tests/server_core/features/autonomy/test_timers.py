"""Task timers over HTTP: set, list and cancel; who may (assignees, the creator, admins);
bad input; a deleted task takes its timers with it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx2
import pytest
import sqlalchemy as sa

from server_core.features.autonomy.tables import task_timers
from server_core.kernel.platform import Platform
from tests.helpers import data, error
from tests.server_core.features.autonomy.conftest import new_task, soon
from tests.server_core.features.messaging.team import Team

pytestmark = pytest.mark.anyio


@pytest.mark.both_engines
async def test_an_assignee_sets_lists_and_cancels_a_timer(
    client: httpx2.AsyncClient, team: Team
) -> None:
    task = await new_task(client, team.admin, team.bot)
    fire_at = soon()
    body = {"fireAt": fire_at, "message": "Check CI for the login PR"}
    path = f"/tasks/{task['id']}/timer"
    timer = data(await client.post(path, json=body, headers=team.bot.headers), 201)
    assert timer["taskId"] == task["id"]
    assert timer["principalId"] == team.bot.id
    assert timer["message"] == "Check CI for the login PR"
    assert (timer["status"], timer["firedAt"], timer["wokenIds"]) == ("pending", None, [])
    expected = datetime.fromisoformat(fire_at).isoformat(timespec="milliseconds")
    assert timer["fireAt"] == expected.removesuffix("+00:00") + "Z"
    by_number = f"/tasks/{task['key']}/timer"
    later = data(
        await client.post(
            by_number, json={"fireAt": soon(60), "message": "later"}, headers=team.bot.headers
        ),
        201,
    )
    listed = data(await client.get(f"/tasks/{task['id']}/timers", headers=team.bot.headers))
    assert [t["id"] for t in listed] == [timer["id"], later["id"]]
    cancel = f"/tasks/{task['id']}/timers/{timer['id']}"
    cancelled = data(await client.delete(cancel, headers=team.bot.headers))
    assert cancelled["status"] == "cancelled"
    error(await client.delete(cancel, headers=team.bot.headers), 409, "timer_not_pending")
    listed = data(await client.get(f"/tasks/{task['id']}/timers", headers=team.bot.headers))
    assert [t["status"] for t in listed] == ["cancelled", "pending"]


async def test_who_may_use_a_tasks_timers(client: httpx2.AsyncClient, team: Team) -> None:
    task = await new_task(client, team.admin, team.bot)
    path = f"/tasks/{task['id']}/timer"
    body = {"fireAt": soon(), "message": "wake"}
    # Neither assignee nor creator nor admin.
    for outsider in (team.other_bot, team.human):
        error(await client.post(path, json=body, headers=outsider.headers), 403, "forbidden")
        listing = await client.get(f"/tasks/{task['id']}/timers", headers=outsider.headers)
        error(listing, 403, "forbidden")
    timer = data(await client.post(path, json=body, headers=team.admin.headers), 201)
    cancel = f"/tasks/{task['id']}/timers/{timer['id']}"
    error(await client.delete(cancel, headers=team.other_bot.headers), 403, "forbidden")
    error(await client.post(path, json=body), 401)
    # The creator, without being assigned.
    own = await new_task(client, team.human)
    data(await client.post(f"/tasks/{own['id']}/timer", json=body, headers=team.human.headers), 201)
    missing = "/tasks/T-999/timer"
    error(await client.post(missing, json=body, headers=team.admin.headers), 404, "not_found")
    unknown = f"/tasks/{task['id']}/timers/not-a-timer"
    error(await client.delete(unknown, headers=team.admin.headers), 404, "not_found")
    elsewhere = f"/tasks/{own['id']}/timers/{timer['id']}"  # a timer of another task
    error(await client.delete(elsewhere, headers=team.admin.headers), 404, "not_found")


async def test_a_timer_must_fire_in_the_future_within_a_year(
    client: httpx2.AsyncClient, team: Team
) -> None:
    task = await new_task(client, team.admin, team.bot)
    path = f"/tasks/{task['id']}/timer"
    past = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    far = (datetime.now(UTC) + timedelta(days=400)).isoformat()
    for fire_at in (past, far):
        sent = await client.post(
            path, json={"fireAt": fire_at, "message": "x"}, headers=team.bot.headers
        )
        error(sent, 400, "invalid_fire_at")
    for bad in (
        {"fireAt": soon()},
        {"fireAt": soon(), "message": "   "},
        {"fireAt": "tomorrow", "message": "x"},
        {"message": "x"},
        {"fireAt": soon(), "message": "x" * 4001},
    ):
        error(await client.post(path, json=bad, headers=team.bot.headers), 400, "validation_error")


@pytest.mark.both_engines
async def test_a_deleted_task_takes_its_timers_with_it(
    client: httpx2.AsyncClient, platform: Platform, team: Team
) -> None:
    task = await new_task(client, team.admin, team.bot)
    body = {"fireAt": soon(), "message": "wake"}
    data(await client.post(f"/tasks/{task['id']}/timer", json=body, headers=team.bot.headers), 201)
    data(await client.delete(f"/tasks/{task['id']}", headers=team.admin.headers))

    def count(conn: sa.Connection) -> int:
        return conn.execute(sa.select(sa.func.count()).select_from(task_timers)).scalar_one()

    assert await platform.store.read(count) == 0
    listing = await client.get(f"/tasks/{task['id']}/timers", headers=team.admin.headers)
    error(listing, 404, "not_found")
