"""What the MCP server's tools share for its lifetime: the typed lifespan context."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mcp.server.mcpserver import Context

from server_core.kernel.principal_schemas import Me
from sesame_mcp.client import SesameClient
from sesame_mcp.connections import ConnectionSessions
from sesame_mcp.delivery import SecretFiles
from sesame_mcp.events import EventFeed
from sesame_mcp.guard import SecretGuard
from sesame_mcp.host_push import HostPush
from sesame_mcp.labels import Directory

if TYPE_CHECKING:
    from sesame_mcp.toolbox import Toolbox


@dataclass
class Sesame:
    """The platform client, who this server acts as, and the platform's events."""

    client: SesameClient
    me: Me
    feed: EventFeed
    # Where revealed secrets go instead of the model's context, and what they were.
    files: SecretFiles = field(default_factory=SecretFiles)
    guard: SecretGuard = field(default_factory=SecretGuard)
    # Served to other machines: a file on this one would not reach the agent.
    remote: bool = False
    # The toolsets on now; set by the server built over this state.
    toolbox: Toolbox | None = None
    # Events pushed into hosts' sessions (Claude Code channels), fed by the feed.
    push: HostPush = field(default_factory=lambda: HostPush(""))
    # The platform session of each MCP connection (`sesame_mcp.connections`).
    connections: ConnectionSessions | None = None

    @property
    def directory(self) -> Directory:
        """Channels and handles this server knows, by id and by name."""
        return self.feed.directory


@contextlib.asynccontextmanager
async def open_sesame(
    client: SesameClient,
    *,
    listener_options: Mapping[str, Any] | None = None,
    data_dir: Path | None = None,
    remote: bool = False,
) -> AsyncIterator[Sesame]:
    """The shared state over a connected client (which the caller keeps and closes), with the
    event feed running until the block ends. `listener_options` go to the platform's
    `EventListener` (reconnect delays, heartbeat); secret files go under `data_dir` (else a
    temporary directory) and are removed at the end; `remote` when MCP clients connect from
    other machines. Each MCP connection's platform session is kept while the block runs, and
    those still open are ended at its end."""
    me = await client.auth.me()
    feed = EventFeed(client, me.id, listener_options=listener_options)
    push = HostPush(me.id)
    feed.watchers.append(push.offer)
    files = SecretFiles(data_dir)
    connections = ConnectionSessions(client)
    try:
        async with feed.running(), push.running(), connections.running():
            yield Sesame(
                client=client,
                me=me,
                feed=feed,
                files=files,
                remote=remote,
                push=push,
                connections=connections,
            )
    finally:
        files.close()


def sesame(ctx: Context[Any, Any]) -> Sesame:
    """The shared state, from a tool's, resource's or prompt's context."""
    state = ctx.request_context.lifespan_context
    if not isinstance(state, Sesame):
        raise TypeError("the server's lifespan context is not Sesame state")
    return state
