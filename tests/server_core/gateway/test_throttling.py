"""Bad credentials in auth frames count against the client's address as over REST: past the
limit the refusal says 429 with when to retry; a good credential still connects."""

from __future__ import annotations

from typing import Any

import pytest
from websockets.asyncio.client import connect

from tests.server_core.gateway.conftest import Live, Peer, World, peer

pytestmark = pytest.mark.anyio


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"auth_failures_per_client": 2}


async def refused_auth(live: Live, auth: dict[str, Any]) -> dict[str, Any]:
    async with connect(live.ws_url) as ws:
        client = Peer(ws)
        await client.send({"type": "auth", **auth})
        frame = await client.expect("error")
        close = (await client.closed()).rcvd
        assert close is not None
        assert close.code == 4001
        return frame


async def test_bad_auth_frames_from_an_address_turn_into_429(live: Live, world: World) -> None:
    agent = await world.agent("welcome")
    bad = {"apiKey": "sk_live_" + "x" * 43}
    assert (await refused_auth(live, bad))["status"] == 401
    frame = await refused_auth(live, bad)
    assert (frame["status"], frame["errorCode"]) == (429, "rate_limited")
    assert frame["details"]["retryAfterMs"] > 0
    assert (await refused_auth(live, {"token": "not-a-jwt"}))["errorCode"] == "rate_limited"
    async with peer(live, agent.auth) as welcome:
        assert welcome.principal_id == agent.id
