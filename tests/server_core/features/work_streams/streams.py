"""Helpers of the work stream tests: starting a stream, a task, the messages of a channel."""

from __future__ import annotations

from typing import Any

import httpx2

from tests.helpers import data, error
from tests.server_core.features.messaging.team import Member


async def start(
    client: httpx2.AsyncClient, who: Member, expect: int = 201, **body: Any
) -> dict[str, Any]:
    body = {"runnerType": "claude-code", "title": "Implement auth middleware", **body}
    response = await client.post("/work-streams", json=body, headers=who.headers)
    found: dict[str, Any] = data(response, 201) if expect == 201 else error(response, expect)
    return found


async def append(
    client: httpx2.AsyncClient, who: Member, stream_id: str, *contents: str, expect: int = 201
) -> Any:
    events = [{"eventType": "output", "content": c} for c in contents]
    response = await client.post(
        f"/work-streams/{stream_id}/events", json={"events": events}, headers=who.headers
    )
    return data(response, 201) if expect == 201 else error(response, expect)


async def patch(
    client: httpx2.AsyncClient, who: Member, stream_id: str, expect: int = 200, **body: Any
) -> dict[str, Any]:
    response = await client.patch(f"/work-streams/{stream_id}", json=body, headers=who.headers)
    found: dict[str, Any] = data(response) if expect == 200 else error(response, expect)
    return found


async def task(client: httpx2.AsyncClient, who: Member, **body: Any) -> dict[str, Any]:
    created: dict[str, Any] = data(
        await client.post("/tasks", json={"title": "Auth middleware", **body}, headers=who.headers),
        201,
    )
    return created


async def get_task(client: httpx2.AsyncClient, who: Member, task_id: str) -> dict[str, Any]:
    found: dict[str, Any] = data(await client.get(f"/tasks/{task_id}", headers=who.headers))
    return found


async def messages(
    client: httpx2.AsyncClient, who: Member, channel_id: str
) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = data(
        await client.get(f"/channels/{channel_id}/messages", headers=who.headers)
    )
    return found


async def status_message(
    client: httpx2.AsyncClient, who: Member, channel_id: str
) -> dict[str, Any]:
    """The channel's one work stream status message."""
    [found] = [
        m for m in await messages(client, who, channel_id) if "workStreamId" in m["metadata"]
    ]
    return found
