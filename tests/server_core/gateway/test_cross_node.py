"""Two server nodes sharing one PostgreSQL database and one Redis: an event committed on one
node reaches WebSocket clients connected to the other."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from server_core.config import Settings
from server_core.kernel.platform import open_platform
from tests.helpers import bearer, data
from tests.server_core.gateway.conftest import Live, peer, running, world_at
from tests.server_core.gateway.test_revocation import key_id, revoked

pytestmark = pytest.mark.anyio


@pytest.fixture
async def nodes(
    postgres_url: str, redis_url: str, tmp_path: Path
) -> AsyncIterator[tuple[Live, Live]]:
    """Several nodes share a database only on PostgreSQL."""
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=postgres_url,
        redis_url=redis_url,
        open_registration=False,
        cors_origins=[],
        log_level="warning",
    )
    async with (
        open_platform(settings) as first,
        open_platform(settings) as second,
        running(first) as node_a,
        running(second) as node_b,
    ):
        yield node_a, node_b


async def test_events_cross_nodes(nodes: tuple[Live, Live]) -> None:
    node_a, node_b = nodes
    async with world_at(node_a.api) as world:
        agent = await world.agent("far-away")
        channel_id = await world.channel("bridge", [agent.id])
        async with peer(node_b, agent.auth) as on_b, peer(node_a, world.admin_auth) as on_a:
            await on_a.expect("presence", principalId=world.admin_id, status="online")
            # REST on node A → WebSocket client on node B.
            sent = await world.post(channel_id, "from node A")
            assert (await on_b.expect("message"))["message"] == sent

            # WebSocket send on node B → acknowledged there, delivered on node A.
            await on_b.send({"type": "send", "channelId": channel_id, "content": "from node B"})
            ack = await on_b.expect("delivery.ack")
            received = (await on_a.expect("message"))["message"]
            assert received["plaintext"] == "from node A"
            received = (await on_a.expect("message"))["message"]
            assert (received["plaintext"], received["seq"]) == ("from node B", ack["seq"])

            # Presence of a client on node B reaches node A's clients of the workspace.
            await on_b.send({"type": "status", "status": "deploying"})
            await on_a.expect("presence", principalId=agent.id, status="deploying")


async def test_a_revoked_key_closes_its_connections_on_every_node(nodes: tuple[Live, Live]) -> None:
    node_a, node_b = nodes
    async with world_at(node_a.api) as world:
        agent = await world.agent("far-keyed")
        async with peer(node_b, agent.auth) as on_b:
            key = await key_id(world, agent.id, agent.key)
            path = f"/agents/{agent.id}/api-keys/{key}"
            data(await world.http.delete(path, headers=bearer(world.admin_token)))
            await revoked(on_b, "This API key was revoked")
