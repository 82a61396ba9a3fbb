"""Presence: online when a principal connects, offline when its last connection here closes,
and every status change, to the whole workspace and to no other."""

from __future__ import annotations

import anyio
import pytest

from tests.helpers import bearer, data
from tests.server_core.gateway.conftest import Live, World, peer

pytestmark = pytest.mark.anyio


async def test_presence_reaches_the_workspace_and_no_other(live: Live, world: World) -> None:
    agent = await world.agent("worker")
    elsewhere = await world.other_workspace(live.platform)
    async with peer(live, world.admin_auth) as admin, peer(live, {"token": elsewhere}) as eve:
        async with peer(live, agent.auth) as client:
            online = await admin.expect("presence", principalId=agent.id)
            assert online == {
                "type": "presence",
                "principalId": agent.id,
                "status": "online",
                "handle": "worker",
                "detail": None,
                "progress": None,
                "emoji": None,
            }
            await client.send(
                {
                    "type": "status",
                    "status": "working",
                    "detail": "Reviewing PR #142",
                    "progress": 45,
                    "emoji": "🔍",
                }
            )
            working = await admin.expect("presence", principalId=agent.id)
            assert (working["status"], working["detail"], working["progress"]) == (
                "working",
                "Reviewing PR #142",
                45,
            )
            assert working["emoji"] == "🔍"
            # The agent hears its own status too.
            await client.expect("presence", status="working")

            response = await world.http.put(
                f"/agents/{agent.id}/status",
                json={"status": "away"},
                headers=bearer(world.admin_token),
            )
            assert data(response)["status"] == "away"
            await admin.expect("presence", principalId=agent.id, status="away")
            await client.expect("presence", principalId=agent.id, status="away")

            await client.send({"type": "status", "status": ""})
            error = await client.expect("error")
            assert (error["code"], error["errorCode"], error["frame"]) == (
                4000,
                "validation_error",
                "status",
            )
        offline = await admin.expect("presence", principalId=agent.id)
        assert offline["status"] == "offline"
        seen = [frame for frame in await eve.until_pong() if frame["type"] == "presence"]
        assert {frame["principalId"] for frame in seen} <= {eve.principal_id}


async def test_offline_only_when_the_last_connection_closes(live: Live, world: World) -> None:
    agent = await world.agent("twice")
    async with peer(live, world.admin_auth) as admin:
        async with peer(live, agent.auth):
            [kept] = live.hub.connections(agent.id)
            async with peer(live, agent.auth):
                [closing] = [conn for conn in live.hub.connections(agent.id) if conn is not kept]
                await admin.expect("presence", principalId=agent.id, status="online")
                await admin.expect("presence", principalId=agent.id, status="online")
            with anyio.fail_after(5):
                await closing.done  # the server is done with the closed one
            frames = await admin.until_pong()
            assert not [frame for frame in frames if frame.get("principalId") == agent.id]
        offline = await admin.expect("presence", principalId=agent.id)
        assert offline["status"] == "offline"
