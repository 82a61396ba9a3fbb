"""The vault toolset against a real platform: an agent leases a secret a human approves, the
value lands in a private file and not in the tool result, and the outbound guard stops it
from being posted; reveal, TOTP, leases and items, in both protocol eras."""

from __future__ import annotations

import json
import stat
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import anyio
import pyotp
import pytest
from mcp import Client, types

from server_core.features.vault.schemas import VaultRole
from sesame_mcp.client import SesameClient
from sesame_mcp.notifications import WALLET
from sesame_mcp.server import build_server
from sesame_mcp.state import Sesame, open_sesame
from tests.sesame_mcp.conftest import WAIT, Agent, Workspace
from tests.sesame_mcp.toolsets.conftest import ok, text

pytestmark = pytest.mark.anyio

CANARY = "canary-Pa55-9f3e1c"
TOTP_SECRET = "JBSWY3DPEHPK3PXP"


class Vaulted:
    """A vault `Prod` with the item `db` (username and a canary password), a channel the
    agent is in, and the agent's role in the vault."""

    def __init__(self, admin: SesameClient, vault_id: str, item_id: str, plans: str) -> None:
        self.admin = admin
        self.vault_id = vault_id
        self.item_id = item_id
        self.plans = plans


async def vaulted(workspace: Workspace, agent: Agent, role: VaultRole) -> Vaulted:
    admin = workspace.admin
    vault = await admin.vault.create_vault("Prod")
    item = await admin.vault.create_item(
        vault.id,
        "db",
        "login",
        {"username": "admin", "password": CANARY, "otp": TOTP_SECRET},
        field_hints={"otp": "totp"},
    )
    await admin.vault.add_member(vault.id, agent.account.id, role)
    plans = await workspace.group("plans", agent.account)
    return Vaulted(admin, vault.id, item.item.id, plans)


@pytest.fixture
async def state(agent: Agent) -> AsyncIterator[Sesame]:
    async with open_sesame(agent.client) as shared:
        yield shared


@pytest.fixture
async def mcp(state: Sesame, era: str) -> AsyncIterator[Client]:
    server = await build_server(state, toolsets=["all"])
    async with Client(server, mode=era) as client:
        yield client


def never_shows_the_canary(result: Any) -> None:
    assert CANARY not in text(result)
    assert CANARY not in json.dumps(result.structured_content or {})


async def first_pending(admin: SesameClient) -> str:
    """The id of the first pending lease, once there is one."""
    with anyio.fail_after(WAIT):
        while True:
            pending = await admin.vault.list_leases(status="pending")
            if pending:
                return pending[0].id
            await anyio.sleep(0.05)


async def approve_when_pending(admin: SesameClient) -> str:
    """Approve the first pending lease as a human, once it exists; its id."""
    lease_id = await first_pending(admin)
    await admin.vault.approve_lease(lease_id)
    return lease_id


def secret_file(path: str) -> tuple[dict[str, str], int, int]:
    """A secret file's content, and its mode and its directory's."""
    file = Path(path)
    content: dict[str, str] = json.loads(file.read_text())
    return content, stat.S_IMODE(file.stat().st_mode), stat.S_IMODE(file.parent.stat().st_mode)


def exists(path: str | Path) -> bool:
    return Path(path).exists()


