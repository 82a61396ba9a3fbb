"""Session tests share messaging's `team` (two humans, the first an admin, and two agents)."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from tests.helpers import data
from tests.server_core.features.messaging.conftest import team as team
from tests.server_core.features.messaging.team import Member
from tests.server_core.features.webhooks.conftest import receiver as receiver


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"open_registration": True, "webhooks_allow_private": True}


async def start(client: httpx2.AsyncClient, who: Member, status: int = 201, **body: Any) -> Any:
    return data(await client.post("/sessions", json=body, headers=who.headers), status)


async def hook(client: httpx2.AsyncClient, who: Member, event: str, **body: Any) -> Any:
    return data(
        await client.post("/sessions/hook", json={"event": event, **body}, headers=who.headers)
    )


async def say(client: httpx2.AsyncClient, ref: str, who: Member, content: str, **body: Any) -> Any:
    """Send to a session (by id or external id) through the platform API."""
    return data(
        await client.post(
            f"/sessions/{ref}/messages", json={"content": content, **body}, headers=who.headers
        )
    )
