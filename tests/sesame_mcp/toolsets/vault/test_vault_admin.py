"""Toolset `vault_admin` against the real platform, in both eras: vaults, masking, members,
shares, the views of vault_info, lease decisions with and without the human asked through
elicitation, and alert rules posting in a channel."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from mcp import Client
from mcp.client.session import ClientRequestContext
from mcp.types import CallToolResult, ElicitRequestParams, ElicitResult

from sesame_mcp.server import build_server
from sesame_mcp.state import open_sesame
from tests.sesame_mcp.conftest import Agent, Workspace
from tests.sesame_mcp.toolsets.conftest import ok, text

pytestmark = pytest.mark.anyio


@asynccontextmanager
async def session(
    agent: Agent, era: str, answer: Callable[[ElicitRequestParams], ElicitResult] | None = None
) -> AsyncIterator[Client]:
    """An MCP session as `agent` with every toolset on; `answer` plays the human when given
    (the client then declares elicitation)."""
    callback = None
    if answer is not None:

        async def callback(_: ClientRequestContext, params: ElicitRequestParams) -> ElicitResult:
            return answer(params)

    async with open_sesame(agent.client) as state:
        server = await build_server(state, toolsets=["all"])
        async with Client(server, mode=era, elicitation_callback=callback) as client:
            yield client


def failed(result: CallToolResult) -> str:
    assert result.is_error, result.content
    return text(result)


async def vault_with_item(agent: Agent, name: str = "Production") -> tuple[str, str]:
    """A vault `agent` owns with a login item `DB`; their ids."""
    vault = await agent.client.vault.create_vault(name)
    item = await agent.client.vault.create_item(
        vault.id, "DB", "login", {"username": "app", "password": "hunter2-db"}
    )
    return vault.id, item.item.id


class Human:
    """Plays the human: answers every elicitation with `action` (and `content`), and keeps
    the messages shown."""

    def __init__(self, action: str, content: dict[str, Any] | None = None) -> None:
        self.action = action
        self.content = content
        self.asked: list[ElicitRequestParams] = []

    def __call__(self, params: ElicitRequestParams) -> ElicitResult:
        self.asked.append(params)
        content = self.content if self.action == "accept" else None
        return ElicitResult(action=self.action, content=content)  # type: ignore[arg-type]


# --- vaults -------------------------------------------------------------------------------


async def test_a_vault_is_created_updated_and_deleted(mcp_all: Client) -> None:
    made = ok(
        await mcp_all.call_tool(
            "create_vault",
            {
                "name": "Production",
                "description": "Live credentials",
                "sensitivity_label": "high",
                "always_mask": ["password"],
                "never_mask": ["username"],
            },
        )
    )["vault"]
    assert made["role"] == "owner"
    assert (made["sensitivity_label"], made["always_mask"], made["never_mask"]) == (
        "high",
        ["password"],
        ["username"],
    )

    details = await mcp_all.call_tool("vault_info", {"vault": "production"})
    assert ok(details)["view"] == "details"
    assert "Sensitivity: high; 0 items" in text(details)
    assert "Your role: owner" in text(details)
    assert "Masking: always password; never username" in text(details)

    # A masking list given replaces that list only.
    updated = await mcp_all.call_tool(
        "update_vault",
        {
            "vault": "Production",
            "name": "Prod",
            "sensitivity_label": "critical",
            "always_mask": ["password", "pin"],
        },
    )
    vault = ok(updated)["vault"]
    assert (vault["name"], vault["sensitivity_label"]) == ("Prod", "critical")
    assert (vault["always_mask"], vault["never_mask"]) == (["password", "pin"], ["username"])

    cleared = ok(await mcp_all.call_tool("update_vault", {"vault": "Prod", "clear_masking": True}))
    assert (cleared["vault"]["always_mask"], cleared["vault"]["never_mask"]) == ([], [])

    listed = await mcp_all.call_tool("vault_info", {})
    assert ok(listed)["view"] == "vaults"
    assert f"- Prod [{made['id']}]: critical, 0 items, you are owner" in text(listed)

    deleted = await mcp_all.call_tool("delete_vault", {"vault": "Prod"})
    assert ok(deleted)["action"] == "deleted"
    assert "You are in no vault" in text(await mcp_all.call_tool("vault_info", {"view": "vaults"}))


async def test_overlapping_masking_lists_are_refused(mcp_all: Client, agent: Agent) -> None:
    made = await mcp_all.call_tool(
        "create_vault",
        {"name": "Ops", "always_mask": ["password", "pin"], "never_mask": ["pin", "url"]},
    )
    assert "both always and never masked: pin" in failed(made)
    assert "Next:" in text(made)
    assert await agent.client.vault.list_vaults() == []

    await agent.client.vault.create_vault("Ops")
    ok(await mcp_all.call_tool("update_vault", {"vault": "Ops", "never_mask": ["username"]}))
    # The list kept (never: username) and the list given (always: username) would overlap.
    refused = await mcp_all.call_tool(
        "update_vault", {"vault": "Ops", "name": "Renamed", "always_mask": ["username"]}
    )
    assert "both always and never masked: username" in failed(refused)
    (vault,) = await agent.client.vault.list_vaults()
    assert vault.name == "Ops"  # refused before anything changed
    both = await mcp_all.call_tool(
        "update_vault", {"vault": "Ops", "always_mask": ["pin"], "clear_masking": True}
    )
    assert "not both" in failed(both)
    assert "nothing to change" in failed(await mcp_all.call_tool("update_vault", {"vault": "Ops"}))


async def test_an_unknown_vault_says_where_to_look(mcp_all: Client) -> None:
    result = await mcp_all.call_tool("vault_info", {"vault": "Nowhere"})
    assert "none of your vaults is named 'Nowhere'" in failed(result)
    assert "Next:" in text(result)
    details = await mcp_all.call_tool("vault_info", {"view": "members"})
    assert "view=members needs a vault" in failed(details)


# --- members and shares -------------------------------------------------------------------


async def test_members_are_added_changed_and_removed(
    mcp_all: Client, agent: Agent, bob: Agent
) -> None:
    await vault_with_item(agent)
    added = await mcp_all.call_tool(
        "add_vault_member", {"vault": "Production", "principal": "@bob", "role": "viewer"}
    )
    assert ok(added)["member"]["role"] == "viewer"
    assert text(added) == "@bob is viewer of vault Production."

    members = await mcp_all.call_tool("vault_info", {"vault": "Production", "view": "members"})
    assert "- @bob (agent): viewer" in text(members)
    assert "- @scout (agent): owner" in text(members)
    assert "- @ada (human): admin, as a human of the workspace" in text(members)

    changed = await mcp_all.call_tool(
        "add_vault_member", {"vault": "Production", "principal": "bob", "role": "editor"}
    )
    assert ok(changed)["member"]["role"] == "editor"

    removed = await mcp_all.call_tool(
        "remove_vault_member", {"vault": "Production", "principal": "@bob"}
    )
    assert text(removed) == "Removed @bob from vault Production."
    assert await bob.client.vault.list_vaults() == []

    last_owner = await mcp_all.call_tool(
        "remove_vault_member", {"vault": "Production", "principal": "me"}
    )
    assert "last owner" in failed(last_owner)
    assert "Next:" in text(last_owner)
    nobody = await mcp_all.call_tool(
        "add_vault_member", {"vault": "Production", "principal": "@nobody", "role": "viewer"}
    )
    assert "no active principal is '@nobody'" in failed(nobody)
    bad_role = await mcp_all.call_tool(
        "add_vault_member", {"vault": "Production", "principal": "@bob", "role": "superuser"}
    )
    assert bad_role.is_error


async def test_a_viewer_cannot_manage_members(agent: Agent, bob: Agent, era: str) -> None:
    vault_id, _ = await vault_with_item(agent)
    await agent.client.vault.add_member(vault_id, bob.account.id, "viewer")
    async with session(bob, era) as as_bob:
        result = await as_bob.call_tool(
            "add_vault_member", {"vault": "Production", "principal": "@bob", "role": "admin"}
        )
        refused = failed(result)
        assert "add_vault_member failed" in refused
        assert "vault_access_denied" in refused
        assert "Next: your role in this vault does not allow it" in refused
        details = await as_bob.call_tool("vault_info", {"vault": "Production"})
        assert "Your role: viewer" in text(details)
    (member,) = [m for m in await agent.client.vault.list_members(vault_id) if m.handle == "bob"]
    assert member.role == "viewer"


async def test_an_item_is_shared_and_unshared(mcp_all: Client, agent: Agent, bob: Agent) -> None:
    await vault_with_item(agent)
    shared = await mcp_all.call_tool(
        "share_vault_item",
        {
            "item": "DB",
            "vault": "Production",
            "principal": "@bob",
            "can_reveal": True,
            "allowed_domains": ["Example.com"],
        },
    )
    assert ok(shared)["allowed_domains"] == ["example.com"]
    assert "with @bob: may reveal it, for example.com" in text(shared)
    wallet = await bob.client.vault.wallet()
    assert [(i.name, i.can_reveal) for i in wallet.shared_items] == [("DB", True)]

    unshared = await mcp_all.call_tool("unshare_vault_item", {"item": "DB", "principal": "@bob"})
    assert "no longer shared with @bob" in text(unshared)
    assert (await bob.client.vault.wallet()).shared_items == []

    deleted = await mcp_all.call_tool("delete_vault_item", {"item": "DB"})
    assert 'Deleted item "DB"' in text(deleted)
    assert await agent.client.vault.list_items() == []


# --- vault_info ---------------------------------------------------------------------------


async def test_vault_info_shows_alerts_and_the_access_trail(
    mcp_all: Client, agent: Agent, plans: str
) -> None:
    _, item_id = await vault_with_item(agent)
    await agent.client.vault.create_vault("Staging")
    await agent.client.vault.reveal(item_id, fields=["username"])
    await agent.client.vault.reveal(item_id, fields=["password"])

    events = await mcp_all.call_tool("vault_info", {"view": "events", "limit": 1})
    assert ok(events)["next_offset"] == 1
    assert '@scout reveal "DB" (password) allowed' in text(events)
    assert "More: offset=1." in text(events)
    item_events = ok(
        await mcp_all.call_tool("vault_info", {"view": "events", "item": "DB", "limit": 100})
    )
    assert {event["action"] for event in item_events["events"]} >= {"reveal"}
    assert all(event["item_id"] == item_id for event in item_events["events"])

    assert "No alert rules" in text(await mcp_all.call_tool("vault_info", {"view": "alerts"}))
    ok(
        await mcp_all.call_tool(
            "create_vault_alert",
            {
                "trigger": "threshold",
                "destination": "channel",
                "vault": "Production",
                "channel": "#plans",
                "threshold": 5,
            },
        )
    )
    alerts = await mcp_all.call_tool("vault_info", {"view": "alerts"})
    assert "threshold (over 5 an hour) on vault" in text(alerts)
    assert "→ #plans" in text(alerts)
    staging = await mcp_all.call_tool("vault_info", {"view": "alerts", "vault": "Staging"})
    assert "No alert rules of Staging" in text(staging)


# --- lease decisions ----------------------------------------------------------------------


async def pending_lease(agent: Agent, bob: Agent) -> str:
    """@bob, a use_only member of `Production`, asks for `DB`: the pending lease's id."""
    vault_id, item_id = await vault_with_item(agent)
    await agent.client.vault.add_member(vault_id, bob.account.id, "use_only")
    lease = await bob.client.vault.request_lease(
        item_id, reason="Run the migration", duration_minutes=30, max_uses=3
    )
    assert lease.status == "pending"
    return lease.id


