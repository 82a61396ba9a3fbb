"""Autonomous-flow tests share messaging's `team` (two humans, the first an admin, and two
agents the admin provisioned), and a few helpers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2

from tests.helpers import data
from tests.server_core.features.messaging.conftest import settings_overrides as settings_overrides
from tests.server_core.features.messaging.conftest import team as team
from tests.server_core.features.messaging.team import Member


def soon(minutes: float = 20) -> str:
    return (datetime.now(UTC) + timedelta(minutes=minutes)).isoformat()


async def new_task(
    client: httpx2.AsyncClient, who: Member, *assignees: Member, title: str = "Ship login"
) -> dict[str, Any]:
    body = {"title": title, "assigneeIds": [a.id for a in assignees]}
    task: dict[str, Any] = data(await client.post("/tasks", json=body, headers=who.headers), 201)
    return task


async def wakes(client: httpx2.AsyncClient, who: Member) -> list[dict[str, Any]]:
    """The wake messages addressed to `who`, in every channel it belongs to."""
    channels = data(await client.get("/channels", headers=who.headers))
    found = []
    for channel in channels:
        page = data(await client.get(f"/channels/{channel['id']}/messages", headers=who.headers))
        found += [m for m in page if m["intent"] == "wake" and m["metadata"]["wakeFor"] == who.id]
    return found
