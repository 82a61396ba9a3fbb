"""Dependencies over REST on both engines: adding (once), cycles refused, removing by id or by
the blocker's number, and the auto-unblock when the last blocker is done."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from server_core.features.tasks.events import TaskChanged
from tests.helpers import data, error
from tests.server_core.features.messaging.team import Team
from tests.server_core.features.tasks.test_tasks import create, patch

pytestmark = pytest.mark.anyio


async def depend(
    client: httpx2.AsyncClient, team: Team, task: str, on: str, status: int = 201
) -> dict[str, Any]:
    response = await client.post(
        f"/tasks/{task}/dependencies", json={"dependsOnId": on}, headers=team.bot.headers
    )
    dependency: dict[str, Any] = data(response, status)
    return dependency


@pytest.mark.both_engines
async def test_a_blocked_task_moves_to_todo_once_its_last_blocker_is_done(
    client: httpx2.AsyncClient, team: Team, captured_events: Any
) -> None:
    for title in ("API", "Schema", "Frontend", "Unrelated"):
        await create(client, team.bot, title)
    await patch(client, team.bot, "T-3", status="blocked")
    await patch(client, team.bot, "T-4", status="blocked")
    first = await depend(client, team, "T-3", "T-1")
    assert (first["dependsOn"]["key"], first["dependsOn"]["status"]) == ("T-1", "todo")
    await depend(client, team, "T-3", "T-2")
    assert [
        d["dependsOn"]["key"]
        for d in data(await client.get("/tasks/T-3/dependencies", headers=team.bot.headers))
    ] == ["T-1", "T-2"]
    await patch(client, team.bot, "T-1", status="done")
    assert (
        data(await client.get("/tasks/T-3", headers=team.bot.headers))["status"] == "blocked"
    )  # T-2 still open
    async with captured_events() as captured:
        await patch(client, team.bot, "T-2", status="done")
    frontend = data(await client.get("/tasks/T-3", headers=team.bot.headers))
    assert frontend["status"] == "todo"
    assert [(e.task.key, e.action) for e in captured.of(TaskChanged)] == [
        ("T-3", "status_changed"),
        ("T-2", "completed"),
    ]
    log = data(await client.get("/tasks/T-3/activity?type=status_change", headers=team.bot.headers))
    assert log[0]["message"] == "Status: blocked → todo (unblocked: T-2 is done)"
    assert (
        data(await client.get("/tasks/T-4", headers=team.bot.headers))["status"] == "blocked"
    )  # waits on nothing done


@pytest.mark.both_engines
async def test_dependencies_are_added_once_and_cycles_refused(
    client: httpx2.AsyncClient, team: Team
) -> None:
    for title in ("A", "B", "C"):
        await create(client, team.bot, title)
    made = await depend(client, team, "T-2", "T-1")
    assert await depend(client, team, "T-2", "T-1", status=200) == made
    await depend(client, team, "T-3", "T-2")
    cycle = await client.post(
        "/tasks/T-1/dependencies", json={"dependsOnId": "T-3"}, headers=team.bot.headers
    )
    assert "T-3 already waits on T-1" in error(cycle, 409, "dependency_cycle")["error"]
    error(
        await client.post(
            "/tasks/T-1/dependencies", json={"dependsOnId": "T-1"}, headers=team.bot.headers
        ),
        400,
    )
    error(
        await client.post(
            "/tasks/T-1/dependencies", json={"dependsOnId": "T-9"}, headers=team.bot.headers
        ),
        404,
    )


async def test_dependencies_are_removed_by_id_or_by_the_blockers_number(
    client: httpx2.AsyncClient, team: Team
) -> None:
    for title in ("A", "B", "C"):
        await create(client, team.bot, title)
    by_id = await depend(client, team, "T-3", "T-1")
    await depend(client, team, "T-3", "T-2")
    removed = data(
        await client.delete(f"/tasks/T-3/dependencies/{by_id['id']}", headers=team.bot.headers)
    )
    assert removed["dependsOn"]["key"] == "T-1"
    assert (
        data(await client.delete("/tasks/T-3/dependencies/T-2", headers=team.bot.headers))[
            "dependsOn"
        ]["key"]
        == "T-2"
    )
    assert data(await client.get("/tasks/T-3/dependencies", headers=team.bot.headers)) == []
    error(await client.delete("/tasks/T-3/dependencies/T-2", headers=team.bot.headers), 404)