async def status_of(bob: Agent, lease_id: str) -> str:
    (lease,) = [x for x in await bob.client.vault.list_leases() if x.id == lease_id]
    return lease.status


async def test_approving_asks_the_human_who_may_change_the_grant(
    agent: Agent, bob: Agent, era: str
) -> None:
    lease_id = await pending_lease(agent, bob)
    human = Human("accept", {"duration_minutes": 15, "max_uses": 2})
    async with session(agent, era, human) as client:
        result = await client.call_tool("approve_lease", {"lease": lease_id})
    decided = ok(result)
    assert (decided["outcome"], decided["status"], decided["asked_human"]) == (
        "approved",
        "active",
        True,
    )
    assert (decided["duration_minutes"], decided["max_uses"]) == (15, 2)
    assert "The human confirmed it." in text(result)
    (asked,) = human.asked
    assert asked.message.startswith('Approve this lease? @bob asks for access to "DB"')
    assert 'Reason: "Run the migration"' in asked.message
    assert "Requested: 30 minutes, 3 uses" in asked.message
    assert asked.requested_schema["properties"]["duration_minutes"]["default"] == 30
    (lease,) = [x for x in await bob.client.vault.list_leases() if x.id == lease_id]
    assert (lease.status, lease.max_uses, lease.duration_minutes) == ("active", 2, 15)


