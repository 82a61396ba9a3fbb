"""The tool surface as a whole: what `tools/list` exposes under each selection, what every
tool promises (schemas, descriptions, hints), and the default list's budget."""

from __future__ import annotations

import json
from typing import Any

import pytest
from mcp import Client
from mcp.types import Tool

from sesame_mcp.registry import UnknownToolset, select
from sesame_mcp.server import build_server
from sesame_mcp.state import open_sesame
from sesame_mcp.toolsets import ALL_TOOLSETS
from tests.sesame_mcp.conftest import Agent
from tests.sesame_mcp.server.conftest import text

pytestmark = pytest.mark.anyio

MAX_DEFAULT_TOOLS = 15  # what an agent's daily loop needs, no more
MAX_DEFAULT_TOKENS = 4_000  # tools/list of the default toolsets, counted as JSON chars / 4


async def tools_of(agent: Agent, **options: Any) -> list[Tool]:
    async with open_sesame(agent.client) as state:
        server = await build_server(state, **options)
        async with Client(server, mode="legacy") as client:
            return (await client.list_tools()).tools


def all_properties(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every property of the input schema, with its name."""
    return list(schema.get("properties", {}).items())


def annotations_in(schema: Any) -> set[str]:
    """The `title` and `description` keywords anywhere in a schema (not property names)."""
    if isinstance(schema, list):
        return {key for item in schema for key in annotations_in(item)}
    if not isinstance(schema, dict):
        return set()
    found = {key for key in ("title", "description") if isinstance(schema.get(key), str)}
    for key, value in schema.items():
        if key in ("properties", "$defs"):
            found |= {k for item in value.values() for k in annotations_in(item)}
        else:
            found |= annotations_in(value)
    return found


async def test_every_tool_keeps_the_contract(mcp_all: Client) -> None:
    tools = (await mcp_all.list_tools()).tools
    specs = {spec.name: spec for spec in select(ALL_TOOLSETS, ["all"], read_only=False)}
    assert sorted(tool.name for tool in tools) == sorted(specs)
    for tool in tools:
        spec = specs[tool.name]
        assert spec.toolset in {toolset.name for toolset in ALL_TOOLSETS}
        assert tool.title, tool.name
        assert len(tool.description or "") >= 20, tool.name
        assert tool.output_schema is not None, tool.name
        # Output schemas are for machines: the field names say what the values are.
        assert annotations_in(tool.output_schema) == set(), tool.name
        assert "anyOf" not in json.dumps(tool.output_schema), tool.name
        schema = tool.input_schema
        assert schema["type"] == "object", tool.name
        assert schema.get("additionalProperties") is False, tool.name
        assert not {"anyOf", "oneOf", "allOf"} & set(schema), tool.name
        for name, prop in all_properties(schema):
            assert prop.get("description"), f"{tool.name}.{name} has no description"
        hints = tool.annotations
        assert hints is not None, tool.name
        assert hints.read_only_hint is spec.read_only, tool.name
        assert hints.open_world_hint is False, tool.name
        if hints.read_only_hint:  # the other hints mean something only for writes
            assert (hints.destructive_hint, hints.idempotent_hint) == (None, None), tool.name


async def test_tools_that_remove_or_overwrite_say_they_are_destructive(mcp_all: Client) -> None:
    tools = (await mcp_all.list_tools()).tools
    destructive = sorted(t.name for t in tools if t.annotations and t.annotations.destructive_hint)
    assert destructive == [
        "add_capability",
        "add_project_member",
        "add_vault_member",
        "archive_project",
        "cancel_timer",
        "clear_channel_config",
        "define_collection",
        "delete_entity",
        "delete_file",
        "delete_folder",
        "delete_message",
        "delete_page",
        "delete_schedule_event",
        "delete_task",
        "delete_task_template",
        "delete_vault",
        "delete_vault_alert",
        "delete_vault_attachment",
        "delete_vault_item",
        "delete_webhook",
        "deny_lease",
        "edit_message",
        "edit_page",
        "end_session",
        "finish_work_stream",
        "focus",
        "forget",
        "git_mirror_configure",
        "git_mirror_pull",
        "git_mirror_push",
        "hand_off_task",
        "release_files",
        "remember",
        "remove_capability",
        "remove_member",
        "remove_project_member",
        "remove_reaction",
        "remove_task_dependency",
        "remove_vault_member",
        "rename_page",
        "reorder_tasks",
        "replace_project_context",
        "revoke_lease",
        "rotate_webhook_secret",
        "save_state",
        "set_capabilities",
        "set_channel_config",
        "set_channel_context",
        "set_coordination",
        "share_vault_item",
        "sync_push",
        "sync_schedule",
        "transfer_thread",
        "unshare_vault_item",
        "unsubscribe_wake",
        "untag_file_channel",
        "update_channel",
        "update_channel_task",
        "update_conventions",
        "update_entity",
        "update_file",
        "update_folder",
        "update_member",
        "update_profile",
        "update_project",
        "update_project_context",
        "update_schedule_event",
        "update_task",
        "update_task_context",
        "update_task_template",
        "update_vault",
        "update_vault_item",
        "update_webhook",
        "write_page",
    ]


async def test_the_default_tools_list_stays_within_budget(agent: Agent) -> None:
    tools = await tools_of(agent)
    assert len(tools) <= MAX_DEFAULT_TOOLS
    assert {tool.name for tool in tools} >= {
        "whoami",
        "wait_for_events",
        "list_channels",
        "read_messages",
        "send_message",
        "mark_read",
        "create_channel",
        "wake",
        "save_state",
        "remember",
        "report_progress",
        "switch_toolsets",
    }
    listed = [tool.model_dump(mode="json", by_alias=True, exclude_none=True) for tool in tools]
    assert len(json.dumps(listed)) / 4 <= MAX_DEFAULT_TOKENS


async def test_read_only_mode_exposes_only_read_tools(agent: Agent) -> None:
    tools = await tools_of(agent, toolsets=["all"], read_only=True)
    assert sorted(tool.name for tool in tools) == [
        "agent_manifest",
        "calendar",
        "channel_context",
        "channel_info",
        "channel_tasks",
        "check_files",
        "discover_agents",
        "find_principals",
        "get_conventions",
        "get_file",
        "get_project",
        "get_task",
        "get_task_template",
        "get_vault_item",
        "get_wallet",
        "lint_health",
        "lint_page",
        "list_channels",
        "list_collections",
        "list_entities",
        "list_files",
        "list_folders",
        "list_leases",
        "list_libraries",
        "list_pages",
        "list_projects",
        "list_sessions",
        "list_subtasks",
        "list_task_templates",
        "list_tasks",
        "list_timers",
        "list_vault_items",
        "list_wake_subscriptions",
        "list_webhooks",
        "list_work_streams",
        "load_state",
        "my_capabilities",
        "my_channel_configs",
        "my_schedule",
        "my_tasks",
        "next_task",
        "page_backlinks",
        "page_history",
        "project_context_history",
        "query_collection",
        "read_messages",
        "read_page",
        "read_session",
        "read_work_stream",
        "recall",
        "resolve_entities",
        "search_library",
        "search_tasks",
        "switch_toolsets",
        "sync_pull",
        "task_activity",
        "task_dependencies",
        "task_recurrences",
        "task_time",
        "tasks_summary",
        "vault_info",
        "wait_for_events",
        "wake",
        "webhook_deliveries",
        "whoami",
    ]
    assert all(tool.annotations and tool.annotations.read_only_hint for tool in tools)


async def test_toolsets_are_chosen_by_name(agent: Agent) -> None:
    tools = await tools_of(agent, toolsets=["identity", "people", "message_admin"])
    assert sorted(tool.name for tool in tools) == [
        "add_reaction",
        "delete_message",
        "edit_message",
        "find_principals",
        "remove_reaction",
        "whoami",
    ]


async def test_default_names_the_default_toolsets_among_others(agent: Agent) -> None:
    defaults = {tool.name for tool in await tools_of(agent)}
    tools = {tool.name for tool in await tools_of(agent, toolsets=["default", "profile"])}
    assert tools == defaults | {"set_status", "update_profile"}


async def test_an_unknown_toolset_is_refused_with_the_known_ones(agent: Agent) -> None:
    with pytest.raises(
        UnknownToolset, match="unknown toolset chats; known: attention, autonomy, channel_admin"
    ):
        await tools_of(agent, toolsets=["channels", "chats"])


@pytest.mark.parametrize(
    ("tool", "arguments", "named"),
    [
        ("send_message", {"channel": "plans"}, "content"),
        ("send_message", {"channel": "plans", "content": ""}, "content"),
        ("send_message", {"channel": "plans", "content": "x" * 10_001}, "content"),
        ("read_messages", {"channel": "plans", "limit": 0}, "limit"),
        ("read_messages", {"channel": "plans", "limit": "ten"}, "limit"),
        ("mark_read", {"channel": ["plans"]}, "channel"),
        ("list_channels", {"archived": True}, "archived"),
    ],
)
async def test_wrong_arguments_are_error_results_naming_the_field(
    mcp: Client, tool: str, arguments: dict[str, Any], named: str
) -> None:
    result = await mcp.call_tool(tool, arguments)
    assert result.is_error
    said = text(result)
    assert said.startswith(f"{tool} refused its arguments: {named}: ")
    assert said.endswith("Next: correct them as the tool's input schema says.")
    # A sentence for the model, not pydantic's report (model name, input echoed, URL).
    assert "pydantic" not in said
    assert "validation error" not in said
    assert "input_value" not in said
