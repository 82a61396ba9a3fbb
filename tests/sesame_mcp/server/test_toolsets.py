"""Switching toolsets while the server runs: the tools come and go, clients of both protocol
eras are told the list changed, read-only servers stay read-only, and bad names are refused."""

from __future__ import annotations

from typing import Any

import anyio
import pytest
from mcp import Client, types
from mcp.client.subscriptions import ToolsListChanged

from sesame_mcp.server import build_server
from sesame_mcp.state import open_sesame
from sesame_mcp.toolsets import ALL_TOOLSETS
from sesame_mcp.toolsets.switch import switch_toolsets
from tests.sesame_mcp.conftest import WAIT, Agent
from tests.sesame_mcp.server.conftest import ok, text

pytestmark = pytest.mark.anyio


async def tool_names(client: Client) -> list[str]:
    return [tool.name for tool in (await client.list_tools()).tools]


async def test_switching_on_and_off_changes_the_tool_list(mcp: Client) -> None:
    assert "edit_message" not in await tool_names(mcp)
    switched = ok(await mcp.call_tool("switch_toolsets", {"enable": ["message_admin"]}))
    admin = ["add_reaction", "delete_message", "edit_message", "remove_reaction"]
    assert sorted(switched["added"]) == admin
    assert "message_admin" in switched["enabled"]
    assert sorted((await tool_names(mcp))[-4:]) == admin

    switched = ok(await mcp.call_tool("switch_toolsets", {"disable": ["message_admin"]}))
    assert sorted(switched["removed"]) == admin
    assert "edit_message" not in await tool_names(mcp)
    # Switching on what is on changes nothing.
    again = ok(await mcp.call_tool("switch_toolsets", {"enable": ["messaging"]}))
    assert again["added"] == again["removed"] == []


async def test_a_tool_switched_on_works(mcp: Client, agent: Agent) -> None:
    ok(await mcp.call_tool("switch_toolsets", {"enable": ["profile"]}))
    result = ok(await mcp.call_tool("set_status", {"status": "busy"}))
    assert result["status"] == "busy"


async def test_with_no_arguments_it_lists_what_is_on(mcp: Client) -> None:
    listed = ok(await mcp.call_tool("switch_toolsets", {}))
    assert listed["enabled"] == [t.name for t in ALL_TOOLSETS if t.default]
    assert listed["added"] == listed["removed"] == []
    # What is off is offered with what it holds, so an agent can pick without guessing.
    assert set(listed["available"]) == {t.name for t in ALL_TOOLSETS if not t.default}
    assert listed["available"]["vault"] == next(
        t.description for t in ALL_TOOLSETS if t.name == "vault"
    )
    assert "Off: " in text(await mcp.call_tool("switch_toolsets", {}))


async def test_an_unknown_toolset_is_refused_with_the_known_ones(mcp: Client) -> None:
    result = await mcp.call_tool("switch_toolsets", {"enable": ["wiki"]})
    assert result.is_error
    assert "unknown toolset wiki" in text(result)
    assert "channel_admin" in text(result)


async def test_a_read_only_server_gains_only_read_tools(agent: Agent) -> None:
    async with open_sesame(agent.client) as state:
        server = await build_server(state, read_only=True)
        async with Client(server) as client:
            switched = ok(await client.call_tool("switch_toolsets", {"enable": ["channel_admin"]}))
            assert switched["added"] == ["channel_info"]
            assert switched["read_only"] is True
            assert "update_channel" not in await tool_names(client)


async def test_clients_on_listen_streams_are_told(agent: Agent) -> None:
    async with open_sesame(agent.client) as state:
        server = await build_server(state)
        async with Client(server) as client, client.listen(tools_list_changed=True) as changes:
            assert changes.honored.tools_list_changed is True
            ok(await client.call_tool("switch_toolsets", {"enable": ["channel_admin"]}))
            with anyio.fail_after(WAIT):
                change = await anext(aiter(changes))
            assert isinstance(change, ToolsListChanged)


async def test_legacy_clients_are_told(agent: Agent) -> None:
    changed = anyio.Event()

    async def handler(message: Any) -> None:
        if isinstance(message, types.ToolListChangedNotification):
            changed.set()

    async with open_sesame(agent.client) as state:
        server = await build_server(state)
        async with Client(server, mode="legacy", message_handler=handler) as client:
            assert client.server_capabilities.tools is not None
            assert client.server_capabilities.tools.list_changed is True
            ok(await client.call_tool("switch_toolsets", {"enable": ["channel_admin"]}))
            with anyio.fail_after(WAIT):
                await changed.wait()


def test_the_description_names_every_optional_toolset() -> None:
    description = switch_toolsets.__doc__ or ""
    for toolset in ALL_TOOLSETS:
        if not toolset.default:
            assert toolset.name in description, toolset.name


async def test_all_switches_every_toolset(mcp: Client) -> None:
    on = ok(await mcp.call_tool("switch_toolsets", {"enable": ["all"]}))
    assert on["enabled"] == [toolset.name for toolset in ALL_TOOLSETS]
    off = ok(await mcp.call_tool("switch_toolsets", {"disable": ["all"], "enable": ["identity"]}))
    assert off["enabled"] == ["identity"]
    assert sorted(await tool_names(mcp)) == ["whoami"]
