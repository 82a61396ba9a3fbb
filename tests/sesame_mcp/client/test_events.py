"""The event listener against a real gateway: live events, sends acknowledged over the socket,
reconnects that replay what was missed exactly once and in order, and auth failures that stop
it."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import anyio
import httpx2
import pytest

from server_core.app import create_app
from server_core.gateway import frames
from server_core.kernel.platform import Platform
from sesame_mcp.client import EventListener, ServerEvent, SesameClient, SesameError
from tests.helpers import PASSWORD
from tests.server_core.gateway.conftest import Live, running
from tests.sesame_mcp.conftest import WAIT, Workspace, base_url

pytestmark = pytest.mark.anyio

QUICK = {"reconnect_delay": 0.05, "max_reconnect_delay": 0.2}  # reconnect without waiting


async def next_event(
    events: EventListener, kind: str, where: Callable[[ServerEvent], bool] = lambda _: True
) -> ServerEvent:
    """The next event of this type that matches; others are skipped."""
    with anyio.fail_after(WAIT):
        async for event in events:
            if event.type == kind and where(event):
                return event
    raise AssertionError(f"the listener stopped before a {kind} event")


async def seqs_until(events: EventListener, channel_id: str, last: int) -> list[int]:
    """The seqs of the channel's messages the listener yields, until seq `last`."""
    seen: list[int] = []
    with anyio.fail_after(WAIT):
        async for event in events:
            if event.message is not None and event.message.channel_id == channel_id:
                seen.append(event.message.seq)
                if event.message.seq >= last:
                    return seen
    raise AssertionError(f"the listener stopped after {seen}")


def drop(live: Live, principal_id: str) -> None:
    """Close the principal's connections from the server side, as for a slow consumer."""
    for conn in live.hub.connections(principal_id):
        conn.request_close(frames.TRY_AGAIN_LATER, "slow consumer: reconnect and replay")


async def test_the_listener_yields_live_events_typed(workspace: Workspace) -> None:
    account = await workspace.agent("watcher")
    agent = await workspace.client_for(account)
    channel = await workspace.group("live", account)
    admin = workspace.admin
    async with agent.listen() as events:
        sent = await admin.messages.send(channel, "hello there")
        event = await next_event(events, "message")
        assert event.message is not None
        assert (event.message.id, event.message.plaintext, event.channel_id) == (
            sent.id,
            "hello there",
            channel,
        )
        assert event.message.metadata["senderHandle"] == "ada"

        await admin.messages.react(channel, sent.id, "thumbs_up")
        reaction = await next_event(events, "reaction")
        assert reaction.data == {
            "channelId": channel,
            "messageId": sent.id,
            "principalId": sent.sender_id,
            "emoji": "thumbs_up",
            "action": "add",
        }
        await admin.messages.edit(channel, sent.id, "hello again")
        edited = await next_event(events, "message.edited")
        assert (edited.channel_id, edited.data["plaintext"]) == (channel, "hello again")
        await admin.messages.delete(channel, sent.id)
        deleted = await next_event(events, "message.deleted")
        assert deleted.data == {"channelId": channel, "messageId": sent.id}


async def test_history_before_the_listener_started_is_not_replayed(
    workspace: Workspace,
) -> None:
    account = await workspace.agent("newcomer")
    agent = await workspace.client_for(account)
    channel = await workspace.group("old", account)
    for n in range(3):
        await workspace.admin.messages.send(channel, f"old {n}")
    last = (await agent.channels.get(channel)).last_seq
    async with agent.listen() as events:
        await workspace.admin.messages.send(channel, "new")
        assert await seqs_until(events, channel, last + 1) == [last + 1]


async def test_given_cursors_replay_from_there(workspace: Workspace) -> None:
    account = await workspace.agent("catcher")
    agent = await workspace.client_for(account)
    channel = await workspace.group("backlog", account)
    for n in range(4):
        await workspace.admin.messages.send(channel, f"backlog {n}")
    last = (await agent.channels.get(channel)).last_seq
    async with agent.listen(cursors={channel: last - 2}) as events:
        assert await seqs_until(events, channel, last) == [last - 1, last]


