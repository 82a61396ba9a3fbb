"""Channel and principal names: what the server knows saves requests, and what it does not
know yet (a channel made or renamed since) is looked up rather than refused."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator

import httpx2
import pytest
from mcp import Client

from sesame_mcp.client import SesameClient
from sesame_mcp.server import build_server
from sesame_mcp.state import open_sesame
from tests.sesame_mcp.conftest import Agent, Workspace
from tests.sesame_mcp.server.conftest import ok, text

pytestmark = pytest.mark.anyio


class CountingTransport(httpx2.AsyncBaseTransport):
    """The real transport, counting requests by method and path."""

    def __init__(self) -> None:
        self._inner = httpx2.AsyncHTTPTransport()
        self.requests: Counter[str] = Counter()

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        self.requests[f"{request.method} {request.url.path.removeprefix('/api/v1')}"] += 1
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


@pytest.fixture
def transport() -> CountingTransport:
    return CountingTransport()


@pytest.fixture
async def counted(
    workspace: Workspace, agent: Agent, transport: CountingTransport
) -> AsyncIterator[Client]:
    """An MCP session whose platform client counts its requests."""
    async with (
        SesameClient(workspace.url, api_key=agent.account.api_key, transport=transport) as client,
        open_sesame(client) as state,
    ):
        server = await build_server(state)
        async with Client(server) as session:
            yield session


async def test_sending_by_name_costs_one_request(
    counted: Client, transport: CountingTransport, workspace: Workspace, agent: Agent, bob: Agent
) -> None:
    plans = await workspace.group("plans", agent.account, bob.account)
    await workspace.admin.channels.set_coordination(
        plans, "free", loop_prevention={"cooldown_ms": 0}
    )
    ok(await counted.call_tool("send_message", {"channel": "#plans", "content": "first"}))
    transport.requests.clear()
    for content in ("hello", "@bob have a look"):
        sent = ok(
            await counted.call_tool("send_message", {"channel": "#plans", "content": content})
        )
        assert sent["channel"] == "#plans"
    assert transport.requests == Counter({f"POST /channels/{plans}/messages": 2})
    mentioned = (await bob.client.messages.history(plans, limit=1)).items[0]
    assert [m.principal_id for m in mentioned.mentions] == [bob.account.id]


async def test_a_channel_made_since_is_found_by_name(
    counted: Client, workspace: Workspace, agent: Agent
) -> None:
    ok(await counted.call_tool("list_channels", {}))
    await workspace.group("fresh", agent.account)
    sent = ok(await counted.call_tool("send_message", {"channel": "#fresh", "content": "hi"}))
    assert sent["seq"] == 1


async def test_a_renamed_channel_is_found_by_its_new_name(
    counted: Client, workspace: Workspace, agent: Agent
) -> None:
    cid = await workspace.group("old-name", agent.account)
    await workspace.admin.channels.set_coordination(cid, "free", loop_prevention={"cooldown_ms": 0})
    ok(await counted.call_tool("send_message", {"channel": "#old-name", "content": "a"}))
    await workspace.admin.channels.update(cid, name="new-name")
    sent = ok(await counted.call_tool("send_message", {"channel": "#new-name", "content": "b"}))
    assert sent["channel"] == "#new-name"
    assert sent["seq"] == 2


async def test_an_unknown_name_is_refused_with_the_next_step(counted: Client) -> None:
    result = await counted.call_tool("send_message", {"channel": "#nowhere", "content": "x"})
    assert result.is_error
    assert "list_channels" in text(result)


async def test_a_channel_id_not_yet_known_is_fetched(
    counted: Client, transport: CountingTransport, workspace: Workspace, agent: Agent
) -> None:
    cid = await workspace.group("by-id", agent.account)
    sent = ok(await counted.call_tool("send_message", {"channel": cid, "content": "x"}))
    assert sent["channel"] == "#by-id"
    assert transport.requests[f"GET /channels/{cid}"] <= 1
