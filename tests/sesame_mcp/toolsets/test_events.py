"""The events toolset and resource notifications over a real platform and a real MCP client
session, in both protocol eras: `wait_for_events` returns what other agents do, labelled, with
a cursor to continue from; it reports progress, honours cancellation and survives a lost
platform connection; subscribed resources are announced as updated, and only those."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import anyio
import pytest
from mcp import Client, types
from mcp.client.subscriptions import ResourceUpdated

from server_core.features.messaging.schemas import Mention
from server_core.kernel.platform import Platform
from sesame_mcp.client import SesameClient, SesameError
from sesame_mcp.notifications import CHANNELS, channel_messages
from sesame_mcp.server import build_server
from sesame_mcp.state import Sesame, open_sesame
from sesame_mcp.toolsets import events as events_toolset
from tests.helpers import PASSWORD
from tests.server_core.gateway.conftest import Live, running
from tests.sesame_mcp.client.test_events import QUICK, drop
from tests.sesame_mcp.conftest import WAIT, Agent, Workspace, base_url

pytestmark = pytest.mark.anyio


@dataclass
class Scene:
    """The agent `@scout` served over MCP, and `@bob`, who shares `#plans` and `#other`."""

    state: Sesame
    bob: SesameClient
    plans: str
    other: str


@pytest.fixture
async def scene(workspace: Workspace, agent: Agent) -> AsyncIterator[Scene]:
    bob_account = await workspace.agent("bob")
    bob = await workspace.client_for(bob_account)
    plans = await workspace.group("plans", agent.account, bob_account)
    other = await workspace.group("other", agent.account, bob_account)
    for channel in (plans, other):  # bob posts several messages in a row
        mode = (await workspace.admin.channels.get(channel)).coordination_mode
        await workspace.admin.channels.set_coordination(
            channel, mode, loop_prevention={"cooldown_ms": 0}
        )
    async with open_sesame(agent.client, listener_options=QUICK) as state:
        yield Scene(state, bob, plans, other)


@asynccontextmanager
async def connect(state: Sesame, era: str, **options: Any) -> AsyncIterator[Client]:
    """An MCP client session over a server on `state`."""
    server = await build_server(state)
    async with Client(server, mode=era, **options) as client:
        yield client


@pytest.fixture
async def mcp(scene: Scene, era: str) -> AsyncIterator[Client]:
    async with connect(scene.state, era) as client:
        yield client


async def wait(mcp: Client, **arguments: Any) -> dict[str, Any]:
    """Call wait_for_events; its structured answer."""
    with anyio.fail_after(WAIT + arguments.get("timeout_seconds", 30)):
        result = await mcp.call_tool("wait_for_events", arguments)
    assert not result.is_error, result.content
    assert result.structured_content is not None
    return result.structured_content | {"text": result.content[0].text}


async def while_waiting(scene: Scene, mcp: Client, act: Any, **arguments: Any) -> dict[str, Any]:
    """Call wait_for_events, and once it blocks on the server, `await act()`."""
    answer: dict[str, Any] = {}

    async def call() -> None:
        answer.update(await wait(mcp, **arguments))

    async with anyio.create_task_group() as group:
        group.start_soon(call)
        with anyio.fail_after(WAIT):
            await scene.state.feed.log.settle(1)
        await act()
    return answer


async def test_a_message_from_another_agent_is_returned_labelled(scene: Scene, mcp: Client) -> None:
    async def post() -> None:
        await scene.bob.messages.send(scene.plans, 'ship it\nNext: "ignore this"')

    answer = await while_waiting(scene, mcp, post)
    [event] = answer["events"]
    assert (event["type"], event["author"], event["channel"], event["channel_id"]) == (
        "message",
        "bob",
        "#plans",
        scene.plans,
    )
    assert event["author_text"] == 'ship it\nNext: "ignore this"'
    # The text is quoted data: it cannot start a line of its own or close the quote.
    assert event["summary"].startswith('@bob in #plans wrote: "ship it\\nNext: \\"ignore this\\""')
    assert answer["text"].splitlines()[1] == f"- {event['summary']}"
    assert answer["next_cursor"] == event["cursor"]
    assert (answer["timed_out"], answer["missed"], answer["connected"]) == (False, False, True)


async def test_a_timeout_returns_no_events_and_the_cursor(mcp: Client) -> None:
    first = await wait(mcp, timeout_seconds=1)
    assert (first["events"], first["timed_out"]) == ([], True)
    again = await wait(mcp, cursor=first["next_cursor"], timeout_seconds=1)
    assert again["next_cursor"] == first["next_cursor"]
    assert "No matching events" in again["text"]


async def test_the_cursor_continues_after_what_was_returned(
    scene: Scene, mcp: Client, era: str
) -> None:
    start = await wait(mcp, timeout_seconds=1)
    for n in range(3):
        await scene.bob.messages.send(scene.plans, f"step {n}")
    first = await wait(mcp, cursor=start["next_cursor"], max_events=1)
    assert [event["author_text"] for event in first["events"]] == ["step 0"]
    second = await wait(mcp, cursor=first["next_cursor"], max_events=1)
    assert [event["author_text"] for event in second["events"]] == ["step 1"]
    # Without a cursor, a 2025-11-25 session continues where its last call stopped; a
    # 2026-07-28 call (no session) waits for what comes next.
    unnamed = await wait(mcp, timeout_seconds=1)
    expected = ["step 2"] if era == "legacy" else []
    assert [event["author_text"] for event in unnamed["events"]] == expected


async def test_filters_pick_channel_type_mentions_and_leave_out_own_actions(
    scene: Scene, mcp: Client, agent: Agent
) -> None:
    start = (await wait(mcp, timeout_seconds=1))["next_cursor"]
    await agent.client.messages.send(scene.plans, "mine")
    await scene.bob.messages.send(scene.other, "elsewhere")
    sent = await scene.bob.messages.send(scene.plans, "here")
    await scene.bob.messages.react(scene.plans, sent.id, "thumbs_up")
    mention = "@scout look"
    await scene.bob.messages.send(
        scene.plans, mention, mentions=[Mention(principal_id=agent.account.id, offset=0, length=6)]
    )

    # The last event first: once it is in, so are the others.
    mentioned = await wait(mcp, cursor=start, mentions_only=True)
    assert [event["author_text"] for event in mentioned["events"]] == [mention]
    assert mentioned["events"][0]["mentions_you"] is True
    here = await wait(mcp, cursor=start, channel_id=scene.plans, types=["message"])
    assert [event["author_text"] for event in here["events"]] == ["here", mention]
    reactions = await wait(mcp, cursor=start, types=["reaction"])
    [reaction] = reactions["events"]
    assert reaction["summary"] == f'@bob reacted "thumbs_up" to message {sent.id} in #plans'
    own = await wait(mcp, cursor=start, include_own=True, max_events=1)
    assert [(e["author"], e["author_text"]) for e in own["events"]] == [("scout", "mine")]


async def test_unknown_cursors_and_arguments_are_refused(mcp: Client) -> None:
    result = await mcp.call_tool("wait_for_events", {"cursor": "nonsense"})
    assert result.is_error
    assert "omit cursor" in result.content[0].text
    result = await mcp.call_tool("wait_for_events", {"timeout_seconds": 61})
    assert result.is_error


async def test_a_cursor_older_than_the_log_says_events_were_missed(
    scene: Scene, mcp: Client
) -> None:
    feed = scene.state.feed
    stale = await wait(mcp, cursor=feed.cursor(0), timeout_seconds=1)
    assert stale["missed"] is False  # nothing has left the log yet
    earlier_run = await wait(mcp, cursor="0000-5", timeout_seconds=1)
    assert earlier_run["missed"] is True
    assert "read_messages" in earlier_run["text"]


async def test_progress_is_reported_while_waiting(
    mcp: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(events_toolset, "PROGRESS_EVERY", 0.2)
    progress: list[tuple[float, float | None, str | None]] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        progress.append((value, total, message))

    with anyio.fail_after(WAIT):
        result = await mcp.call_tool(
            "wait_for_events", {"timeout_seconds": 1}, progress_callback=on_progress
        )
    assert not result.is_error
    assert len(progress) >= 3
    assert all(total == 1 for _, total, _ in progress)
    assert "waiting for events" in str(progress[0][2])


async def test_cancelling_the_call_ends_the_wait_on_the_server(scene: Scene, mcp: Client) -> None:
    async with anyio.create_task_group() as group:
        group.start_soon(mcp.call_tool, "wait_for_events", {"timeout_seconds": 60})
        with anyio.fail_after(WAIT):
            await scene.state.feed.log.settle(1)
        group.cancel_scope.cancel()  # the client sends notifications/cancelled
    with anyio.fail_after(WAIT):
        await scene.state.feed.log.settle(0)
    # The session is still usable.
    assert (await wait(mcp, timeout_seconds=1))["timed_out"] is True


async def test_subscribed_resources_are_announced_over_listen(scene: Scene) -> None:
    plans = channel_messages(scene.plans)
    async with connect(scene.state, "auto") as client:
        assert client.protocol_version == "2026-07-28"
        async with client.listen(resource_subscriptions=[plans, CHANNELS]) as updates:
            await scene.bob.messages.send(scene.other, "not subscribed")
            await scene.bob.messages.send(scene.plans, "subscribed")
            got: set[str] = set()
            with anyio.fail_after(WAIT):
                async for update in updates:
                    assert isinstance(update, ResourceUpdated)
                    assert update.uri != channel_messages(scene.other)
                    got.add(update.uri)
                    if plans in got:
                        break
            assert got <= {plans, CHANNELS}


# resources/subscribe is how 2025-11-25 clients subscribe; the SDK warns that 2026-07-28 dropped it.
@pytest.mark.filterwarnings("ignore::mcp.shared.exceptions.MCPDeprecationWarning")
async def test_subscribed_resources_are_announced_to_legacy_sessions(scene: Scene) -> None:
    plans, other = channel_messages(scene.plans), channel_messages(scene.other)
    got: list[str] = []
    arrived = anyio.Event()

    async def handler(message: Any) -> None:
        if isinstance(message, types.ResourceUpdatedNotification):
            got.append(message.params.uri)
            arrived.set()

    notifier = scene.state.feed.notifier
    async with connect(scene.state, "legacy", message_handler=handler) as client:
        assert client.protocol_version == "2025-11-25"
        assert client.server_capabilities.resources is not None
        assert client.server_capabilities.resources.subscribe is True
        await client.session.subscribe_resource(plans)
        await scene.bob.messages.send(scene.other, "not subscribed")
        await scene.bob.messages.send(scene.plans, "subscribed")
        with anyio.fail_after(WAIT):
            await arrived.wait()
        assert got == [plans]

        await client.session.unsubscribe_resource(plans)
        assert notifier.subscribers(plans) == 0
        await client.session.subscribe_resource(other)
        assert notifier.subscribers(other) == 1
    assert notifier.subscribers(other) == 0  # a closed session is forgotten


async def test_a_dropped_platform_connection_loses_and_repeats_nothing(
    scene: Scene, mcp: Client, live: Live, agent: Agent
) -> None:
    feed = scene.state.feed
    start = (await wait(mcp, timeout_seconds=1))["next_cursor"]
    listener = feed.listener
    assert listener is not None
    drop(live, agent.account.id)
    for n in range(4):
        await scene.bob.messages.send(scene.plans, f"during {n}")
    with anyio.fail_after(WAIT):
        await listener.wait_ready(connections=2)
    await scene.bob.messages.send(scene.plans, "after")
    texts: list[str] = []
    cursor = start
    while len(texts) < 5:
        answer = await wait(mcp, cursor=cursor)
        texts += [event["author_text"] for event in answer["events"]]
        cursor = answer["next_cursor"]
    assert texts == [f"during {n}" for n in range(4)] + ["after"]
    assert (await wait(mcp, cursor=cursor, timeout_seconds=1))["events"] == []


async def test_a_revoked_key_stops_the_feed_which_says_why(
    scene: Scene, mcp: Client, workspace: Workspace, agent: Agent
) -> None:
    assert (await wait(mcp, timeout_seconds=1))["connected"] is True
    listener = scene.state.feed.listener
    assert listener is not None
    (key,) = await workspace.admin.agents.api_keys(agent.account.id)
    await workspace.admin.agents.revoke_api_key(agent.account.id, key.id)
    with anyio.fail_after(WAIT), pytest.raises(SesameError, match="This API key was revoked"):
        await listener.wait_ready(connections=2)  # stopped for good, not reconnecting
    answer = await wait(mcp, timeout_seconds=1)
    assert answer["connected"] is False
    # Why, in the platform's words: "This API key was revoked" as it closed the connection
    # ("API key has been revoked" once the feed has tried again).
    assert "the platform refused the event connection (" in answer["note"]
    assert "revoked)" in answer["note"]


async def test_tools_answer_while_the_platform_is_down(platform: Platform, era: str) -> None:
    async with running(platform) as live:
        port = live.port
        ada = await SesameClient.register(
            base_url(live),
            email="ada@example.com",
            password=PASSWORD,
            handle="ada",
            display_name="Ada",
        )
        async with ada:
            made = await ada.agents.create("scout")
            key = (await ada.agents.create_api_key(made.id)).key
            channel = (await ada.channels.create("group", name="c", member_ids=[made.id])).id
            token = ada.credentials
        scout = SesameClient(base_url(live), api_key=key)
        await scout.__aenter__()
        sesame = open_sesame(scout, listener_options=QUICK)
        state = await sesame.__aenter__()
        server = await build_server(state)  # its briefing reads the platform
    try:
        async with Client(server, mode=era) as mcp:
            down = await wait(mcp, timeout_seconds=1)
            assert (down["connected"], down["events"]) == (False, [])
            assert "reconnecting" in down["note"]
            async with running(platform, port=port) as live:
                async with SesameClient(base_url(live), credentials=token) as ada:
                    await ada.messages.send(channel, "back again")
                back = await wait(mcp, cursor=down["next_cursor"])
                assert [(e["author"], e["author_text"]) for e in back["events"]] == [
                    ("ada", "back again")
                ]
                assert back["connected"] is True
    finally:
        await sesame.__aexit__(None, None, None)
        await scout.aclose()
