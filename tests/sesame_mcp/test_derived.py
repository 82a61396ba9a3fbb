"""Tools derived from an operation: arguments from its path and wire models with references on
top, hints from its method, and a real call through an MCP session (a PATCH sends only what
was given; a page fills the output's items and cursor)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
from mcp import Client
from mcp.server import MCPServer
from pydantic import Field

from server_core.features.agents.operations import Agents
from server_core.features.library.operations import Libraries
from server_core.features.messaging.operations import Messages
from sesame_mcp.derived import Ref, derive
from sesame_mcp.registry import ToolOutput, Toolset, View, mcp_tool
from sesame_mcp.state import Sesame, open_sesame
from sesame_mcp.toolbox import _set_tools
from sesame_mcp.toolsets.messaging import refs
from tests.sesame_mcp.conftest import Agent, Workspace
from tests.sesame_mcp.server.conftest import ok

pytestmark = pytest.mark.anyio


async def principal_id(state: Sesame, ref: str) -> str:
    return (await refs.resolve_principal(state, ref)).id


async def channel_id(state: Sesame, ref: str) -> str:
    return (await refs.resolve_channel(state, ref)).id


AGENT = Ref("agent", "The agent: @handle or id", principal_id)
CHANNEL = Ref("channel", "The channel: #name or id", channel_id)
PROFILE_WORDING = {
    "display_name": "New display name",
    "profile": "Free-form profile",
    "avatar_url": "Avatar URL",
    "handle": "New handle",
    "is_active": "Re-activate",
}


class AgentOutput(ToolOutput):
    agent: AgentView

    def render(self) -> str:
        return f"@{self.agent.handle}: {self.agent.display_name}"


class AgentView(View):
    id: str
    handle: str
    display_name: str


class Entry(View):
    seq: int
    plaintext: str | None


class HistoryOutput(ToolOutput):
    messages: list[Entry] = Field(description="Oldest first")
    cursor: str | int | None
    has_more: bool

    def render(self) -> str:
        return f"{len(self.messages)} messages"


def toolset() -> Toolset:
    tools = Toolset("derived", "Derived tools", default=False)
    derive(
        tools,
        Agents.update,
        name="update_agent",
        title="Update an agent",
        description="Change an agent's profile.",
        output=AgentOutput,
        descriptions=PROFILE_WORDING,
        refs={"agent_id": AGENT},
    )
    derive(
        tools,
        Messages.history,
        name="history",
        title="History",
        description="A page of a channel's history.",
        output=HistoryOutput,
        descriptions={"limit": "How many", "thread_root_id": "Only this thread"},
        refs={"channel_id": CHANNEL},
    )
    return tools


def test_arguments_come_from_the_path_and_the_model_with_references_on_top() -> None:
    update, history = toolset().tools
    schema = update.input_model.model_json_schema()
    assert list(schema["properties"]) == ["agent", *PROFILE_WORDING]
    assert schema["required"] == ["agent"]
    assert schema["properties"]["agent"]["description"] == AGENT.description
    assert schema["properties"]["display_name"]["description"] == "New display name"
    assert schema["additionalProperties"] is False
    limit = history.input_model.model_json_schema()["properties"]["limit"]
    assert (limit["minimum"], limit["maximum"]) == (1, 100)  # the wire model's own limits


def test_hints_follow_the_method() -> None:
    update, history = toolset().tools
    assert (update.read_only, update.destructive, update.idempotent) == (False, True, True)
    assert (history.read_only, history.destructive, history.idempotent) == (True, False, True)
    archive = derive(
        Toolset("t", "t", default=False),
        Agents.archive,
        name="archive_agent",
        title="Archive",
        description="Archive an agent.",
        output=AgentOutput,
    )
    assert (archive.read_only, archive.destructive) == (False, True)


def test_a_post_declared_to_read_makes_a_read_only_tool() -> None:
    query = derive(
        Toolset("t", "t", default=False),
        Libraries.query_collection,
        name="query",
        title="Query",
        description="Query a collection.",
        output=AgentOutput,
        descriptions={
            "library_id": "The library",
            "slug": "The collection",
            "where": "Conditions",
            "order_by": "Order",
            "limit": "How many",
            "cursor": "Where to go on",
        },
    )
    assert Libraries.query_collection.method == "POST"
    assert (query.read_only, query.destructive, query.idempotent) == (True, False, True)


def test_a_declaration_naming_fields_the_operation_lacks_is_refused() -> None:
    tools = Toolset("t", "t", default=False)
    kwargs: dict[str, Any] = {"title": "t", "description": "t", "output": AgentOutput}
    with pytest.raises(TypeError, match="no such fields"):
        derive(tools, Agents.archive, name="a", refs={"vault_id": AGENT}, **kwargs)
    with pytest.raises(TypeError, match="no such fields"):
        derive(tools, Agents.archive, name="b", descriptions={"nope": "x"}, **kwargs)
    with pytest.raises(TypeError, match=r"describe UpdateAgentRequest\.profile"):
        derive(tools, Agents.update, name="c", descriptions={"display_name": "x"}, **kwargs)


@pytest.fixture
async def derived(agent: Agent) -> AsyncIterator[tuple[Client, Sesame]]:
    async with open_sesame(agent.client) as state:

        @contextlib.asynccontextmanager
        async def lifespan(_: MCPServer[Sesame]) -> AsyncIterator[Sesame]:
            yield state

        server: MCPServer[Sesame] = MCPServer("derived", lifespan=lifespan)
        _set_tools(server, [mcp_tool(spec) for spec in toolset().tools])
        async with Client(server) as client:
            yield client, state


async def test_a_patch_sends_only_the_arguments_given(
    derived: tuple[Client, Sesame], agent: Agent
) -> None:
    client, _ = derived
    avatar = "https://example.com/scout.png"
    await agent.client.agents.update(agent.account.id, profile={"team": "red"}, avatar_url=avatar)
    result = ok(await client.call_tool("update_agent", {"agent": "me", "display_name": "Scout"}))
    assert result["agent"]["display_name"] == "Scout"
    after = await agent.client.agents.get(agent.account.id)
    assert after.display_name == "Scout"
    # Not given, so not sent: a PATCH's null would clear them.
    assert (after.profile, after.avatar_url) == ({"team": "red"}, avatar)
    ok(await client.call_tool("update_agent", {"agent": "me", "avatar_url": None}))
    assert (await agent.client.agents.get(agent.account.id)).avatar_url is None  # given: null


async def test_a_page_fills_the_items_and_the_cursor(
    derived: tuple[Client, Sesame], workspace: Workspace, agent: Agent
) -> None:
    client, _ = derived
    channel = await workspace.group("derived", agent.account)
    for n in range(3):
        await workspace.admin.messages.send(channel, f"m{n}")  # a human: no cooldown
    result = ok(await client.call_tool("history", {"channel": "#derived", "limit": 2}))
    assert [m["plaintext"] for m in result["messages"]] == ["m1", "m2"]
    assert result["has_more"] is True
    assert result["cursor"] == result["messages"][0]["seq"]
    unknown = await client.call_tool("history", {"channel": "#nowhere"})
    assert unknown.is_error
