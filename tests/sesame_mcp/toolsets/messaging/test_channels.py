"""Toolsets channels and channel_admin: finding, opening and looking inside channels, and
changing them as their owner."""

from __future__ import annotations

import anyio
import pytest
from mcp import Client

from tests.sesame_mcp.conftest import Agent, Workspace
from tests.sesame_mcp.toolsets.conftest import ok, text

pytestmark = pytest.mark.anyio


async def test_list_channels_shows_unread_counts(
    mcp: Client, workspace: Workspace, plans: str
) -> None:
    await workspace.admin.messages.send(plans, "news")
    result = await mcp.call_tool("list_channels", {})
    listed = ok(result)
    [channel] = listed["channels"]
    assert (channel["id"], channel["name"], channel["unread_count"]) == (plans, "#plans", 1)
    assert listed["unread_total"] == 1
    assert f"#plans [{plans}] group, 1 unread" in text(result)
    assert ok(await mcp.call_tool("list_channels", {"unread_only": True}))["channels"]
    ok(await mcp.call_tool("mark_read", {"channel": plans}))
    assert ok(await mcp.call_tool("list_channels", {"unread_only": True}))["channels"] == []


async def test_create_channel_with_members_by_handle(mcp: Client, bob: Agent) -> None:
    made = ok(
        await mcp.call_tool(
            "create_channel",
            {"name": "Launch", "members": ["@bob"], "context": "Ship v1 on Friday"},
        )
    )
    assert made["created"]
    assert (made["channel"]["name"], made["channel"]["role"]) == ("#Launch", "owner")
    seen = await bob.client.channels.get(made["channel"]["id"])
    assert seen.context == "Ship v1 on Friday"


async def test_create_channel_with_an_unknown_member_says_how_to_find_one(mcp: Client) -> None:
    result = await mcp.call_tool("create_channel", {"name": "x", "members": ["@nobody"]})
    assert result.is_error
    assert "find_principals" in text(result)


async def test_open_dm_creates_it_once(mcp_all: Client, bob: Agent) -> None:
    first = ok(await mcp_all.call_tool("open_dm", {"principal": "@bob"}))
    assert first["created"]
    assert first["channel"]["name"] == "DM with @bob"
    second = ok(await mcp_all.call_tool("open_dm", {"principal": bob.account.id}))
    assert not second["created"]
    assert second["channel"]["id"] == first["channel"]["id"]
    sent = ok(await mcp_all.call_tool("send_message", {"channel": "@bob", "content": "psst"}))
    assert sent["channel"] == "DM with @bob"
    # What tools show is accepted back (after the DM's 100 ms loop-prevention cooldown).
    await anyio.sleep(0.15)
    again = ok(await mcp_all.call_tool("send_message", {"channel": "DM with @bob", "content": "!"}))
    assert again["seq"] == sent["seq"] + 1


async def test_open_dm_with_yourself_is_refused(mcp_all: Client) -> None:
    result = await mcp_all.call_tool("open_dm", {"principal": "me"})
    assert result.is_error
    assert "another principal" in text(result)


async def test_writing_to_a_handle_starts_the_dm(mcp: Client, bob: Agent) -> None:
    unread = await mcp.call_tool("read_messages", {"channel": "@bob"})
    assert unread.is_error
    assert "send_message" in text(unread)
    sent = ok(await mcp.call_tool("send_message", {"channel": "@bob", "content": "hello"}))
    assert (sent["channel"], sent["seq"]) == ("DM with @bob", 1)
    [dm] = [c for c in await bob.client.channels.list() if c.kind == "dm"]
    assert [m.plaintext for m in (await bob.client.messages.history(dm.id)).items] == ["hello"]
    yourself = await mcp.call_tool("send_message", {"channel": "@scout", "content": "hi"})
    assert yourself.is_error
    assert "another principal" in text(yourself)


async def test_channel_info_views(mcp_all: Client, workspace: Workspace, plans: str) -> None:
    await workspace.admin.messages.send(plans, "see https://example.com/spec")
    details = await mcp_all.call_tool("channel_info", {"channel": "plans"})
    assert ok(details)["channel"]["coordination_mode"] == "free"
    assert "you are member" in text(details)
    members = ok(await mcp_all.call_tool("channel_info", {"channel": "plans", "view": "members"}))
    assert sorted(m["handle"] for m in members["members"]) == ["ada", "bob", "scout"]
    receipts = ok(
        await mcp_all.call_tool("channel_info", {"channel": "plans", "view": "read_receipts"})
    )
    assert {r["handle"] for r in receipts["read_receipts"]} == {"ada", "bob", "scout"}
    links = ok(await mcp_all.call_tool("channel_info", {"channel": "plans", "view": "links"}))
    assert [link["url"] for link in links["links"]] == ["https://example.com/spec"]


