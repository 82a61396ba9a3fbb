"""Live delivery: messages to members only, sends over the socket, typing, read receipts and
subscriptions that follow membership changes."""

from __future__ import annotations

import contextlib

import anyio
import pytest

from server_core.kernel.platform import Platform
from tests.helpers import bearer, data
from tests.server_core.gateway.conftest import (
    Live,
    Peer,
    World,
    messages_in,
    peer,
    running,
    world_at,
)

pytestmark = pytest.mark.anyio


async def test_ping_is_answered_with_pong(live: Live, world: World) -> None:
    async with peer(live, world.admin_auth) as client:
        for _ in range(3):
            await client.send({"type": "ping"})
            await client.expect("pong")


async def test_a_rest_message_reaches_members_and_no_one_else(live: Live, world: World) -> None:
    member, outsider = await world.agent("member"), await world.agent("outsider")
    channel_id = await world.channel("team", [member.id])
    async with peer(live, member.auth) as inside, peer(live, outsider.auth) as outside:
        sent = await world.post(channel_id, "Hello, how are you?", clientGeneratedId="c-1")
        frame = await inside.expect("message")
        assert frame["message"] == sent
        message = frame["message"]
        assert message["plaintext"] == "Hello, how are you?"
        assert message["metadata"]["senderHandle"] == "ada"
        assert message["metadata"]["senderDisplayName"] == "Ada"
        assert message["seq"] == 1
        assert message["clientGeneratedId"] == "c-1"
        assert not [frame for frame in await outside.until_pong() if frame["type"] == "message"]


async def test_delivery_works_over_plain_asgi_sends_too(platform: Platform) -> None:
    """Under an ASGI server that offers no frame writer, frames go through `websocket.send`,
    in the same order."""
    async with running(platform, ws="websockets-sansio") as live, world_at(live.api) as world:
        member = await world.agent("member")
        channel_id = await world.channel("team", [member.id])
        async with peer(live, member.auth) as client:
            sent = [await world.post(channel_id, f"note {n}") for n in range(5)]
            frames = await client.until_pong()
            assert messages_in(frames, channel_id) == sent


async def test_send_frame_is_acknowledged_and_reaches_the_other_members(
    live: Live, world: World
) -> None:
    sender, reader = await world.agent("sender"), await world.agent("reader")
    channel_id = await world.channel("pair", [sender.id, reader.id])
    async with peer(live, sender.auth) as writing, peer(live, reader.auth) as reading:
        await writing.send(
            {
                "type": "send",
                "channelId": channel_id,
                "content": "Here's the review",
                "kind": "text",
                "intent": "task_update",
                "threadRootId": None,
                "clientGeneratedId": "draft-7",
                "metadata": {"pr": 142},
            }
        )
        before_ack = []
        while (frame := await writing.recv())["type"] != "delivery.ack":
            before_ack.append(frame)
        ack = frame
        received = (await reading.expect("message"))["message"]
        assert ack == {
            "type": "delivery.ack",
            "channelId": channel_id,
            "messageId": received["id"],
            "seq": 1,
            "clientGeneratedId": "draft-7",
        }
        assert received["plaintext"] == "Here's the review"
        assert received["intent"] == "task_update"
        assert received["senderId"] == sender.id
        assert received["metadata"]["pr"] == 142
        # The sender hears its own message too (before or after the ack), once.
        own = messages_in(before_ack, channel_id) or [(await writing.expect("message"))["message"]]
        assert [message["id"] for message in own] == [received["id"]]

        # The same send again: the same message, acknowledged, not sent twice.
        retry = {
            "type": "send",
            "channelId": channel_id,
            "content": "Here's the review",
            "intent": "task_update",
            "clientGeneratedId": "draft-7",
        }
        await writing.send(retry)
        again = await writing.expect("delivery.ack")
        assert again["messageId"] == received["id"]
        assert again["seq"] == 1
        # The key reused for another message: refused, the first message is not passed off.
        await writing.send({**retry, "content": "something else"})
        refused = await writing.expect("error")
        assert (refused["errorCode"], refused["status"]) == ("client_generated_id_reused", 409)
        assert refused["clientGeneratedId"] == "draft-7"
        assert not messages_in(await reading.until_pong(), channel_id)

    history = data(
        await world.http.get(f"/channels/{channel_id}/messages", headers=bearer(world.admin_token))
    )
    assert [message["plaintext"] for message in history] == ["Here's the review"]


