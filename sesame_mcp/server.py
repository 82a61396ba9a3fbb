"""The MCP server: the selected toolsets' tools, resources and prompts over shared state,
with the agent's briefing as `instructions` and resource subscriptions fed by the platform's
events (both protocol eras)."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import AsyncIterator, Iterable

import anyio
from mcp.server import MCPServer
from mcp.types import (
    Completion,
    CompletionArgument,
    CompletionContext,
    PromptReference,
    ResourceTemplateReference,
)

from server_core.version import VERSION
from sesame_mcp.briefing import briefing, session_lines
from sesame_mcp.state import Sesame
from sesame_mcp.toolbox import Toolbox, announce_tool_changes
from sesame_mcp.toolsets import ALL_TOOLSETS


async def build_server(
    state: Sesame,
    *,
    toolsets: Iterable[str] | None = None,
    read_only: bool = False,
    push_events: bool = True,
    transport: str = "stdio",
) -> MCPServer[Sesame]:
    """An MCP server over `state` with the default toolsets (or `toolsets`; `all` for every
    one), without write tools when `read_only`. `switch_toolsets` changes the toolsets while
    it runs. With `push_events` it declares the Claude Code channel capability and pushes the
    events worth the agent's attention into each session (`host_push`). Each connection
    becomes a platform session (`connections`), its adapter named `transport`.

    The lifespan is entered once per stream on stdio and in process (once for all on HTTP):
    when it ends, the sessions of the streams that closed are ended."""

    @contextlib.asynccontextmanager
    async def lifespan(_: MCPServer[Sesame]) -> AsyncIterator[Sesame]:
        try:
            yield state
        finally:
            if state.connections is not None:
                with anyio.CancelScope(shield=True):
                    await state.connections.sweep()

    server: MCPServer[Sesame] = MCPServer(
        "sesame",
        title="Sesame",
        version=VERSION,
        instructions=await briefing(state),
        lifespan=lifespan,
        subscriptions=state.feed.notifier.bus,
    )
    state.feed.notifier.register(server)
    toolbox = Toolbox(server, state, ALL_TOOLSETS, state.feed.notifier, read_only=read_only)
    toolbox.start(toolsets)
    announce_tool_changes(server)
    if push_events:
        state.push.register(server)
    state.toolbox = toolbox
    if state.connections is not None:
        state.connections.transport = transport
        state.connections.describe = functools.partial(session_lines, state)
        state.connections.register(server)
    _serve_completions(server, state, toolbox)
    return server


MAX_COMPLETIONS = 100  # the protocol's cap on values per answer


def _serve_completions(server: MCPServer[Sesame], state: Sesame, toolbox: Toolbox) -> None:
    """One completion handler (the SDK keeps one): by argument name, whatever the prompt or
    resource template asking."""

    @server.completion()  # type: ignore[no-untyped-call, untyped-decorator]
    async def complete(
        ref: PromptReference | ResourceTemplateReference,
        argument: CompletionArgument,
        context: CompletionContext | None,
    ) -> Completion | None:
        completer = toolbox.completer(argument.name)
        if completer is None:
            return None
        values = await completer(state, argument.value)
        return Completion(
            values=values[:MAX_COMPLETIONS],
            total=len(values),
            has_more=len(values) > MAX_COMPLETIONS,
        )
