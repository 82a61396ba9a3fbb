"""Events pushed into the host's session as Claude Code channel notifications, received by a
real MCP client session (2025-11-25, the era with a standalone channel): DMs, mentions, tasks
given to the agent; nothing else; at a bounded rate; and none when switched off."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import anyio
import pytest
from mcp import Client, types
from mcp.client.extension import ClientExtension, NotificationBinding

from server_core.features.messaging.schemas import Mention
from sesame_mcp.host_push import CAPABILITY, METHOD
from sesame_mcp.server import build_server
from sesame_mcp.state import Sesame, open_sesame
from tests.sesame_mcp.client.test_events import QUICK
from tests.sesame_mcp.conftest import WAIT, Agent, Workspace

pytestmark = pytest.mark.anyio


class ChannelParams(types.NotificationParams):
    content: str
    meta: dict[str, str]


class ChannelListener(ClientExtension):
    """What a host that reads Claude Code channels receives."""

    identifier = "dev.sesame.tests/channel-listener"

    def __init__(self) -> None:
        self.received: list[ChannelParams] = []
        self.arrived = anyio.Event()

    def notifications(self) -> Sequence[NotificationBinding[Any]]:
        return [NotificationBinding(method=METHOD, params_type=ChannelParams, handler=self._got)]

    async def _got(self, params: ChannelParams) -> None:
        self.received.append(params)
        self.arrived.set()

    async def next(self) -> ChannelParams:
        with anyio.fail_after(WAIT):
            while not self.received:
                await self.arrived.wait()
                self.arrived = anyio.Event()
        return self.received.pop(0)


@asynccontextmanager
async def session(
    agent: Agent, *, push_events: bool = True
) -> AsyncIterator[tuple[Sesame, Client, ChannelListener]]:
    listener = ChannelListener()
    async with open_sesame(agent.client, listener_options=QUICK) as state:
        state.push.gap = 0.05
        server = await build_server(state, push_events=push_events)
        async with Client(server, mode="legacy", extensions=[listener]) as client:
            yield state, client, listener


@pytest.fixture
async def busy(workspace: Workspace, plans: str) -> str:
    """`#plans`, where one may post several messages in a row."""
    mode = (await workspace.admin.channels.get(plans)).coordination_mode
    await workspace.admin.channels.set_coordination(
        plans, mode, loop_prevention={"cooldown_ms": 0, "max_consecutive": 100}
    )
    return plans


async def test_dms_mentions_and_tasks_given_are_pushed_and_nothing_else(
    workspace: Workspace, agent: Agent, bob: Agent, busy: str
) -> None:
    plans = busy
    async with session(agent) as (state, client, listener):
        assert client.server_capabilities.experimental == {CAPABILITY: {}}
        await bob.client.messages.send(plans, "not for you")  # no mention: not pushed
        dm = await bob.client.channels.dm(agent.account.id)
        sent = await bob.client.messages.send(dm.id, "Can you review #142?")
        pushed = await listener.next()
        assert pushed.content == (
            f'@bob in DM with @bob wrote: "Can you review #142?" [message {sent.id}]'
        )
        assert pushed.meta == {
            "kind": "message",
            "channel": "DM with @bob",
            "channel_id": dm.id,
            "sender": "@bob",
            "message_id": sent.id,
        }
        mention = Mention(principal_id=agent.account.id, offset=0, length=6)
        await bob.client.messages.send(plans, "@scout ship it?", mentions=[mention])
        pushed = await listener.next()
        assert (pushed.meta["channel"], pushed.content.endswith("(mentions you)")) == (
            "#plans",
            True,
        )
        await workspace.admin.tasks.create("Not yours")
        await workspace.admin.tasks.create("Yours", assignee_ids=[agent.account.id])
        pushed = await listener.next()
        assert (pushed.meta["kind"], pushed.meta["task"]) == ("task", "T-2")
        assert pushed.content == 'task T-2 "Yours" was created'
        # The agent's own messages are never pushed back.
        await state.client.messages.send(plans, "on it")
        await bob.client.messages.send(plans, "@scout thanks", mentions=[mention])
        assert (await listener.next()).content.startswith('@bob in #plans wrote: "@scout thanks"')
        assert listener.received == []


async def test_a_burst_is_folded_into_one_summary(agent: Agent, bob: Agent, busy: str) -> None:
    plans = busy
    mention = Mention(principal_id=agent.account.id, offset=0, length=6)
    async with session(agent) as (state, _, listener):
        state.push.gap = 1.0  # one drain takes the whole burst
        await bob.client.messages.send(plans, "@scout first", mentions=[mention])
        await listener.next()
        for n in range(8):
            await bob.client.messages.send(plans, f"@scout {n}", mentions=[mention])
        first = [await listener.next() for _ in range(state.push.burst + 1)]
    assert [p.meta["kind"] for p in first] == ["message"] * state.push.burst + ["summary"]
    summary = first[-1]
    assert summary.meta["count"] == str(8 - state.push.burst)
    assert f"{8 - state.push.burst} more events ({8 - state.push.burst} in #plans)" in (
        summary.content
    )
    assert "wait_for_events" in summary.content


async def test_switched_off_nothing_is_declared_or_pushed(agent: Agent, bob: Agent) -> None:
    async with session(agent, push_events=False) as (state, client, listener):
        assert client.server_capabilities.experimental is None
        dm = await bob.client.channels.dm(agent.account.id)
        await bob.client.messages.send(dm.id, "hello?")
        with anyio.fail_after(WAIT):
            await state.feed.log.wait_beyond(0)  # the DM reached the feed
        await anyio.sleep(0.2)  # and, were it pushed, the push would be out by now
    assert listener.received == []
    assert state.push.connections == 0
