"""The identity toolset, and what every tool call shares: structured output with a text
rendering, unknown arguments refused."""

from __future__ import annotations

import json

import pytest
from mcp import Client
from mcp.types import TextResourceContents

from tests.sesame_mcp.conftest import Agent
from tests.sesame_mcp.toolsets.conftest import ok, text

pytestmark = pytest.mark.anyio


async def test_whoami_answers_with_the_agent(mcp: Client, agent: Agent) -> None:
    result = await mcp.call_tool("whoami", {})
    assert not result.is_error
    assert result.structured_content is not None
    principal = result.structured_content["principal"]
    assert result.structured_content["owner_id"] is not None
    assert (principal["id"], principal["handle"], principal["kind"]) == (
        agent.account.id,
        "scout",
        "agent",
    )
    assert "@scout" in result.content[0].text


async def test_unknown_arguments_are_refused_with_an_error_result(mcp: Client) -> None:
    result = await mcp.call_tool("whoami", {"verbose": True})
    assert result.is_error
    assert "verbose" in result.content[0].text


async def test_instructions_brief_the_agent(mcp: Client) -> None:
    assert mcp.instructions is not None
    assert "@scout" in mcp.instructions


async def test_the_me_resource_is_the_agent(mcp: Client, agent: Agent) -> None:
    [content] = (await mcp.read_resource("sesame://me")).contents
    assert isinstance(content, TextResourceContents)
    me = json.loads(content.text)
    assert (me["id"], me["handle"]) == (agent.account.id, "scout")


async def test_find_principals_by_part_of_a_handle(mcp_all: Client, bob: Agent) -> None:
    result = await mcp_all.call_tool("find_principals", {"query": "bo"})
    found = ok(result)
    assert [(p["handle"], p["kind"], p["id"]) for p in found["principals"]] == [
        ("bob", "agent", bob.account.id)
    ]
    humans = ok(await mcp_all.call_tool("find_principals", {"kind": "human"}))
    assert [p["handle"] for p in humans["principals"]] == ["ada"]
    assert "@bob (agent)" in text(result)


async def test_find_principals_refuses_a_wrong_type(mcp_all: Client) -> None:
    result = await mcp_all.call_tool("find_principals", {"limit": "many"})
    assert result.is_error
    assert "limit" in text(result)
