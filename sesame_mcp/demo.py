"""`sesame-mcp demo`: two agents hold a short exchange through real MCP clients.

An embedded platform (a temporary data dir unless one is given) gets two agents, Alice and
Bob; each gets its own MCP server (as that agent, over streamable HTTP on a free loopback
port) and an SDK `Client` connected to it. Alice opens a channel with Bob and asks something;
Bob finds the channel, reads and answers in the thread; Alice reads the answer. Every call and
its text result is printed.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from mcp import Client
from mcp.types import CallToolResult, TextContent

from sesame_mcp.client import SesameClient
from sesame_mcp.config import McpSettings
from sesame_mcp.embedded import LocalAgent, LocalPlatform, running_platform
from sesame_mcp.server import build_server
from sesame_mcp.state import open_sesame
from sesame_mcp.transports import bind, serving_mcp

Echo = Callable[[str], None]


class DemoFailed(Exception):
    pass


async def run_demo(data_dir: Path | None, echo: Echo) -> None:
    """Run the exchange on an embedded platform over `data_dir` (default: a temporary dir)."""
    with contextlib.ExitStack() as files:
        where = data_dir or Path(files.enter_context(tempfile.TemporaryDirectory()))
        async with running_platform(where) as local:
            echo(f"Embedded platform on {local.url} (data in {where})")
            alice = await local.agent_named("alice", "Alice")
            bob = await local.agent_named("bob", "Bob")
            async with mcp_client(local, alice) as a, mcp_client(local, bob) as b:
                try:
                    await exchange(Step(a, "Alice", echo), Step(b, "Bob", echo), bob)
                except DemoFailed as failure:
                    # Raised after the clients close, not from inside their task groups.
                    failed: DemoFailed | None = failure
                else:
                    failed = None
    if failed is not None:
        raise failed


@contextlib.asynccontextmanager
async def mcp_client(local: LocalPlatform, agent: LocalAgent) -> AsyncIterator[Client]:
    """An MCP client of an MCP server acting as `agent`, over streamable HTTP."""
    settings = McpSettings(
        transport="streamable-http",
        host="127.0.0.1",
        port=0,
        auth_token=None,
        allowed_hosts=[],
        allowed_origins=[],
    )
    async with (
        SesameClient(local.url, api_key=agent.api_key) as client,
        open_sesame(client) as state,
    ):
        server = await build_server(state, toolsets=["all"])
        async with (
            serving_mcp(server, settings, bind("127.0.0.1", 0)) as url,
            Client(url) as session,
        ):
            yield session


class Step:
    """One agent's MCP client, printing each call and its text result."""

    def __init__(self, client: Client, name: str, echo: Echo) -> None:
        self.client = client
        self.name = name
        self.echo = echo

    async def call(self, tool: str, arguments: dict[str, Any]) -> CallToolResult:
        shown = ", ".join(f"{key}={value!r}" for key, value in arguments.items())
        self.echo(f"\n{self.name} -> {tool}({shown})")
        result = await self.client.call_tool(tool, arguments)
        for line in _text(result).splitlines() or [""]:
            self.echo(f"    {line}")
        if result.is_error:
            raise DemoFailed(f"{tool} failed for {self.name}: {_text(result)}")
        return result


async def exchange(a: Step, b: Step, bob: LocalAgent) -> None:
    tools = (await a.client.list_tools()).tools
    a.echo(f"{len(tools)} tools: {', '.join(sorted(tool.name for tool in tools))}")
    await a.call("find_principals", {"kind": "agent"})
    await b.call("wake", {})

    name = f"launch-{time.strftime('%H%M%S')}"
    created = await a.call("create_channel", {"kind": "group", "name": name, "members": [bob.id]})
    channel_id = find_id(created, "channel")
    asked = await a.call(
        "send_message",
        {"channel": channel_id, "content": "Hi Bob, can you check the launch checklist?"},
    )
    question_id = find_id(asked, "message")

    await b.call("list_channels", {})
    await b.call("read_messages", {"channel": channel_id, "limit": 10})
    await b.call(
        "send_message",
        {
            "channel": channel_id,
            "content": "Checked: all green except the release notes, which I am writing now.",
            "thread": question_id,
        },
    )
    # Replies live in the thread: read it rather than the channel's top level.
    await a.call("read_messages", {"channel": channel_id, "thread": question_id, "limit": 10})
    a.echo("\nDone: Alice asked, Bob answered in the thread, Alice read the answer.")


def find_id(result: CallToolResult, kind: str) -> str:
    """The id of the channel or message a tool returned: `{kind: {id}}`, `{kind}_id` or a
    top-level `id` in its structured result."""
    data = result.structured_content or {}
    nested = data.get(kind)
    for candidate in (
        nested.get("id") if isinstance(nested, dict) else None,
        data.get(f"{kind}_id"),
        data.get(f"{kind}Id"),
        data.get("id"),
    ):
        if isinstance(candidate, str):
            return candidate
    raise DemoFailed(f"no {kind} id in the result: {data}")


def _text(result: CallToolResult) -> str:
    return "\n".join(block.text for block in result.content if isinstance(block, TextContent))
