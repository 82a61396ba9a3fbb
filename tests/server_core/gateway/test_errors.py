"""Frames the gateway cannot serve get an error frame; the connection carries on."""

from __future__ import annotations

import json
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from server_core.gateway import handlers
from server_core.kernel.ids import new_id
from tests.helpers import bearer, data
from tests.server_core.gateway.conftest import Live, Peer, World, peer

pytestmark = pytest.mark.anyio


async def _error_for(client: Peer, frame: dict[str, Any] | str | bytes) -> dict[str, Any]:
    await client.send(frame)
    error = await client.expect("error")
    assert isinstance(error["message"], str)
    assert error["message"]
    return error


async def test_bad_frames_get_errors_and_the_connection_keeps_working(
    live: Live, world: World
) -> None:
    agent = await world.agent("clumsy")
    mine = await world.channel("mine", [agent.id])
    theirs = await world.channel("theirs", [])
    async with peer(live, agent.auth) as client:
        error = await _error_for(client, "{not json")
        assert (error["code"], error["status"], error["errorCode"], error["frame"]) == (
            4000,
            400,
            "bad_frame",
            None,
        )

        error = await _error_for(client, "[1, 2]")
        assert (error["code"], error["errorCode"]) == (4000, "bad_frame")

        error = await _error_for(client, {"type": "dance"})
        assert (error["code"], error["errorCode"], error["frame"]) == (4000, "bad_frame", "dance")

        error = await _error_for(client, b"\x00binary")
        assert (error["code"], error["errorCode"]) == (4000, "bad_frame")

        send = {"type": "send", "channelId": theirs, "content": "hi", "clientGeneratedId": "g-1"}
        error = await _error_for(client, send)
        assert error == {
            "type": "error",
            "message": error["message"],
            "code": 4003,
            "status": 403,
            "errorCode": "not_channel_member",
            "frame": "send",
            "channelId": theirs,
            "clientGeneratedId": "g-1",
        }

        error = await _error_for(client, {**send, "channelId": new_id()})
        assert (error["code"], error["status"], error["errorCode"]) == (4004, 404, "not_found")

        error = await _error_for(client, {"type": "send", "channelId": mine})
        assert (error["code"], error["errorCode"], error["frame"]) == (
            4000,
            "validation_error",
            "send",
        )
        assert "content" in error["message"]
        assert error["channelId"] == mine

        error = await _error_for(client, {"type": "send", "content": "where to?"})
        assert (error["code"], error["errorCode"]) == (4000, "validation_error")

        error = await _error_for(client, {"type": "read", "channelId": mine, "seq": -1})
        assert (error["code"], error["errorCode"]) == (4000, "validation_error")

        oversized = json.dumps({"type": "send", "channelId": mine, "content": "x" * 70_000})
        error = await _error_for(client, oversized)
        assert (error["code"], error["status"], error["errorCode"]) == (
            4013,
            413,
            "payload_too_large",
        )

        await client.send({"type": "ping"})
        await client.expect("pong")
        # Still a working connection: a send goes through.
        await client.send({"type": "send", "channelId": mine, "content": "finally"})
        assert (await client.expect("delivery.ack"))["seq"] == 1


async def test_loop_prevention_refusals_are_4029(live: Live, world: World) -> None:
    agent = await world.agent("chatty")
    channel_id = await world.channel("slow", [agent.id])
    response = await world.http.put(
        f"/channels/{channel_id}/coordination",
        json={"mode": "free", "loopPrevention": {"cooldownMs": 3_600_000}},
        headers=bearer(world.admin_token),
    )
    data(response)
    async with peer(live, agent.auth) as client:
        await client.send({"type": "send", "channelId": channel_id, "content": "one"})
        await client.expect("delivery.ack")
        await client.send({"type": "send", "channelId": channel_id, "content": "two"})
        error = await client.expect("error")
        assert (error["code"], error["status"], error["errorCode"]) == (
            4029,
            429,
            "loop_prevention",
        )
        assert error["details"]["retryAfterMs"] > 0


async def test_frames_over_the_transport_limit_close_the_connection(
    live: Live, world: World
) -> None:
    async with connect(live.ws_url, max_size=None) as ws:
        client = Peer(ws)
        await client.send({"type": "auth", "token": world.admin_token})
        assert (await client.recv())["type"] == "authenticated"
        await client.send("x" * 1_100_000)
        closed = await client.closed()
        assert isinstance(closed, ConnectionClosed)
        assert closed.rcvd is not None
        assert closed.rcvd.code == 1009


async def test_an_unexpected_failure_is_4500_and_the_connection_survives(
    live: Live, world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(conn: object, frame: dict[str, Any]) -> None:
        raise RuntimeError("broken on purpose")

    monkeypatch.setitem(handlers.HANDLERS, "typing", broken)
    async with peer(live, world.admin_auth) as client:
        error = await _error_for(client, {"type": "typing", "channelId": new_id()})
        assert (error["code"], error["status"], error["errorCode"], error["frame"]) == (
            4500,
            500,
            "internal_error",
            "typing",
        )
        assert "broken on purpose" not in error["message"]
        await client.send({"type": "ping"})
        await client.expect("pong")
    assert [record for record in caplog.records if record.name == "server_core.gateway.handlers"]
    caplog.clear()  # logged as it should be