async def test_a_use_only_agent_leases_a_secret_a_human_approves(
    mcp: Client, state: Sesame, workspace: Workspace, agent: Agent
) -> None:
    scene = await vaulted(workspace, agent, "use_only")
    async with anyio.create_task_group() as group:
        group.start_soon(approve_when_pending, scene.admin)
        result = await mcp.call_tool(
            "lease_secret", {"item": "db", "reason": "migration", "wait_seconds": 30}
        )
    leased = ok(result)
    never_shows_the_canary(result)
    assert leased["status"] == "active"
    # The approval reached the agent as the platform's event (what ends the wait early).
    approvals = [e for e in state.feed.log.after(0) if e.type == "vault.lease_approved"]
    assert [e.data["leaseId"] for e in approvals] == [leased["lease_id"]]
    assert leased["values"] is None
    assert sorted(leased["fields"]) == ["otp", "password", "username"]
    content, mode, directory_mode = secret_file(leased["file"])
    assert content["password"] == CANARY
    assert (mode, directory_mode) == (0o600, 0o700)

    # The guard: the value it revealed cannot be posted, in any writing tool.
    posted = await mcp.call_tool(
        "send_message", {"channel": "#plans", "content": f"the password is {CANARY}"}
    )
    assert posted.is_error
    assert "contains a secret this server revealed" in text(posted)
    never_shows_the_canary(posted)
    history = await scene.admin.messages.history(scene.plans)
    assert history.items == []
    context = await mcp.call_tool(
        "set_channel_context", {"channel": "#plans", "context": f"db: {CANARY}"}
    )
    assert context.is_error
    # Harmless text still goes through (the username is not a secret).
    ok(await mcp.call_tool("send_message", {"channel": "#plans", "content": "user admin"}))

    # Revoking ends the lease and removes the file.
    revoked = ok(await mcp.call_tool("revoke_lease", {"lease": leased["lease_id"]}))
    assert revoked["lease"]["status"] == "revoked"
    assert not exists(leased["file"])


async def test_a_pending_lease_is_reported_then_continued(
    mcp: Client, workspace: Workspace, agent: Agent
) -> None:
    scene = await vaulted(workspace, agent, "use_only")
    pending = ok(await mcp.call_tool("lease_secret", {"item": "db", "wait_seconds": 0}))
    assert pending["status"] == "pending"
    assert (pending["file"], pending["values"]) == (None, None)
    only_approvals = {"types": ["vault.lease_approved"]}
    before = ok(await mcp.call_tool("wait_for_events", {**only_approvals, "timeout_seconds": 1}))
    await scene.admin.vault.approve_lease(pending["lease_id"], max_uses=2)
    woken = ok(
        await mcp.call_tool(
            "wait_for_events",
            {**only_approvals, "cursor": before["next_cursor"], "timeout_seconds": 10},
        )
    )
    [approval] = woken["events"]
    assert approval["author"] == "ada"
    assert f"@ada approved your lease {pending['lease_id']}" in approval["summary"]
    used = ok(
        await mcp.call_tool(
            "lease_secret",
            {"item": "db", "lease_id": pending["lease_id"], "fields": ["password"]},
        )
    )
    assert used["fields"] == ["password"]
    assert used["uses_remaining"] == 1
    # The next call reuses the same lease; the one after finds it spent and asks anew.
    again = ok(await mcp.call_tool("lease_secret", {"item": "db"}))
    assert (again["lease_id"], again["reused"], again["uses_remaining"]) == (
        pending["lease_id"],
        True,
        0,
    )
    fresh = ok(await mcp.call_tool("lease_secret", {"item": "db", "wait_seconds": 0}))
    assert fresh["status"] == "pending"
    assert fresh["lease_id"] != pending["lease_id"]


async def test_leases_are_listed_by_item_name_and_status(
    mcp: Client, workspace: Workspace, agent: Agent
) -> None:
    await vaulted(workspace, agent, "use_only")
    pending = ok(await mcp.call_tool("lease_secret", {"item": "db", "wait_seconds": 0}))
    listed = ok(await mcp.call_tool("list_leases", {"item": "db"}))
    assert [lease["id"] for lease in listed["leases"]] == [pending["lease_id"]]
    assert listed["leases"][0]["status"] == "pending"
    assert ok(await mcp.call_tool("list_leases", {"item": "db", "status": "active"})) == {
        "leases": []
    }
    unknown = await mcp.call_tool("list_leases", {"item": "nope"})
    assert unknown.is_error
    assert "no item you can see is named 'nope'" in text(unknown)


async def test_a_denied_lease_is_an_error_with_the_next_step(
    mcp: Client, workspace: Workspace, agent: Agent
) -> None:
    scene = await vaulted(workspace, agent, "use_only")

    async def deny() -> None:
        await scene.admin.vault.deny_lease(await first_pending(scene.admin))

    async with anyio.create_task_group() as group:
        group.start_soon(deny)
        result = await mcp.call_tool("lease_secret", {"item": "db", "wait_seconds": 30})
    assert result.is_error
    assert "was denied" in text(result)


