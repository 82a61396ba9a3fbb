"""The client and the MCP server against a real server: the app on uvicorn (the gateway
tests' `live` fixture, on SQLite: what these tests check does not depend on the engine), a
workspace whose admin is a `SesameClient`, agents with their own clients, and an MCP client
session over the server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass

import pytest
from mcp import Client

from server_core.kernel.platform import Platform
from sesame_mcp.client import SesameClient, generate_agent_keys
from sesame_mcp.server import build_server
from sesame_mcp.state import open_sesame
from tests.helpers import PASSWORD
from tests.server_core.gateway.conftest import Live, running
from tests.server_core.gateway.conftest import no_errors_logged as no_errors_logged

WAIT = 10  # seconds any single expected outcome may take (reconnects included)


@pytest.fixture
async def live(platform: Platform) -> AsyncIterator[Live]:
    """The real app on uvicorn, as the gateway tests run it."""
    async with running(platform) as server:
        yield server


def base_url(live: Live) -> str:
    return f"http://127.0.0.1:{live.port}"


@dataclass
class AgentAccount:
    """An agent with both kinds of agent credentials: an API key and an Ed25519 key pair."""

    id: str
    handle: str
    api_key: str
    private_key: str


class Workspace:
    """A workspace on the live server: its admin's client, and agents added on demand."""

    def __init__(self, live: Live, admin: SesameClient, stack: AsyncExitStack) -> None:
        self.live = live
        self.admin = admin
        self._stack = stack

    @property
    def url(self) -> str:
        return base_url(self.live)

    async def agent(self, handle: str) -> AgentAccount:
        public, private = generate_agent_keys()
        made = await self.admin.agents.create(handle, public_key=public)
        key = await self.admin.agents.create_api_key(made.id, label="tests")
        return AgentAccount(made.id, made.handle, key.key, private)

    async def client_for(self, account: AgentAccount) -> SesameClient:
        """A client authenticated with the agent's API key, closed after the test."""
        client = SesameClient(self.url, api_key=account.api_key)
        return await self._stack.enter_async_context(client)

    async def group(self, name: str, *members: AgentAccount) -> str:
        channel = await self.admin.channels.create(
            "group", name=name, member_ids=[member.id for member in members]
        )
        return channel.id


@pytest.fixture
async def workspace(live: Live) -> AsyncIterator[Workspace]:
    async with AsyncExitStack() as stack:
        admin = await SesameClient.register(
            base_url(live),
            email="ada@example.com",
            password=PASSWORD,
            handle="ada",
            display_name="Ada",
        )
        await stack.enter_async_context(admin)
        yield Workspace(live, admin, stack)


@dataclass
class Agent:
    """An agent of the workspace with its own platform client."""

    account: AgentAccount
    client: SesameClient


@pytest.fixture
async def agent(workspace: Workspace) -> Agent:
    """The agent the MCP server acts as (`@scout`)."""
    account = await workspace.agent("scout")
    return Agent(account, await workspace.client_for(account))


@pytest.fixture(params=["legacy", "auto"], ids=["2025-11-25", "2026-07-28"])
def era(request: pytest.FixtureRequest) -> str:
    """Both protocol eras: the initialize handshake with sessions, and sessionless."""
    mode: str = request.param
    return mode


@pytest.fixture
async def mcp(agent: Agent, era: str) -> AsyncIterator[Client]:
    """A real MCP client session, in process, with the default toolsets, in both eras."""
    async with open_sesame(agent.client) as state:
        server = await build_server(state)
        async with Client(server, mode=era) as client:
            yield client