async def test_a_human_who_declines_changes_nothing(agent: Agent, bob: Agent, era: str) -> None:
    lease_id = await pending_lease(agent, bob)
    human = Human("decline")
    async with session(agent, era, human) as client:
        approve = await client.call_tool("approve_lease", {"lease": lease_id})
        assert ok(approve)["outcome"] == "declined_by_human"
        assert "The human declined deciding lease" in text(approve)
        assert "nothing changed, it is still pending" in text(approve)
        deny = await client.call_tool("deny_lease", {"lease": lease_id})
        assert ok(deny)["outcome"] == "declined_by_human"
    assert len(human.asked) == 2
    assert human.asked[1].message.startswith("Deny this lease? @bob asks")
    assert await status_of(bob, lease_id) == "pending"

    async with session(agent, era, Human("cancel")) as client:
        cancelled = await client.call_tool("approve_lease", {"lease": lease_id})
    assert ok(cancelled)["outcome"] == "cancelled_by_human"
    assert await status_of(bob, lease_id) == "pending"


async def test_denying_asks_the_human(agent: Agent, bob: Agent, era: str) -> None:
    lease_id = await pending_lease(agent, bob)
    human = Human("accept", {})
    async with session(agent, era, human) as client:
        result = await client.call_tool("deny_lease", {"lease": lease_id})
        assert ok(result)["outcome"] == "denied"
        assert "The human confirmed it." in text(result)
        again = await client.call_tool("approve_lease", {"lease": lease_id})
        assert "is denied, not pending" in failed(again)
    assert len(human.asked) == 1
    assert await status_of(bob, lease_id) == "denied"