async def test_waiting_for_approval_reports_progress(
    mcp: Client, workspace: Workspace, agent: Agent
) -> None:
    scene = await vaulted(workspace, agent, "use_only")
    progress: list[tuple[float, float | None, str | None]] = []
    reported = anyio.Event()

    async def on_progress(done: float, total: float | None, message: str | None) -> None:
        progress.append((done, total, message))
        reported.set()

    async def approve_after_a_report() -> None:
        with anyio.fail_after(WAIT):
            await reported.wait()
        await approve_when_pending(scene.admin)

    async with anyio.create_task_group() as group:
        group.start_soon(approve_after_a_report)
        result = await mcp.call_tool(
            "lease_secret",
            {"item": "db", "wait_seconds": 30},
            progress_callback=on_progress,
        )
    assert ok(result)["status"] == "active"
    assert "waits for approval" in str(progress[0][2])


async def test_a_viewer_reveals_to_a_file_or_to_context_when_asked(
    mcp: Client, workspace: Workspace, agent: Agent
) -> None:
    await vaulted(workspace, agent, "viewer")
    to_file = await mcp.call_tool("reveal_secret", {"item": "db", "fields": ["password"]})
    never_shows_the_canary(to_file)
    assert secret_file(ok(to_file)["file"])[0] == {"password": CANARY}
    to_context = ok(await mcp.call_tool("reveal_secret", {"item": "db", "deliver": "context"}))
    assert to_context["values"]["password"] == CANARY
    assert to_context["file"] is None
    missing = await mcp.call_tool("reveal_secret", {"item": "db", "fields": ["pin"]})
    assert missing.is_error
    assert "pin" in text(missing)


async def test_a_use_only_member_cannot_reveal_directly(
    mcp: Client, workspace: Workspace, agent: Agent
) -> None:
    await vaulted(workspace, agent, "use_only")
    result = await mcp.call_tool("reveal_secret", {"item": "db"})
    assert result.is_error
    assert "HTTP 403" in text(result)


async def test_totp_codes_match_the_secret(mcp: Client, workspace: Workspace, agent: Agent) -> None:
    await vaulted(workspace, agent, "viewer")
    code = ok(await mcp.call_tool("get_totp_code", {"item": "db"}))
    assert pyotp.TOTP(TOTP_SECRET).verify(code["code"], valid_window=1)
    assert 0 < code["expires_in"] <= 30


async def test_wallet_search_and_details_show_no_values(
    mcp: Client, workspace: Workspace, agent: Agent
) -> None:
    scene = await vaulted(workspace, agent, "viewer")
    wallet = await mcp.call_tool("get_wallet", {})
    never_shows_the_canary(wallet)
    assert [(i["name"], i["access"]) for i in ok(wallet)["items"]] == [
        ("db", "vault_member:viewer")
    ]
    found = ok(await mcp.call_tool("list_vault_items", {"query": "D", "vault": "Prod"}))
    assert [item["id"] for item in found["items"]] == [scene.item_id]
    detail = await mcp.call_tool("get_vault_item", {"item": scene.item_id})
    never_shows_the_canary(detail)
    assert ok(detail)["fields"] == {"otp": "totp", "password": "password", "username": "username"}
    unknown = await mcp.call_tool("get_vault_item", {"item": "nope"})
    assert unknown.is_error
    assert "get_wallet" in text(unknown)


