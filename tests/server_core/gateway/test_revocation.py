"""Credentials taken back end the connections opened with them at once: a revoked API key, an
archived agent, a replaced signing key, a login whose refresh token was used twice. Each such
connection gets an error frame saying why and a close with 4001; connections opened with the
principal's other credentials stay."""

from __future__ import annotations

import time
from typing import Any

import pytest

from server_core.kernel.crypto import b64url_encode
from tests.helpers import PASSWORD, KeyPair, api_key_for, bearer, data, error
from tests.server_core.gateway.conftest import Live, Peer, World, peer

pytestmark = pytest.mark.anyio


async def revoked(client: Peer, reason: str) -> None:
    """The farewell error frame, then the close 4001 with the same reason."""
    frame = await client.expect("error")
    assert (frame["code"], frame["status"], frame["errorCode"]) == (
        4001,
        401,
        "credentials_revoked",
    )
    assert frame["message"] == reason
    close = (await client.closed()).rcvd
    assert close is not None
    assert (close.code, close.reason) == (4001, reason)


async def still_open(client: Peer) -> None:
    await client.until_pong()


def signature_auth(handle: str, keys: KeyPair) -> dict[str, Any]:
    timestamp = int(time.time() * 1000)
    sig = b64url_encode(keys.private.sign(f"AUTH:{handle}:{timestamp}".encode()))
    return {"signature": {"handle": handle, "sig": sig, "timestamp": timestamp}}


async def key_id(world: World, agent_id: str, key: str) -> str:
    keys = data(
        await world.http.get(f"/agents/{agent_id}/api-keys", headers=bearer(world.admin_token))
    )
    (found,) = [k["id"] for k in keys if key.startswith(k["keyPrefix"])]
    return str(found)


async def test_a_revoked_api_key_closes_its_connections_only(live: Live, world: World) -> None:
    agent = await world.agent("keyed")
    second_key = await api_key_for(world.http, world.admin_token, agent.id)
    channel = await world.channel("ops", [agent.id])
    async with (
        peer(live, agent.auth) as first,
        peer(live, {"apiKey": second_key}) as second,
        peer(live, world.admin_auth) as admin,
    ):
        revoke = await key_id(world, agent.id, agent.key)
        path = f"/agents/{agent.id}/api-keys/{revoke}"
        data(await world.http.delete(path, headers=bearer(world.admin_token)))
        await revoked(first, "This API key was revoked")
        await still_open(second)
        await still_open(admin)
        # The revoked key cannot come back, nor send over REST.
        refused = await world.http.post(
            f"/channels/{channel}/messages", json={"content": "x"}, headers=bearer(agent.key)
        )
        error(refused, 401)
        # Revoking it again changes nothing and closes nothing more.
        data(await world.http.delete(path, headers=bearer(world.admin_token)))
        await still_open(second)


async def test_archiving_an_agent_closes_every_connection_it_has(live: Live, world: World) -> None:
    keys = KeyPair.generate()
    agent = await world.agent("archivable", keys)
    async with (
        peer(live, agent.auth) as keyed,
        peer(live, signature_auth("archivable", keys)) as signed,
        peer(live, world.admin_auth) as admin,
    ):
        gone = await world.http.delete(f"/agents/{agent.id}", headers=bearer(world.admin_token))
        data(gone)
        await revoked(keyed, "This agent was archived")
        await revoked(signed, "This agent was archived")
        await still_open(admin)


async def test_a_replaced_signing_key_closes_the_connections_it_signed(
    live: Live, world: World
) -> None:
    keys = KeyPair.generate()
    agent = await world.agent("rotating", keys)
    async with (
        peer(live, signature_auth("rotating", keys)) as signed,
        peer(live, agent.auth) as keyed,
    ):
        rotate = await world.http.post(
            f"/agents/{agent.id}/rotate-key",
            json={"newPublicKey": KeyPair.generate().public_b64},
            headers=bearer(world.admin_token),
        )
        data(rotate)
        await revoked(signed, "This agent's signing key was replaced")
        await still_open(keyed)


async def test_a_login_whose_refresh_token_is_reused_loses_its_connections(
    live: Live, world: World
) -> None:
    login = data(
        await world.http.post(
            "/auth/login", json={"email": "ada@example.com", "password": PASSWORD}
        )
    )
    async with (
        peer(live, {"token": login["accessToken"]}) as stolen,
        peer(live, world.admin_auth) as other_login,
    ):
        spend = {"refreshToken": login["refreshToken"]}
        data(await world.http.post("/auth/refresh", json=spend))
        reused = await world.http.post("/auth/refresh", json=spend)
        error(reused, 401, "refresh_token_reused")
        await revoked(stolen, "This login was revoked: one of its refresh tokens was used twice")
        await still_open(other_login)
