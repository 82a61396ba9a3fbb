"""Each MCP connection is a platform session (`sesame_mcp.connections`), in both protocol eras:
it appears when the host connects (kind mcp, the host's name as clientId, the transport as
adapter), takes the host's first root as its cwd, and ends when the host leaves — in process,
over stdio and over streamable HTTP as real processes. A platform without sessions leaves
the connection working. The connect briefing names the other live sessions and their files."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import anyio
import pytest
from mcp import Client, StdioServerParameters
from mcp.types import Implementation, ListRootsResult, Root

from server_core.features import NAMES
from sesame_mcp.client import SesameError
from sesame_mcp.connections import ConnectionSessions
from sesame_mcp.server import build_server
from sesame_mcp.state import open_sesame
from tests.sesame_mcp.conftest import Agent, Workspace
from tests.sesame_mcp.processes import BIN, clean_env, sesame_mcp

pytestmark = pytest.mark.anyio
WAIT = 10
needs_sessions = pytest.mark.skipif(
    "sessions" not in NAMES, reason="the platform's /sessions routes are not on this branch yet"
)
CURSOR = Implementation(name="cursor", version="1.7")


async def mcp_sessions(agent: Agent, status: str = "all") -> list[Any]:
    return list((await agent.client.sessions.list(kind="mcp", status=status)).items)


async def until_ended(agent: Agent, session_id: str) -> Any:
    """The session once it is closed (the end is posted as the connection closes)."""
    with anyio.fail_after(WAIT):
        while True:
            session = await agent.client.sessions.get(session_id)
            if session.status == "closed":
                return session
            await anyio.sleep(0.05)


@contextlib.asynccontextmanager
async def connected(agent: Agent, era: str, **options: Any) -> AsyncIterator[Client]:
    async with open_sesame(agent.client) as state:
        server = await build_server(state)
        async with Client(server, mode=era, client_info=CURSOR, **options) as client:
            yield client


@needs_sessions
async def test_the_connection_is_a_session_until_the_host_leaves(agent: Agent, era: str) -> None:
    async with connected(agent, era) as client:
        await client.call_tool("whoami", {})
        [live] = await mcp_sessions(agent, "live")
        assert (live.kind, live.client_id, live.adapter_name, live.status) == (
            "mcp",
            "cursor",
            "stdio",
            "active",
        )
        assert live.external_id == f"mcp:{live.adapter_session_id}" or live.external_id.endswith(
            ":cursor"
        )
    ended = await until_ended(agent, live.id)
    assert ended.end_reason == "ended"
    assert await mcp_sessions(agent, "live") == []


@needs_sessions
async def test_the_hosts_first_root_is_the_sessions_cwd(agent: Agent) -> None:
    async def roots(_: Any) -> ListRootsResult:
        return ListRootsResult(roots=[Root(uri="file:///work/my%20repo", name="repo")])

    async with connected(agent, "legacy", list_roots_callback=roots):
        with anyio.fail_after(WAIT):
            while True:
                [live] = await mcp_sessions(agent, "live")
                if live.cwd is not None:
                    break
                await anyio.sleep(0.05)
    assert live.cwd == "/work/my repo"


@needs_sessions
async def test_the_briefing_names_the_other_live_sessions_and_their_files(
    agent: Agent, era: str
) -> None:
    async with connected(agent, era) as first:
        await first.call_tool("whoami", {})
        [live] = await mcp_sessions(agent, "live")
        await agent.client.sessions.reserve(live.id, ["src/auth.py"], reason="JWT")
        async with connected(agent, era) as second:
            instructions = second.instructions or ""
    assert "Other live sessions:" in instructions
    assert f"[{live.id}]" in instructions
    assert "Files reserved by other sessions" in instructions
    assert "src/auth.py" in instructions


@needs_sessions
@pytest.mark.slow
@pytest.mark.parametrize("mode", ["legacy", "auto"], ids=["2025-11-25", "2026-07-28"])
async def test_over_stdio_the_session_ends_with_the_process(
    workspace: Workspace, agent: Agent, mode: str
) -> None:
    env = clean_env(SESAME_API_URL=workspace.url, SESAME_API_KEY=agent.account.api_key)
    params = StdioServerParameters(command=str(BIN), env=env)
    async with Client(params, mode=mode, client_info=CURSOR) as client:
        await client.call_tool("whoami", {})
        [live] = await mcp_sessions(agent, "live")
        assert (live.client_id, live.adapter_name) == ("cursor", "stdio")
    await until_ended(agent, live.id)


@needs_sessions
@pytest.mark.slow
async def test_over_http_the_session_ends_when_the_host_closes_it(
    workspace: Workspace, agent: Agent
) -> None:
    env = clean_env(SESAME_API_URL=workspace.url, SESAME_API_KEY=agent.account.api_key)
    args = ("--transport", "streamable-http", "--port", "0")
    async with sesame_mcp(*args, env=env) as running:
        async with Client(running.url, mode="legacy", client_info=CURSOR) as client:
            await client.call_tool("whoami", {})
            [live] = await mcp_sessions(agent, "live")
            assert live.adapter_name == "streamable-http"
            assert live.external_id == f"mcp:{live.adapter_session_id}"
        await until_ended(agent, live.id)  # the client's DELETE closed it, the process runs on


@needs_sessions
@pytest.mark.slow
async def test_over_http_without_a_handshake_the_session_ends_with_the_process(
    workspace: Workspace, agent: Agent
) -> None:
    env = clean_env(SESAME_API_URL=workspace.url, SESAME_API_KEY=agent.account.api_key)
    args = ("--transport", "streamable-http", "--port", "0")
    async with sesame_mcp(*args, env=env) as running:
        async with Client(running.url, mode="auto", client_info=CURSOR) as client:
            await client.call_tool("whoami", {})
            await client.call_tool("whoami", {})
        [live] = await mcp_sessions(agent, "live")  # one per host, however many requests
        assert (live.client_id, live.adapter_name) == ("cursor", "streamable-http")
        assert live.external_id == f"mcp:{live.adapter_session_id}:cursor"
    await until_ended(agent, live.id)


@needs_sessions
async def test_its_own_session_ended_by_a_tool_resumes_at_the_next_call(agent: Agent) -> None:
    async with open_sesame(agent.client) as state:
        server = await build_server(state, toolsets=["default", "sessions"])
        async with Client(server, mode="legacy", client_info=CURSOR) as client:
            ended = await client.call_tool("end_session", {})
            assert not ended.is_error, ended.content
            own = ended.structured_content["session"]["id"]  # type: ignore[index]
            reserved = await client.call_tool("reserve_files", {"paths": ["a.py"]})
            assert not reserved.is_error, reserved.content
            [live] = await mcp_sessions(agent, "live")
    assert live.id == own  # resumed by its externalId
    assert live.reserved_files == ["a.py"]


class NoSessions:
    """A platform client whose platform has no sessions (an older server)."""

    class sessions:
        calls = 0

        @classmethod
        async def create(cls, **_: Any) -> Any:
            cls.calls += 1
            raise SesameError("Not Found: POST /api/v1/sessions", status=404, code="not_found")


async def test_a_platform_without_sessions_is_asked_once_and_the_connection_goes_on(
    agent: Agent, era: str
) -> None:
    NoSessions.sessions.calls = 0
    async with open_sesame(agent.client) as state:
        state.connections = ConnectionSessions(NoSessions())  # type: ignore[arg-type]
        server = await build_server(state, toolsets=["default", "sessions"])
        async with Client(server, mode=era) as client:
            assert (await client.call_tool("whoami", {})).is_error is False
            refused = await client.call_tool("reserve_files", {"paths": ["a.py"]})
    assert refused.is_error
    assert "no session on the platform" in str(refused.content[0])
    assert NoSessions.sessions.calls == 1
