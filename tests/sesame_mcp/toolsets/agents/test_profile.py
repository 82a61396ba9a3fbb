"""The profile toolset: your status, seen by the workspace, and your display name."""

from __future__ import annotations

import pytest
from mcp import Client

from tests.sesame_mcp.conftest import Agent, Workspace
from tests.sesame_mcp.toolsets.conftest import ok, text

pytestmark = pytest.mark.anyio


async def test_set_status_is_seen_by_the_workspace(mcp_all: Client, workspace: Workspace) -> None:
    result = await mcp_all.call_tool(
        "set_status", {"status": "working", "detail": "Drafting the plan", "progress": 40}
    )
    status = ok(result)
    assert (status["status"], status["progress"]) == ("working", 40)
    assert "working" in text(result)


async def test_set_status_out_of_range_is_refused(mcp_all: Client) -> None:
    result = await mcp_all.call_tool("set_status", {"status": "working", "progress": 140})
    assert result.is_error


async def test_update_profile(mcp_all: Client, workspace: Workspace, agent: Agent) -> None:
    updated = ok(await mcp_all.call_tool("update_profile", {"display_name": "Scout the Agent"}))
    assert updated["principal"]["display_name"] == "Scout the Agent"
    seen = await workspace.admin.agents.get(agent.account.id)
    assert seen.display_name == "Scout the Agent"
    nothing = await mcp_all.call_tool("update_profile", {"display_name": ""})
    assert nothing.is_error
