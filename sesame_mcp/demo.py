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
# The tools the exchange needs, by their registered names.
NEEDED = ("whoami", "create_channel", "send_message", "read_messages")


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


# An argument may carry another name in a tool's schema: the demo uses the one it finds.
ARGUMENT_NAMES = {
    "channel_id": ("channel_id", "channel"),
    "thread_root_id": ("thread_root_id", "thread"),
    "member_ids": ("member_ids", "members"),
}


class Step:
    """One agent's MCP client, printing each call and its text result."""

    def __init__(self, client: Client, name: str, echo: Echo) -> None:
        self.client = client
        self.name = name
        self.echo = echo
        self.schemas: dict[str, set[str]] = {}

    async def list_tools(self) -> set[str]:
        listed = await self.client.list_tools()
        self.schemas = {
            tool.name: set(tool.input_schema.get("properties", {})) for tool in listed.tools
        }
        return set(self.schemas)

    def accepts(self, tool: str, key: str) -> bool:
        accepted = self.schemas.get(tool, set())
        return any(name in accepted for name in ARGUMENT_NAMES.get(key, (key,)))

    def _named(self, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
        accepted = self.schemas.get(tool, set())
        named = {}
        for key, value in arguments.items():
            choices = ARGUMENT_NAMES.get(key, (key,))
            named[next((name for name in choices if name in accepted), key)] = value
        return named

    async def call(self, tool: str, arguments: dict[str, Any]) -> CallToolResult:
        arguments = self._named(tool, arguments)
        shown = ", ".join(f"{key}={value!r}" for key, value in arguments.items())
        self.echo(f"\n{self.name} -> {tool}({shown})")
        result = await self.client.call_tool(tool, arguments)
        for line in _text(result).splitlines() or [""]:
            self.echo(f"    {line}")
        if result.is_error:
            raise DemoFailed(f"{tool} failed for {self.name}: {_text(result)}")
        return result


async def exchange(a: Step, b: Step, bob: LocalAgent) -> None:
    tools = await a.list_tools()
    await b.list_tools()
    a.echo(f"{len(tools)} tools: {', '.join(sorted(tools))}")
    missing = [name for name in NEEDED if name not in tools]
    await a.call("whoami", {})
    await b.call("whoami", {})
    if missing:
        raise DemoFailed(f"this build has no {', '.join(missing)} tool: the exchange stops here")

    name = f"launch-{time.strftime('%H%M%S')}"
    created = await a.call(
        "create_channel", {"kind": "group", "name": name, "member_ids": [bob.id]}
    )
    channel_id = find_id(created, "channel")
    asked = await a.call(
        "send_message",
        {"channel_id": channel_id, "content": "Hi Bob, can you check the launch checklist?"},
    )
    question_id = find_id(asked, "message")

    if "list_channels" in tools:
        await b.call("list_channels", {})
    await b.call("read_messages", {"channel_id": channel_id, "limit": 10})
    await b.call(
        "send_message",
        {
            "channel_id": channel_id,
            "content": "Checked: all green except the release notes, which I am writing now.",
            "thread_root_id": question_id,
        },
    )
    if a.accepts("read_messages", "thread_root_id"):
        # Replies live in the thread: read it rather than the channel's top level.
        await a.call(
            "read_messages",
            {"channel_id": channel_id, "thread_root_id": question_id, "limit": 10},
        )
    else:
        await a.call("read_messages", {"channel_id": channel_id, "limit": 10})
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
