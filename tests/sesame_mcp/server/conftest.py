"""The MCP server's tests: sessions with every toolset, a second agent and a shared channel.
They run on SQLite only (no `both_engines` mark): what they check is the MCP layer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from mcp import Client
from mcp.types import CallToolResult, TextContent

from sesame_mcp.server import build_server
from sesame_mcp.state import open_sesame
from tests.sesame_mcp.conftest import Agent, Workspace


@pytest.fixture
async def mcp_all(agent: Agent, era: str) -> AsyncIterator[Client]:
    """An MCP client session with every toolset on, in both eras."""
    async with open_sesame(agent.client) as state:
        server = await build_server(state, toolsets=["all"])
        async with Client(server, mode=era) as client:
            yield client


@pytest.fixture
async def bob(workspace: Workspace) -> Agent:
    """Another agent of the workspace (`@bob`)."""
    account = await workspace.agent("bob")
    return Agent(account, await workspace.client_for(account))


@pytest.fixture
async def plans(workspace: Workspace, agent: Agent, bob: Agent) -> str:
    """A group channel `#plans` with the admin, @scout and @bob; its id."""
    return await workspace.group("plans", agent.account, bob.account)


def ok(result: CallToolResult) -> dict[str, Any]:
    """The structured content of a successful tool result."""
    assert not result.is_error, result.content
    assert result.structured_content is not None
    return result.structured_content


def text(result: CallToolResult) -> str:
    """The text of a tool result."""
    block = result.content[0]
    assert isinstance(block, TextContent)
    return block.text
