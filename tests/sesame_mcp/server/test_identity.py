"""The identity toolset, and what every tool call shares: structured output with a text
rendering, unknown arguments refused."""

from __future__ import annotations

import pytest
from mcp import Client

from tests.sesame_mcp.conftest import Agent

pytestmark = pytest.mark.anyio


async def test_whoami_answers_with_the_agent(mcp: Client, agent: Agent) -> None:
    result = await mcp.call_tool("whoami", {})
    assert not result.is_error
    assert result.structured_content is not None
    principal = result.structured_content["principal"]
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
