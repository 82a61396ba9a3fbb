"""What the MCP server's tools share for its lifetime: the typed lifespan context."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from mcp.server.mcpserver import Context

from server_core.kernel.principals import Me
from sesame_mcp.client import SesameClient


@dataclass
class Sesame:
    """The platform client, and who this server acts as."""

    client: SesameClient
    me: Me


@contextlib.asynccontextmanager
async def open_sesame(client: SesameClient) -> AsyncIterator[Sesame]:
    """The shared state over a connected client (which the caller keeps and closes)."""
    yield Sesame(client=client, me=await client.me())


def sesame(ctx: Context[Any, Any]) -> Sesame:
    """The shared state, from a tool's, resource's or prompt's context."""
    state = ctx.request_context.lifespan_context
    if not isinstance(state, Sesame):
        raise TypeError("the server's lifespan context is not Sesame state")
    return state
