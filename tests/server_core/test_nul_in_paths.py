"""A NUL in a path or query value names nothing: 400 on both engines, never a 5xx (PostgreSQL
refuses NUL in a query)."""

from __future__ import annotations

import httpx2
import pytest

from tests.helpers import bearer, error, register

pytestmark = pytest.mark.anyio


@pytest.mark.both_engines
async def test_a_nul_in_a_path_or_query_is_a_400(client: httpx2.AsyncClient) -> None:
    headers = bearer((await register(client))["accessToken"])
    for path in (
        "/projects/a%00b",
        "/tasks/T-%001",
        "/agents/x%00",
        "/tasks?labels=a%00b",
        "/tasks?assigneeIds=%00",
        "/tasks/mine?status=todo%00",
    ):
        error(await client.get(path, headers=headers), 400, "validation_error")
    body = {"toHandle": "a\u0000b", "reason": "x"}
    error(await client.post("/tasks/T-1/handoff", json=body, headers=headers), 400)