async def test_channel_info_with_an_unknown_view_is_refused(mcp_all: Client, plans: str) -> None:
    result = await mcp_all.call_tool("channel_info", {"channel": "plans", "view": "secrets"})
    assert result.is_error


async def test_owner_changes_settings_context_and_coordination(mcp_all: Client) -> None:
    made = ok(await mcp_all.call_tool("create_channel", {"name": "ops"}))
    cid = made["channel"]["id"]
    updated = ok(
        await mcp_all.call_tool(
            "update_channel", {"channel": cid, "name": "ops-2", "description": "Runbooks"}
        )
    )
    assert (updated["channel"]["name"], updated["channel"]["description"]) == ("#ops-2", "Runbooks")
    context = ok(
        await mcp_all.call_tool("set_channel_context", {"channel": "ops-2", "context": "v2"})
    )
    assert (context["channel"]["context"], context["channel"]["context_version"]) == ("v2", 2)
    coordination = ok(
        await mcp_all.call_tool(
            "set_coordination", {"channel": cid, "mode": "round_robin", "rate_limit": 5}
        )
    )
    assert coordination["channel"]["coordination_mode"] == "round_robin"
    assert coordination["channel"]["rate_limit"] == 5
    archived = ok(await mcp_all.call_tool("update_channel", {"channel": cid, "archived": True}))
    assert archived["channel"]["archived"]
    refused = await mcp_all.call_tool("send_message", {"channel": cid, "content": "hi"})
    assert refused.is_error
    assert "archived" in text(refused)


async def test_update_channel_without_changes_is_refused(mcp_all: Client, plans: str) -> None:
    result = await mcp_all.call_tool("update_channel", {"channel": plans})
    assert result.is_error
    assert "nothing to change" in text(result)


async def test_a_plain_member_may_not_change_the_context(mcp_all: Client, plans: str) -> None:
    result = await mcp_all.call_tool("set_channel_context", {"channel": plans, "context": "x"})
    assert result.is_error
    assert "HTTP 403" in text(result)


async def test_members_are_added_updated_and_removed(mcp_all: Client, bob: Agent) -> None:
    made = ok(await mcp_all.call_tool("create_channel", {"name": "crew"}))
    cid = made["channel"]["id"]
    added = ok(await mcp_all.call_tool("add_member", {"channel": cid, "principal": "@bob"}))
    assert (added["member"]["handle"], added["member"]["role"]) == ("bob", "member")
    again = await mcp_all.call_tool("add_member", {"channel": cid, "principal": "@bob"})
    assert again.is_error
    updated = ok(
        await mcp_all.call_tool(
            "update_member", {"channel": cid, "principal": "bob", "role": "admin"}
        )
    )
    assert updated["member"]["role"] == "admin"
    muted = ok(
        await mcp_all.call_tool("update_member", {"channel": cid, "principal": "me", "muted": True})
    )
    assert muted["member"]["muted"]
    removed = ok(await mcp_all.call_tool("remove_member", {"channel": cid, "principal": "@bob"}))
    assert removed["action"] == "removed"
    assert [c.id for c in await bob.client.channels.list()] == []


async def test_leaving_a_channel(mcp_all: Client, plans: str) -> None:
    ok(await mcp_all.call_tool("remove_member", {"channel": plans, "principal": "me"}))
    assert ok(await mcp_all.call_tool("list_channels", {}))["channels"] == []


async def test_transfer_a_thread(mcp_all: Client, bob: Agent, plans: str) -> None:
    root = ok(await mcp_all.call_tool("send_message", {"channel": plans, "content": "Task A"}))
    seq = root["seq"]
    moved = ok(
        await mcp_all.call_tool(
            "transfer_thread", {"channel": plans, "thread": f"#{seq}", "new_owner": "@bob"}
        )
    )
    assert moved["owner"] == "bob"
    assert moved["thread_root_id"] == root["message_id"]
    back = await mcp_all.call_tool(
        "transfer_thread", {"channel": plans, "thread": f"#{seq}", "new_owner": "me"}
    )
    assert back.is_error
    assert "HTTP 403" in text(back)
