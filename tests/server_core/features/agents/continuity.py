"""Shared by the state, focus, memory and wake tests: messaging's `team` (two humans, the first
an admin who owns both agents, and two agents), with open registration."""

from __future__ import annotations

from typing import Any

import httpx2

from tests.helpers import data
from tests.server_core.features.messaging.team import Member


async def put_state(
    client: httpx2.AsyncClient, who: Member, agent: Member, status: int = 200, **body: Any
) -> Any:
    response = await client.put(f"/agents/{agent.id}/state", json=body, headers=who.headers)
    return data(response, status) if status == 200 else response


async def put_memory(
    client: httpx2.AsyncClient,
    who: Member,
    agent: Member,
    category: str,
    key: str,
    content: str,
    **body: Any,
) -> httpx2.Response:
    payload = {"category": category, "key": key, "content": content, **body}
    return await client.put(f"/agents/{agent.id}/memory", json=payload, headers=who.headers)


async def focus(
    client: httpx2.AsyncClient, agent: Member, task: str | None, who: Member | None = None
) -> httpx2.Response:
    return await client.put(
        f"/agents/{agent.id}/focus", json={"taskId": task}, headers=(who or agent).headers
    )