async def test_without_elicitation_the_host_confirmation_is_the_gate(
    mcp_all: Client, agent: Agent, bob: Agent
) -> None:
    lease_id = await pending_lease(agent, bob)
    result = await mcp_all.call_tool("approve_lease", {"lease": lease_id, "max_uses": 1})
    decided = ok(result)
    assert (decided["outcome"], decided["asked_human"], decided["max_uses"]) == (
        "approved",
        False,
        1,
    )
    assert decided["duration_minutes"] == 30  # as requested
    assert "cannot ask the human (no elicitation)" in text(result)
    assert await status_of(bob, lease_id) == "active"

    other = await bob.client.vault.request_lease(decided["item_id"], reason="Again")
    denied = await mcp_all.call_tool("deny_lease", {"lease": other.id})
    assert ok(denied)["outcome"] == "denied"
    assert "cannot ask the human" in text(denied)

    unknown = await mcp_all.call_tool(
        "approve_lease", {"lease": "00000000-0000-0000-0000-000000000000"}
    )
    assert "list_leases(status='pending')" in failed(unknown)


async def test_the_requester_cannot_approve_its_own_lease(
    agent: Agent, bob: Agent, era: str
) -> None:
    lease_id = await pending_lease(agent, bob)
    human = Human("accept", {})
    async with session(bob, era, human) as as_bob:
        result = await as_bob.call_tool("approve_lease", {"lease": lease_id})
    assert "is your own request: an owner or admin of its vault decides it" in failed(result)
    assert human.asked == []
    assert await status_of(bob, lease_id) == "pending"


# --- alerts -------------------------------------------------------------------------------


async def test_an_alert_posts_in_its_channel_when_a_secret_is_revealed(
    mcp_all: Client, agent: Agent, workspace: Workspace, plans: str
) -> None:
    _, item_id = await vault_with_item(agent)
    made = await mcp_all.call_tool(
        "create_vault_alert",
        {"trigger": "every_access", "destination": "channel", "item": "DB", "channel": "#plans"},
    )
    alert = ok(made)["alert"]
    assert (alert["channel_id"], alert["item_id"]) == (plans, item_id)
    assert "every_access on item" in text(made)
    assert "→ #plans" in text(made)

    await agent.client.vault.reveal(item_id)
    history = await workspace.admin.messages.history(plans)
    (posted,) = [m for m in history.items if m.kind == "system"]
    assert "Vault alert (every_access): @scout" in (posted.plaintext or "")

    deleted = await mcp_all.call_tool("delete_vault_alert", {"alert": alert["id"]})
    assert text(deleted).startswith(f"Deleted alert {alert['id']}")
    assert await agent.client.vault.list_alerts() == []


async def test_alert_arguments_are_checked(mcp_all: Client, agent: Agent) -> None:
    await vault_with_item(agent)
    no_channel = await mcp_all.call_tool(
        "create_vault_alert", {"trigger": "denied", "destination": "channel", "vault": "Production"}
    )
    assert "needs `channel`" in failed(no_channel)
    no_threshold = await mcp_all.call_tool(
        "create_vault_alert",
        {"trigger": "threshold", "destination": "push", "vault": "Production"},
    )
    assert "needs `threshold`" in failed(no_threshold)
    workspace_wide = await mcp_all.call_tool(
        "create_vault_alert", {"trigger": "denied", "destination": "push"}
    )
    assert "Workspace-wide alert rules are for humans" in failed(workspace_wide)
    assert "Next:" in text(workspace_wide)
