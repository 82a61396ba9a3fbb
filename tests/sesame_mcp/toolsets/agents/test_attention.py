"""Toolset `attention` through a real MCP client session, in both protocol eras: an agent
sets how it follows a channel, changes one part of it at a time, reads the channel's context
as its config says, and clears the config."""

from __future__ import annotations

import pytest
from mcp import Client

from server_core.features.messaging.schemas import Mention
from tests.sesame_mcp.conftest import Agent, Workspace
from tests.sesame_mcp.toolsets.conftest import ok, text

pytestmark = pytest.mark.anyio


async def test_a_config_changes_only_what_is_given(
    mcp_all: Client, agent: Agent, plans: str
) -> None:
    assert text(await mcp_all.call_tool("my_channel_configs", {})).startswith("No channel configs")
    first = await mcp_all.call_tool(
        "set_channel_config",
        {"channel": "#plans", "attention_level": "high", "keywords": ["deploy"], "purpose": "QA"},
    )
    config = ok(first)["config"]
    assert (config["channel"], config["channel_id"]) == ("#plans", plans)
    assert config["attention_level"] == "high"
    assert config["context_strategy"] == "recent"
    assert config["context_window"] == 50
    assert text(first) == (
        'Config #plans: attention high, context recent (50), purpose "QA"; '
        'triggers: keywords "deploy"'
    )
    second = ok(
        await mcp_all.call_tool(
            "set_channel_config",
            {"channel": "plans", "patterns": ["^v\\d+"], "context_window": 10, "purpose": ""},
        )
    )["config"]
    assert second["attention_level"] == "high"
    assert second["triggers"] == {"keywords": ["deploy"], "intents": [], "patterns": ["^v\\d+"]}
    assert second["context_window"] == 10
    assert second["purpose"] is None
    stored = await agent.client.agents.channel_config(agent.account.id, plans)
    assert stored is not None
    assert stored.attention_level == "high"
    assert stored.triggers.keywords == ["deploy"]

    listed = await mcp_all.call_tool("my_channel_configs", {})
    assert [c["channel"] for c in ok(listed)["configs"]] == ["#plans"]
    assert "- #plans: attention high, context recent (10)" in text(listed)
    cleared = await mcp_all.call_tool("clear_channel_config", {"channel": plans})
    assert ok(cleared)["config"]["attention_level"] == "high"
    assert text(cleared).startswith("Cleared your config of #plans: attention high")
    assert await agent.client.agents.channel_config(agent.account.id, plans) is None
    again = await mcp_all.call_tool("clear_channel_config", {"channel": "#plans"})
    assert again.is_error
    assert "HTTP 404, not_found" in text(again)
    assert "my_channel_configs lists the channels you configured" in text(again)


@pytest.mark.both_engines
async def test_channel_context_follows_the_strategy(
    mcp_all: Client, workspace: Workspace, agent: Agent, plans: str
) -> None:
    admin = workspace.admin
    for number in range(1, 4):
        await admin.messages.send(plans, f"update {number}")
    ping = "@scout please look"
    mention = Mention(principal_id=agent.account.id, offset=0, length=6)
    await admin.messages.send(plans, ping, mentions=[mention])
    ok(
        await mcp_all.call_tool(
            "set_channel_config",
            {"channel": "#plans", "context_window": 2, "attention_level": "low"},
        )
    )
    result = await mcp_all.call_tool("channel_context", {"channel": "#plans"})
    context = ok(result)["context"]
    assert context["strategy"] == "recent"
    assert [m["sender_text"] for m in context["recent_messages"]] == ["update 3", ping]
    assert [m["sender_text"] for m in context["mentioned_in_messages"]] == [ping]
    assert context["unread_count"] == 4
    assert context["config"]["attention_level"] == "low"
    assert sorted(m["handle"] for m in context["members"]) == ["ada", "bob", "scout"]
    said = text(result)
    assert said.startswith(f"#plans [{plans}]: 4 unread after #0")
    assert "#3 @ada (" in said
    assert 'wrote: "update 3"' in said
    assert "Mentioning you (1)." in said
    wider = ok(await mcp_all.call_tool("channel_context", {"channel": plans, "window": 10}))
    assert len(wider["context"]["recent_messages"]) == 4
    bare = ok(await mcp_all.call_tool("channel_context", {"channel": "#plans", "strategy": "none"}))
    assert bare["context"]["recent_messages"] == []
    assert bare["context"]["strategy"] == "none"


async def test_unknown_channels_and_bad_triggers_are_explained(
    mcp_all: Client, workspace: Workspace, plans: str
) -> None:
    nowhere = await mcp_all.call_tool("set_channel_config", {"channel": "#nowhere"})
    assert nowhere.is_error
    assert "none of your channels is named '#nowhere'" in text(nowhere)
    elsewhere = await workspace.admin.channels.create("group", name="secret")
    outside = await mcp_all.call_tool("channel_context", {"channel": elsewhere.id})
    assert outside.is_error
    assert "channel_context failed" in text(outside)
    bad = await mcp_all.call_tool("set_channel_config", {"channel": "#plans", "patterns": ["("]})
    assert bad.is_error
    assert text(bad).startswith("set_channel_config refused its arguments: patterns.0: ")
    assert "not a valid regular expression" in text(bad)
    wide = await mcp_all.call_tool("channel_context", {"channel": "#plans", "window": 501})
    assert wide.is_error
    assert text(wide).startswith("channel_context refused its arguments: window: ")
