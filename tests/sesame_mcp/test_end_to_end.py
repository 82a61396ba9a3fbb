"""Two agents, each with its own `sesame-mcp` process, talk through real MCP clients on one
platform (server_core, live): what A sends with `send_message` reaches B's
`wait_for_events`, labelled with A's handle and the channel; over stdio and over streamable
HTTP."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client, StdioServerParameters

from tests.sesame_mcp.conftest import AgentAccount, Workspace
from tests.sesame_mcp.processes import BIN, STARTUP, clean_env, sesame_mcp

pytestmark = [pytest.mark.anyio, pytest.mark.slow]
WAIT = 30

Connect = Callable[[Workspace, AgentAccount], contextlib.AbstractAsyncContextManager[Client]]


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'sesame.db'}"


def env_for(workspace: Workspace, account: AgentAccount) -> dict[str, str]:
    return clean_env(SESAME_API_URL=workspace.url, SESAME_API_KEY=account.api_key)


@contextlib.asynccontextmanager
async def over_stdio(workspace: Workspace, account: AgentAccount) -> AsyncIterator[Client]:
    params = StdioServerParameters(command=str(BIN), env=env_for(workspace, account))
    async with Client(params, mode="legacy") as client:
        yield client


@contextlib.asynccontextmanager
async def over_http(workspace: Workspace, account: AgentAccount) -> AsyncIterator[Client]:
    args = ("--transport", "streamable-http", "--port", "0")
    async with (
        sesame_mcp(*args, env=env_for(workspace, account)) as running,
        Client(running.url) as client,
    ):
        yield client
    assert running.process.returncode == 0, "\n".join(running.stderr)


async def call(client: Client, tool: str, **arguments: Any) -> dict[str, Any]:
    with anyio.fail_after(WAIT + arguments.get("timeout_seconds", 0)):
        result = await client.call_tool(tool, arguments)
    assert not result.is_error, result.content
    assert result.structured_content is not None
    return result.structured_content


@pytest.mark.parametrize("connect", [over_stdio, over_http], ids=["stdio", "streamable-http"])
async def test_what_a_sends_reaches_b_waiting_for_events_labelled(
    workspace: Workspace, connect: Connect
) -> None:
    alice = await workspace.agent("alice")
    bob = await workspace.agent("bob")
    plans = await workspace.group("plans", alice, bob)
    # Both servers start (and stop) within the bound, each call within its own.
    with anyio.fail_after(2 * STARTUP + 4 * WAIT):
        async with connect(workspace, alice) as a, connect(workspace, bob) as b:
            # Where B's events start: nothing has happened in #plans since B's server started.
            start = await call(b, "wait_for_events", channel_id=plans, timeout_seconds=1)
            assert start["events"] == []
            sent = await call(a, "send_message", channel=plans, content="Launch at noon?")
            answer = await call(
                b,
                "wait_for_events",
                cursor=start["next_cursor"],
                channel_id=plans,
                timeout_seconds=30,
            )
    [event] = answer["events"]
    assert (event["type"], event["author"], event["channel"], event["channel_id"]) == (
        "message",
        "alice",
        "#plans",
        plans,
    )
    assert event["author_text"] == "Launch at noon?"
    assert event["message_id"] == sent["message_id"]
    assert answer["timed_out"] is False
