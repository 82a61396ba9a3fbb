"""Many tasks at once over REST: reorder, batch (each operation on its own), and the summary by
project."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from tests.helpers import data, error
from tests.server_core.features.messaging.team import Team
from tests.server_core.features.tasks.test_lists import keys
from tests.server_core.features.tasks.test_tasks import create, patch

pytestmark = pytest.mark.anyio


@pytest.mark.both_engines
async def test_reorder_sets_positions_in_the_order_given(
    client: httpx2.AsyncClient, team: Team
) -> None:
    for title in ("A", "B", "C"):
        await create(client, team.bot, title)
    ordered = data(
        await client.post(
            "/tasks/reorder", json={"taskIds": ["T-3", "T-1", "T-2"]}, headers=team.bot.headers
        )
    )
    assert [(t["key"], t["position"]) for t in ordered] == [("T-3", 0), ("T-1", 1), ("T-2", 2)]
    assert await keys(client, team.bot, "?sortBy=position&sortDir=asc") == ["T-3", "T-1", "T-2"]
    error(
        await client.post(
            "/tasks/reorder", json={"taskIds": ["T-1", "T-1"]}, headers=team.bot.headers
        ),
        400,
    )
    error(
        await client.post(
            "/tasks/reorder", json={"taskIds": ["T-1", "T-9"]}, headers=team.bot.headers
        ),
        404,
    )
    assert await keys(client, team.bot, "?sortBy=position&sortDir=asc") == [
        "T-3",
        "T-1",
        "T-2",
    ]  # unchanged


@pytest.mark.both_engines
async def test_a_batch_reports_each_operation_and_keeps_the_ones_that_worked(
    client: httpx2.AsyncClient, team: Team
) -> None:
    await create(client, team.bot, "Blocker")
    await create(client, team.bot, "Blocked", status="blocked")
    data(
        await client.post(
            "/tasks/T-2/dependencies", json={"dependsOnId": "T-1"}, headers=team.bot.headers
        ),
        201,
    )
    operations: list[dict[str, Any]] = [
        {"op": "create", "data": {"title": "Made in a batch", "priority": "high"}},
        {"op": "update", "ids": ["T-1"], "data": {"status": "done"}},
        {"op": "assign", "ids": ["T-2", "T-3"], "data": {"assigneeIds": [team.human.id]}},
        {"op": "update", "ids": ["T-2", "T-99"], "data": {"priority": "low"}},
        {"op": "create", "data": {"title": ""}},
        {"op": "update", "ids": ["T-2"], "data": {"status": "in_progress"}},
    ]
    results = data(
        await client.post("/tasks/batch", json={"operations": operations}, headers=team.bot.headers)
    )
    assert [(r["index"], r["ok"]) for r in results] == [
        (0, True),
        (1, True),
        (2, True),
        (3, False),
        (4, False),
        (5, False),
    ]
    assert results[0]["tasks"][0]["key"] == "T-3"
    assert results[3]["error"]["status"] == 404
    assert (results[4]["error"]["code"], results[5]["error"]["code"]) == (
        "validation_error",
        "validation_error",
    )
    assert "use 'active'" in results[5]["error"]["error"]
    blocked = data(await client.get("/tasks/T-2", headers=team.bot.headers))
    assert blocked["status"] == "todo"  # unblocked when T-1 was done in the batch
    assert blocked["priority"] == "medium"  # the failed operation changed nothing
    assert blocked["assigneeIds"] == [team.human.id]
    too_many = {"operations": [{"op": "create", "data": {"title": "x"}}] * 51}
    error(await client.post("/tasks/batch", json=too_many, headers=team.bot.headers), 400)


async def test_the_summary_counts_tasks_by_project_and_status(
    client: httpx2.AsyncClient, team: Team
) -> None:
    data(
        await client.post(
            "/projects", json={"slug": "web", "name": "Web"}, headers=team.admin.headers
        ),
        201,
    )
    await create(client, team.admin, "a", projectId="web")
    await create(client, team.admin, "b", projectId="web", status="done")
    await create(client, team.admin, "late", dueDate="2020-01-01T00:00:00Z")
    await patch(client, team.admin, "T-1", status="active")
    summary = data(await client.get("/tasks/summary", headers=team.bot.headers))
    assert [(s["slug"], s["total"], s["byStatus"], s["overdue"]) for s in summary] == [
        ("web", 2, {"active": 1, "done": 1}, 0),
        (None, 1, {"todo": 1}, 1),
    ]