async def test_a_message_sent_over_the_socket_is_acknowledged(workspace: Workspace) -> None:
    account = await workspace.agent("talker")
    agent = await workspace.client_for(account)
    channel = await workspace.group("socket", account)
    async with agent.listen() as events:
        ack = await events.send(channel, "over the socket", client_generated_id="cg-1")
        assert (ack.channel_id, ack.client_generated_id) == (channel, "cg-1")
        event = await next_event(events, "message")
        assert event.message is not None
        assert (event.message.id, event.message.seq) == (ack.message_id, ack.seq)
        # The same id again: the same message, acknowledged again.
        again = await events.send(channel, "over the socket", client_generated_id="cg-1")
        assert again == ack

        with pytest.raises(SesameError) as caught:
            await events.send(str(uuid.uuid4()), "nowhere")
        assert (caught.value.status, caught.value.code) == (404, "not_found")


async def test_a_server_side_close_reconnects_and_replays_what_was_missed(
    live: Live, workspace: Workspace
) -> None:
    account = await workspace.agent("resilient")
    agent = await workspace.client_for(account)
    channel = await workspace.group("dropped", account)
    base = (await agent.channels.get(channel)).last_seq
    async with agent.listen(**QUICK) as events:
        await workspace.admin.messages.send(channel, "before")
        assert await seqs_until(events, channel, base + 1) == [base + 1]
        drop(live, account.id)
        for n in range(5):
            await workspace.admin.messages.send(channel, f"during {n}")
        with anyio.fail_after(WAIT):
            await events.wait_ready(connections=2)
        await workspace.admin.messages.send(channel, "after")
        assert await seqs_until(events, channel, base + 7) == list(range(base + 2, base + 8))


async def test_a_server_restart_loses_and_repeats_nothing(platform: Platform) -> None:
    async with running(platform) as live:
        port = live.port
        admin = await SesameClient.register(
            base_url(live),
            email="ada@example.com",
            password=PASSWORD,
            handle="ada",
            display_name="Ada",
        )
        async with admin:
            made = await admin.agents.create("survivor")
            key = (await admin.agents.create_api_key(made.id)).key
            channel = (await admin.channels.create("group", name="c", member_ids=[made.id])).id
            base = (await admin.channels.get(channel)).last_seq
            token = admin.credentials
    agent = SesameClient(f"http://127.0.0.1:{port}", api_key=key)
    async with agent:
        async with running(platform, port=port) as live:
            events = agent.listen(**QUICK)
            await events.__aenter__()
        # The server is down: post in-process, straight to the app over the same database.
        offline = SesameClient(
            "http://sesame",
            credentials=token,
            transport=httpx2.ASGITransport(create_app(platform=platform)),
        )
        try:
            async with offline:
                for n in range(5):
                    await offline.messages.send(channel, f"while down {n}")
            async with running(platform, port=port) as live:
                assert await seqs_until(events, channel, base + 5) == list(
                    range(base + 1, base + 6)
                )
                async with SesameClient(base_url(live), credentials=token) as admin:
                    await admin.messages.send(channel, "back")
                assert await seqs_until(events, channel, base + 6) == [base + 6]
                assert events.connections >= 2
        finally:
            await events.aclose()


async def test_a_refused_key_stops_the_listener_with_a_sesame_error(
    live: Live, workspace: Workspace
) -> None:
    async with SesameClient(workspace.url, api_key="sk_live_" + "x" * 43) as stranger:
        with pytest.raises(SesameError) as caught:
            async with stranger.listen(cursors={}):
                pass
        assert (caught.value.status, caught.value.code) == (401, "invalid_credentials")

    account = await workspace.agent("revoked")
    agent = await workspace.client_for(account)
    async with agent.listen(**QUICK) as events:
        keys = await workspace.admin.agents.api_keys(account.id)
        # The platform closes the connection at once (4001), saying why: final, no retry.
        await workspace.admin.agents.revoke_api_key(account.id, keys[0].id)
        with anyio.fail_after(WAIT), pytest.raises(SesameError) as caught:
            async for _ in events:
                pass
        assert (caught.value.status, caught.value.code) == (401, "credentials_revoked")
        assert caught.value.message == "This API key was revoked"
        assert events.connections == 1
        with pytest.raises(SesameError):
            await events.send(str(uuid.uuid4()), "no")
