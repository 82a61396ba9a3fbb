"""Closing from the server side: slow consumers (1013) and shutdown (1001)."""

from __future__ import annotations

import pytest
from websockets.asyncio.client import connect

from server_core.features.agents.status import Presence
from server_core.gateway import connection
from server_core.kernel.events import EventRoute
from server_core.kernel.platform import Platform
from tests.server_core.gateway.conftest import Live, Peer, World, peer, running, world_at

pytestmark = pytest.mark.anyio


async def test_a_consumer_that_falls_behind_is_closed_with_1013(
    live: Live, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(connection, "OUTBOX_LIMIT", 8)
    # ~19 MB handed over at once, dispatched in one go: far more than the sockets' buffers
    # take (the client cannot read meanwhile), so the transport pauses and the queue fills.
    filler = "x" * 65_000
    burst = [
        Presence(
            principal_id=world.admin_id,
            status=f"status {n} {filler}",
            handle="ada",
            route=EventRoute(workspace_id=world.workspace_id),
        )
        for n in range(300)
    ]
    async with peer(live, world.admin_auth) as client:
        await client.send({"type": "ping"})
        await client.expect("pong")
        await live.platform.bus.publish(burst)
        closed = await client.closed()
        assert closed.rcvd is not None
        assert closed.rcvd.code == 1013
        assert "slow consumer" in closed.rcvd.reason
    # It may come back.
    async with peer(live, world.admin_auth) as client:
        await client.send({"type": "ping"})
        await client.expect("pong")


async def test_shutdown_closes_connections_with_1001(platform: Platform) -> None:
    async with running(platform) as live, world_at(live.api) as world:
        agent = await world.agent("leaver")
        async with peer(live, world.admin_auth) as admin, peer(live, agent.auth) as client:
            await admin.expect("presence", principalId=agent.id, status="online")
            live.server.should_exit = True
            for connected in (client, admin):
                closed = await connected.closed()
                assert closed.rcvd is not None
                assert closed.rcvd.code == 1001


async def test_stopping_the_hub_closes_connections_with_1001(live: Live, world: World) -> None:
    async with peer(live, world.admin_auth) as client:
        await live.hub.stop()
        closed = await client.closed()
        assert closed.rcvd is not None
        assert (closed.rcvd.code, closed.rcvd.reason) == (1001, "server shutting down")
    async with connect(live.ws_url) as ws:
        closed = await Peer(ws).closed()
        assert closed.rcvd is not None
        assert closed.rcvd.code == 1001