async def test_an_editor_stores_and_rotates_items(
    mcp: Client, workspace: Workspace, agent: Agent
) -> None:
    scene = await vaulted(workspace, agent, "editor")
    made = ok(
        await mcp.call_tool(
            "create_vault_item",
            {"vault": "Prod", "name": "gh", "type": "token", "fields": {"token": "ghp_old0001"}},
        )
    )
    assert made["fields"] == {"token": "token"}
    # Storing a value this server revealed is what the vault is for: not refused.
    ok(await mcp.call_tool("reveal_secret", {"item": "gh", "deliver": "context"}))
    rotated = ok(
        await mcp.call_tool(
            "update_vault_item", {"item": "gh", "fields": {"token": "ghp_old0001-new"}}
        )
    )
    assert rotated["item"]["last_rotated_at"] is not None
    revealed = await scene.admin.vault.reveal(made["item"]["id"])
    assert revealed.fields == {"token": "ghp_old0001-new"}
    nothing = await mcp.call_tool("update_vault_item", {"item": "gh"})
    assert nothing.is_error


async def test_a_remote_server_delivers_only_to_context(workspace: Workspace, agent: Agent) -> None:
    await vaulted(workspace, agent, "viewer")
    async with open_sesame(agent.client, remote=True) as remote:
        server = await build_server(remote, toolsets=["vault"])
        async with Client(server) as client:
            refused = await client.call_tool("reveal_secret", {"item": "db"})
            assert refused.is_error
            assert "deliver='context'" in text(refused)
            given = ok(
                await client.call_tool("reveal_secret", {"item": "db", "deliver": "context"})
            )
            assert given["values"]["password"] == CANARY


async def test_secret_files_are_removed_when_the_server_stops(
    workspace: Workspace, agent: Agent
) -> None:
    await vaulted(workspace, agent, "viewer")
    async with open_sesame(agent.client) as shared:
        server = await build_server(shared, toolsets=["vault"])
        async with Client(server) as client:
            file = Path(ok(await client.call_tool("reveal_secret", {"item": "db"}))["file"])
            assert exists(file)
    assert not exists(file)
    assert not exists(file.parent)


async def test_cancelling_the_wait_leaves_the_lease_pending(
    mcp: Client, state: Sesame, workspace: Workspace, agent: Agent
) -> None:
    scene = await vaulted(workspace, agent, "use_only")
    waiting = state.feed.log.waiters
    async with anyio.create_task_group() as group:
        group.start_soon(mcp.call_tool, "lease_secret", {"item": "db", "wait_seconds": 60})
        with anyio.fail_after(WAIT):
            await state.feed.log.settle(waiting + 1)  # the call waits for a decision
        group.cancel_scope.cancel()  # the client sends notifications/cancelled
    with anyio.fail_after(WAIT):
        await state.feed.log.settle(waiting)
    [lease] = await scene.admin.vault.list_leases(status="pending")
    # The session is still usable, and the next call continues with the same lease.
    again = ok(await mcp.call_tool("lease_secret", {"item": "db", "wait_seconds": 0}))
    assert (again["status"], again["lease_id"]) == ("pending", lease.id)


# resources/subscribe is how 2025-11-25 clients subscribe; the SDK warns that 2026-07-28 dropped it.
@pytest.mark.filterwarnings("ignore::mcp.shared.exceptions.MCPDeprecationWarning")
async def test_the_wallet_resource_lists_items_and_is_announced_when_shared(
    state: Sesame, workspace: Workspace, agent: Agent
) -> None:
    admin = workspace.admin
    vault = await admin.vault.create_vault("Team")
    item = await admin.vault.create_item(vault.id, "api", "api_key", {"key": CANARY})
    updated = anyio.Event()

    async def handler(message: Any) -> None:
        if isinstance(message, types.ResourceUpdatedNotification) and message.params.uri == WALLET:
            updated.set()

    server = await build_server(state, toolsets=["vault"])
    async with Client(server, mode="legacy", message_handler=handler) as client:
        empty = await client.read_resource(WALLET)
        assert json.loads(empty.contents[0].text)["items"] == []  # type: ignore[union-attr]
        await client.session.subscribe_resource(WALLET)
        await admin.vault.share(item.item.id, agent.account.id, can_reveal=True)
        with anyio.fail_after(WAIT):
            await updated.wait()
        listed = (await client.read_resource(WALLET)).contents[0]
        assert CANARY not in listed.text  # type: ignore[union-attr]
        assert [i["access"] for i in json.loads(listed.text)["items"]] == ["share"]  # type: ignore[union-attr]
