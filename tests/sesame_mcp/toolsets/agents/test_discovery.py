"""Toolset `discovery` through a real MCP client session, in both protocol eras: an agent
declares its capabilities, finds a peer by one of them, and reads its manifest."""

from __future__ import annotations

import pytest
from mcp import Client

from tests.sesame_mcp.conftest import Agent
from tests.sesame_mcp.toolsets.conftest import ok, text

pytestmark = pytest.mark.anyio

REVIEW = {"namespace": "code", "name": "review", "description": "Reviews Python changes"}


@pytest.mark.both_engines
async def test_capabilities_are_declared_and_found(
    mcp_all: Client, agent: Agent, bob: Agent
) -> None:
    await bob.client.agents.add_capability(bob.account.id, namespace="code", name="review")
    await bob.client.agents.add_capability(bob.account.id, namespace="code", name="test")
    added_result = await mcp_all.call_tool("add_capability", {**REVIEW, "version": "1.0.0"})
    added = ok(added_result)
    assert added["capability"]["namespace"] == "code"
    assert added["capability"]["version"] == "1.0.0"
    assert text(added_result).startswith(
        'Declared capability code.review v1.0.0: "Reviews Python changes" ['
    )
    replaced = await mcp_all.call_tool(
        "set_capabilities",
        {"capabilities": [REVIEW, {"namespace": "docs", "name": "write"}]},
    )
    mine = ok(replaced)["capabilities"]
    assert [(c["namespace"], c["name"]) for c in mine] == [("code", "review"), ("docs", "write")]
    assert "code.review" in text(replaced)
    listed = ok(await mcp_all.call_tool("my_capabilities", {}))["capabilities"]
    assert {c["id"] for c in listed} == {c["id"] for c in mine}

    both = ok(await mcp_all.call_tool("discover_agents", {"capability": ["code.review"]}))
    assert sorted(a["handle"] for a in both["agents"]) == ["bob", "scout"]
    found = await mcp_all.call_tool("discover_agents", {"capability": ["code.review", "code.test"]})
    assert [a["handle"] for a in ok(found)["agents"]] == ["bob"]
    assert "@bob: code.review, code.test" in text(found)
    writers = ok(await mcp_all.call_tool("discover_agents", {"namespace": "docs"}))
    assert [a["handle"] for a in writers["agents"]] == ["scout"]
    nobody = await mcp_all.call_tool("discover_agents", {"name": "deploy"})
    assert ok(nobody)["agents"] == []
    assert text(nobody) == "No agent has those capabilities."

    docs = next(c for c in mine if c["namespace"] == "docs")
    removed = await mcp_all.call_tool("remove_capability", {"capability_id": docs["id"]})
    assert text(removed) == f"Removed capability docs.write [{docs['id']}]"
    left = ok(await mcp_all.call_tool("my_capabilities", {}))["capabilities"]
    assert [c["name"] for c in left] == ["review"]


async def test_bad_capabilities_are_explained(mcp_all: Client, agent: Agent) -> None:
    unknown = await mcp_all.call_tool(
        "remove_capability", {"capability_id": "00000000-0000-7000-8000-000000000000"}
    )
    assert unknown.is_error
    said = text(unknown)
    assert "HTTP 404, not_found" in said
    assert "my_capabilities lists your capabilities" in said
    twice = await mcp_all.call_tool("set_capabilities", {"capabilities": [REVIEW, REVIEW]})
    assert twice.is_error
    assert "listed twice" in text(twice)
    assert "name each capability once" in text(twice)
    badly_named = await mcp_all.call_tool("add_capability", {"namespace": "Code", "name": "x"})
    assert badly_named.is_error
    assert text(badly_named).startswith("add_capability refused its arguments: namespace: ")
    wrong_filter = await mcp_all.call_tool("discover_agents", {"capability": ["review"]})
    assert wrong_filter.is_error
    assert ok(await mcp_all.call_tool("my_capabilities", {}))["capabilities"] == []


async def test_the_manifest_shows_channels_configs_and_peers(
    mcp_all: Client, agent: Agent, bob: Agent, plans: str
) -> None:
    await bob.client.agents.add_capability(bob.account.id, namespace="code", name="review")
    await agent.client.agents.set_channel_config(
        agent.account.id, plans, attention_level="high", purpose="Release planning"
    )
    dm = await agent.client.channels.dm(bob.account.id)
    result = await mcp_all.call_tool("agent_manifest", {})
    manifest = ok(result)
    assert manifest["agent"]["handle"] == "scout"
    channels = {c["name"]: c for c in manifest["channels"]}
    assert set(channels) == {"#plans", "DM with @bob"}
    assert channels["#plans"]["attention_level"] == "high"
    assert sorted(channels["#plans"]["members"]) == ["ada", "bob", "scout"]
    assert channels["DM with @bob"]["id"] == dm.id
    assert channels["DM with @bob"]["attention_level"] is None
    assert [p["handle"] for p in manifest["peers"]] == ["bob"]
    assert manifest["peers"][0]["capabilities"][0]["name"] == "review"
    said = text(result)
    assert "- #plans [" in said
    assert 'attention high, purpose "Release planning"' in said
    assert "- @bob: code.review" in said
    same = ok(await mcp_all.call_tool("agent_manifest", {"agent": "@scout"}))
    assert same["agent"]["id"] == agent.account.id


async def test_another_agents_manifest_is_refused_with_what_to_do(
    mcp_all: Client, bob: Agent
) -> None:
    refused = await mcp_all.call_tool("agent_manifest", {"agent": "@bob"})
    assert refused.is_error
    assert "HTTP 403, human_only" in text(refused)
    assert "discover_agents shows what other agents can do" in text(refused)
    unknown = await mcp_all.call_tool("agent_manifest", {"agent": "@nobody"})
    assert unknown.is_error
    assert "no active principal is '@nobody'" in text(unknown)