async def test_typing_reaches_the_channel_members(live: Live, world: World) -> None:
    typist, watcher = await world.agent("typist"), await world.agent("watcher")
    channel_id = await world.channel("drafts", [typist.id, watcher.id])
    private = await world.channel("private", [])
    async with peer(live, typist.auth) as typing, peer(live, watcher.auth) as watching:
        await typing.send({"type": "typing", "channelId": channel_id})
        assert await watching.expect("typing") == {
            "type": "typing",
            "channelId": channel_id,
            "principalId": typist.id,
            "handle": "typist",
        }
        await typing.send({"type": "typing", "channelId": private})
        error = await typing.expect("error")
        assert (error["code"], error["errorCode"], error["frame"]) == (
            4003,
            "not_channel_member",
            "typing",
        )
        assert not [f for f in await watching.until_pong() if f["type"] == "typing"]


async def test_read_frame_moves_the_read_position(live: Live, world: World) -> None:
    poster = await world.agent("poster")
    channel_id = await world.channel("reads", [poster.id])
    await world.post(channel_id, "one", token=poster.key)
    async with peer(live, world.admin_auth) as admin, peer(live, poster.auth) as watching:
        await admin.send({"type": "read", "channelId": channel_id, "seq": 1})
        receipt = await watching.expect("read_receipt")
        assert receipt == {
            "type": "read_receipt",
            "channelId": channel_id,
            "principalId": world.admin_id,
            "seq": 1,
            "emoji": None,
        }
    unread = data(await world.http.get("/channels/unread", headers=bearer(world.admin_token)))
    assert unread.get(channel_id, 0) == 0


async def test_subscriptions_follow_membership(live: Live, world: World) -> None:
    joiner = await world.agent("joiner")
    channel_id = await world.channel("later", [])
    async with peer(live, joiner.auth) as client, peer(live, world.admin_auth) as admin:
        await world.post(channel_id, "before joining")
        await admin.expect("message")
        assert not messages_in(await client.until_pong(), channel_id)

        await world.add_member(channel_id, joiner.id)
        joined = await client.expect("membership")
        assert joined == {
            "type": "membership",
            "channelId": channel_id,
            "principalId": joiner.id,
            "handle": "joiner",
            "action": "join",
            "role": "member",
        }
        system = (await client.expect("message"))["message"]
        assert system["kind"] == "system"
        await world.post(channel_id, "after joining")
        assert (await client.expect("message"))["message"]["plaintext"] == "after joining"

        await world.remove_member(channel_id, joiner.id)
        left = await client.expect("membership")
        assert (left["action"], left["principalId"]) == ("leave", joiner.id)
        await world.post(channel_id, "after leaving")
        while (await admin.expect("message"))["message"]["plaintext"] != "after leaving":
            pass
        assert not messages_in(await client.until_pong(), channel_id)


@pytest.mark.both_engines
async def test_fifty_concurrent_senders_over_rest_and_websocket_get_gap_free_seqs(
    live: Live, world: World
) -> None:
    reader = await world.agent("reader")
    channel_id = await world.channel("busy", [reader.id])
    per_sender, total = 4, 50 * 4
    acknowledged: list[int] = []

    async def over_rest(n: int) -> None:
        for k in range(per_sender):
            acknowledged.append((await world.post(channel_id, f"rest {n}-{k}"))["seq"])

    async def over_websocket(client: Peer, n: int) -> None:
        for k in range(per_sender):
            draft = f"ws-{n}-{k}"
            send = {"type": "send", "channelId": channel_id, "content": draft}
            await client.send({**send, "clientGeneratedId": draft})
            acknowledged.append(
                (await client.expect("delivery.ack", clientGeneratedId=draft))["seq"]
            )

    async with peer(live, reader.auth) as reading, contextlib.AsyncExitStack() as stack:
        writers = [await stack.enter_async_context(peer(live, world.admin_auth)) for _ in range(25)]
        async with anyio.create_task_group() as group:
            for n in range(25):
                group.start_soon(over_rest, n)
                group.start_soon(over_websocket, writers[n], n)
        assert sorted(acknowledged) == list(range(1, total + 1))
        received = [(await reading.expect("message"))["message"]["seq"] for _ in range(total)]
        assert sorted(received) == list(range(1, total + 1))  # each once
        assert not messages_in(await reading.until_pong(), channel_id)  # and nothing more
