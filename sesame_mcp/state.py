"""What the MCP server's tools share for its lifetime: the typed lifespan context."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

from mcp.server.mcpserver import Context

from server_core.kernel.principal_schemas import Me
from sesame_mcp.client import SesameClient
from sesame_mcp.events import EventFeed


@dataclass
class Sesame:
    """The platform client, who this server acts as, and the platform's events."""

    client: SesameClient
    me: Me
    feed: EventFeed


@contextlib.asynccontextmanager
async def open_sesame(
    client: SesameClient, *, listener_options: Mapping[str, Any] | None = None
) -> AsyncIterator[Sesame]:
    """The shared state over a connected client (which the caller keeps and closes), with the
    event feed running until the block ends. `listener_options` go to the platform's
    `EventListener` (reconnect delays, heartbeat)."""
    me = await client.me()
    feed = EventFeed(client, me.id, listener_options=listener_options)
    async with feed.running():
        yield Sesame(client=client, me=me, feed=feed)


def sesame(ctx: Context[Any, Any]) -> Sesame:
    """The shared state, from a tool's, resource's or prompt's context."""
    state = ctx.request_context.lifespan_context
    if not isinstance(state, Sesame):
        raise TypeError("the server's lifespan context is not Sesame state")
    return state
