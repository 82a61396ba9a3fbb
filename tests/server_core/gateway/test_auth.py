"""The auth frame: API key, access token and Ed25519 signature; refusals close 4001, silence
closes 4008."""

from __future__ import annotations

import dataclasses
import json
import time

import pytest
from websockets.asyncio.client import connect

from server_core.kernel.crypto import b64url_encode
from server_core.kernel.platform import Platform
from tests.helpers import KeyPair
from tests.server_core.gateway.conftest import Live, Peer, World, peer, running

pytestmark = pytest.mark.anyio


async def test_api_key_authenticates_an_agent(live: Live, world: World) -> None:
    agent = await world.agent("keyed")
    async with connect(live.ws_url) as ws:
        client = Peer(ws)
        await client.send({"type": "auth", "apiKey": agent.key})
        assert await client.recv() == {
            "type": "authenticated",
            "heartbeatIntervalMs": 30_000,
            "principalId": agent.id,
        }
        await client.send({"type": "ping"})
        assert await client.expect("pong") == {"type": "pong"}


async def test_access_token_authenticates_a_human(live: Live, world: World) -> None:
    async with peer(live, {"token": world.admin_token}) as client:
        assert client.principal_id == world.admin_id


async def test_signature_authenticates_an_agent_with_a_key_pair(live: Live, world: World) -> None:
    keys = KeyPair.generate()
    agent = await world.agent("signer", keys)
    timestamp = int(time.time() * 1000)
    sig = b64url_encode(keys.private.sign(f"AUTH:signer:{timestamp}".encode()))
    signature = {"handle": "signer", "sig": sig, "timestamp": timestamp}
    async with peer(live, {"signature": signature}) as client:
        assert client.principal_id == agent.id

    forged = {"handle": "signer", "sig": b64url_encode(b"x" * 64), "timestamp": timestamp}
    async with connect(live.ws_url) as ws:
        client = Peer(ws)
        await client.send({"type": "auth", "signature": forged})
        error = await client.recv()
        assert error["type"] == "error"
        assert error["code"] == 4001
        assert (await client.closed()).rcvd.code == 4001  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "credentials",
    [
        {"apiKey": "sk_live_not-a-real-key"},
        {"token": "not.a.jwt"},
        {"signature": "handle.sig.123"},
        {},
    ],
)
async def test_bad_credentials_get_an_error_frame_then_close_4001(
    live: Live, world: World, credentials: dict[str, object]
) -> None:
    async with connect(live.ws_url) as ws:
        client = Peer(ws)
        await client.send({"type": "auth", **credentials})
        error = await client.recv()
        assert error["type"] == "error"
        assert error["code"] == 4001
        assert isinstance(error["message"], str)
        assert error["message"]
        closed = await client.closed()
        assert closed.rcvd is not None
        assert closed.rcvd.code == 4001


MALFORMED_AUTH_FRAMES = {
    "string timestamp beyond a float": json.dumps(
        {"type": "auth", "signature": {"handle": "a1", "sig": "AAAA", "timestamp": "9" * 400}}
    ),
    "number timestamp beyond a double": '{"type": "auth", "signature": '
    '{"handle": "a1", "sig": "AAAA", "timestamp": %s}}' % ("9" * 400),
    "lone surrogate": r'{"type": "auth", "apiKey": "sk_live_\ud800"}',
    "cut short": '{"type": "auth", "apiKey": "sk_live_',
}


@pytest.mark.parametrize("text", MALFORMED_AUTH_FRAMES.values(), ids=MALFORMED_AUTH_FRAMES.keys())
async def test_a_malformed_auth_frame_closes_4001_at_once(live: Live, text: str) -> None:
    # At once: well before the 10 s authentication timeout, within a frame's wait.
    async with connect(live.ws_url) as ws:
        client = Peer(ws)
        await client.send(text)
        error = await client.recv()
        assert error["type"] == "error"
        assert (error["code"], error["errorCode"]) == (4001, "invalid_credentials")
        closed = await client.closed()
        assert closed.rcvd is not None
        assert closed.rcvd.code == 4001


@pytest.mark.both_engines
async def test_a_nul_in_a_signature_handle_closes_4001(live: Live) -> None:
    # PostgreSQL cannot compare text with U+0000: refused before the lookup.
    signature = {"handle": "a\x00", "sig": "AAAA", "timestamp": int(time.time() * 1000)}
    async with connect(live.ws_url) as ws:
        client = Peer(ws)
        await client.send({"type": "auth", "signature": signature})
        assert (await client.recv())["code"] == 4001
        closed = await client.closed()
        assert closed.rcvd is not None
        assert closed.rcvd.code == 4001


async def test_frames_before_auth_are_refused_until_it_comes(live: Live, world: World) -> None:
    agent = await world.agent("eager")
    async with connect(live.ws_url) as ws:
        client = Peer(ws)
        for early in ({"type": "ping"}, "{not json", b"\x00\x01"):
            await client.send(early)
            error = await client.recv()
            assert error["type"] == "error"
            assert error["code"] == 4001
            assert error["message"] == "authenticate first"
        await client.send({"type": "auth", "apiKey": agent.key})
        assert (await client.recv())["type"] == "authenticated"


async def test_no_auth_frame_within_the_timeout_closes_4008(platform: Platform) -> None:
    settings = platform.settings.model_copy(update={"ws_auth_timeout_seconds": 0.3})
    async with (
        running(dataclasses.replace(platform, settings=settings)) as live,
        connect(live.ws_url) as ws,
    ):
        client = Peer(ws)
        error = await client.recv()
        assert error["type"] == "error"
        assert error["code"] == 4008
        closed = await client.closed()
        assert closed.rcvd is not None
        assert closed.rcvd.code == 4008
