"""The gateway in /metrics: open connections and events fanned out."""

from __future__ import annotations

import anyio
import httpx2
import pytest

from tests.metrics_text import sample
from tests.server_core.gateway.conftest import Live, World, peer

pytestmark = pytest.mark.anyio


async def _scrape(live: Live) -> str:
    async with httpx2.AsyncClient() as http:
        response = await http.get(f"http://127.0.0.1:{live.port}/metrics")
    assert response.status_code == 200
    return response.text


async def test_connections_and_fanned_out_events_are_counted(live: Live, world: World) -> None:
    first, second = await world.agent("first"), await world.agent("second")
    channel_id = await world.channel("team", [first.id, second.id])
    before = await _scrape(live)
    assert sample(before, "sesame_websocket_connections") == 0
    events_before = sample(before, "sesame_gateway_events_fanned_out_total") or 0
    frames_before = sample(before, "sesame_gateway_frames_fanned_out_total") or 0
    async with peer(live, first.auth) as one, peer(live, second.auth) as two:
        assert sample(await _scrape(live), "sesame_websocket_connections") == 2
        await world.post(channel_id, "hello both")
        await one.expect("message")
        await two.expect("message")
        during = await _scrape(live)
    events = (sample(during, "sesame_gateway_events_fanned_out_total") or 0) - events_before
    frames = (sample(during, "sesame_gateway_frames_fanned_out_total") or 0) - frames_before
    assert events >= 1
    assert frames >= 2  # the message went to both connections
    for _ in range(100):  # the connections are detached once their tasks end
        if sample(await _scrape(live), "sesame_websocket_connections") == 0:
            break
        await anyio.sleep(0.05)
    assert sample(await _scrape(live), "sesame_websocket_connections") == 0
