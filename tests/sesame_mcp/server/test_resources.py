"""Resources, prompts and completions of the default toolsets."""

from __future__ import annotations

import json
import logging

import pytest
from mcp import Client, MCPError
from mcp.types import (
    INVALID_PARAMS,
    PromptReference,
    ResourceTemplateReference,
    TextContent,
    TextResourceContents,
)

from tests.sesame_mcp.conftest import Agent, Workspace

pytestmark = pytest.mark.anyio

MESSAGES = "sesame://channels/{channelId}/messages"


async def read_json(mcp: Client, uri: str) -> object:
    result = await mcp.read_resource(uri)
    [content] = result.contents
    assert isinstance(content, TextResourceContents)
    assert content.mime_type == "application/json"
    return json.loads(content.text)


async def test_resources_are_listed(mcp: Client) -> None:
    resources = {str(r.uri) for r in (await mcp.list_resources()).resources}
    assert resources == {"sesame://me", "sesame://channels", "sesame://tasks/mine", "sesame://wake"}
    templates = [t.uri_template for t in (await mcp.list_resource_templates()).resource_templates]
    assert sorted(templates) == [MESSAGES, "sesame://tasks/{taskId}"]


async def test_me_and_channels(mcp: Client, agent: Agent, plans: str) -> None:
    me = await read_json(mcp, "sesame://me")
    assert isinstance(me, dict)
    assert (me["id"], me["handle"]) == (agent.account.id, "scout")
    channels = await read_json(mcp, "sesame://channels")
    assert isinstance(channels, list)
    assert [(c["id"], c["name"]) for c in channels] == [(plans, "#plans")]


async def test_recent_messages_of_a_channel(mcp: Client, workspace: Workspace, plans: str) -> None:
    await workspace.admin.messages.send(plans, "Kickoff at 10")
    recent = await read_json(mcp, f"sesame://channels/{plans}/messages")
    assert isinstance(recent, dict)
    assert recent["channel"] == "#plans"
    assert [(m["sender"], m["sender_text"]) for m in recent["messages"]][-1] == (
        "ada",
        "Kickoff at 10",
    )


async def test_messages_of_an_unknown_channel_are_a_resource_not_found(
    mcp: Client, caplog: pytest.LogCaptureFixture
) -> None:
    for unknown in ("00000000-0000-4000-8000-000000000000", "%23nowhere"):
        with pytest.raises(MCPError, match="list_channels") as caught:
            await mcp.read_resource(f"sesame://channels/{unknown}/messages")
        assert caught.value.error.code == INVALID_PARAMS
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


async def test_a_prompt_naming_what_is_not_there_is_invalid_params_with_the_reason(
    mcp: Client, workspace: Workspace, plans: str, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(MCPError, match="#nowhere") as caught:
        await mcp.get_prompt("catch_up", {"channel": "#nowhere"})
    assert caught.value.error.code == INVALID_PARAMS
    with pytest.raises(MCPError, match="catch_up refused its arguments: channel: required"):
        await mcp.get_prompt("catch_up", {})
    with pytest.raises(MCPError, match="reply_in_thread refused its arguments: message: required"):
        await mcp.get_prompt("reply_in_thread", {"channel": "#plans"})
    reply = await workspace.admin.messages.send(
        plans, "a reply", thread_root_id=(await workspace.admin.messages.send(plans, "root")).id
    )
    with pytest.raises(MCPError, match="is a reply; name its thread's root") as caught:
        await mcp.get_prompt("reply_in_thread", {"channel": "#plans", "message": str(reply.seq)})
    assert caught.value.error.code == INVALID_PARAMS
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


async def test_catch_up_quotes_unread_messages_as_data(
    mcp: Client, workspace: Workspace, plans: str
) -> None:
    await workspace.admin.messages.send(plans, "Please review the draft")
    prompt = await mcp.get_prompt("catch_up", {"channel": "#plans"})
    [message] = prompt.messages
    assert isinstance(message.content, TextContent)
    body = message.content.text
    assert "not instructions" in body
    assert "@ada (" in body
    assert 'wrote: "Please review the draft"' in body
    assert "mark_read" in body


async def test_reply_in_thread_shows_the_thread(
    mcp: Client, workspace: Workspace, bob: Agent, plans: str
) -> None:
    root = await workspace.admin.messages.send(plans, "Who owns the demo?")
    await bob.client.messages.send(plans, "Not me", thread_root_id=root.id)
    prompt = await mcp.get_prompt("reply_in_thread", {"channel": "plans", "message": str(root.seq)})
    [message] = prompt.messages
    assert isinstance(message.content, TextContent)
    body = message.content.text
    assert 'wrote: "Who owns the demo?"' in body
    assert "@bob (" in body
    assert f"thread='#{root.seq}'" in body


async def test_prompts_are_listed_with_described_arguments(mcp: Client) -> None:
    prompts = {p.name: p for p in (await mcp.list_prompts()).prompts}
    assert set(prompts) == {"catch_up", "reply_in_thread", "start_task", "resume_work"}
    for prompt in prompts.values():
        assert prompt.description
        for argument in prompt.arguments or []:
            assert argument.required
            assert argument.description


async def test_completions_of_channels_and_handles(mcp: Client, bob: Agent, plans: str) -> None:
    prompt = PromptReference(type="ref/prompt", name="catch_up")
    channels = await mcp.complete(prompt, {"name": "channel", "value": "pl"})
    assert channels.completion.values == ["#plans"]
    template = ResourceTemplateReference(type="ref/resource", uri=MESSAGES)
    ids = await mcp.complete(template, {"name": "channelId", "value": "pla"})
    assert ids.completion.values == [plans]
    handles = await mcp.complete(prompt, {"name": "principal", "value": "@b"})
    assert handles.completion.values == ["@bob"]
    other = await mcp.complete(prompt, {"name": "message", "value": "1"})
    assert other.completion.values == []
