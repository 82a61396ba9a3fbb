"""Files kept with vault items through a real MCP client: an editor agent attaches a local
file and fetches it into a private file, and its bytes never enter a tool result. The server
runs on a port chosen first, as the drive's tests do, so its signed links lead back to it."""

from __future__ import annotations

import json
import stat
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from mcp import Client

from server_core.features.vault.schemas import VaultRole
from sesame_mcp.server import build_server
from sesame_mcp.state import Sesame, open_sesame
from tests.sesame_mcp.conftest import Agent, Workspace
from tests.sesame_mcp.toolsets.conftest import ok, text
from tests.sesame_mcp.toolsets.drive.conftest import live as live
from tests.sesame_mcp.toolsets.drive.conftest import port as port
from tests.sesame_mcp.toolsets.drive.conftest import settings_overrides as settings_overrides
from tests.sesame_mcp.toolsets.vault.test_vault import vaulted

pytestmark = pytest.mark.anyio

KEY_FILE = b"-----BEGIN OPENSSH PRIVATE KEY----- attachment-canary-77e1\n" * 300


def saved_file(name: str) -> tuple[bytes, int, int]:
    """The file's bytes, its mode and its directory's mode."""
    path = Path(name)
    mode = stat.S_IMODE(path.stat().st_mode)
    return path.read_bytes(), mode, stat.S_IMODE(path.parent.stat().st_mode)


@pytest.fixture
async def state(agent: Agent) -> AsyncIterator[Sesame]:
    async with open_sesame(agent.client) as shared:
        yield shared


@pytest.fixture
async def mcp(state: Sesame, era: str) -> AsyncIterator[Client]:
    server = await build_server(state, toolsets=["all"])
    async with Client(server, mode=era) as client:
        yield client


@pytest.mark.parametrize("role", ["editor"])
async def test_an_editor_attaches_a_file_and_fetches_it_privately(
    mcp: Client, workspace: Workspace, agent: Agent, tmp_path: Path, role: VaultRole
) -> None:
    await vaulted(workspace, agent, role)
    (tmp_path / "deploy_key").write_bytes(KEY_FILE)
    attached = ok(
        await mcp.call_tool(
            "attach_vault_file", {"item": "db", "path": str(tmp_path / "deploy_key")}
        )
    )
    assert (attached["file_name"], attached["size"]) == ("deploy_key", len(KEY_FILE))
    detail = ok(await mcp.call_tool("get_vault_item", {"item": "db"}))
    assert detail["attachments"] == {attached["attachment_id"]: "deploy_key"}

    fetched = await mcp.call_tool(
        "get_vault_attachment", {"item": "db", "attachment": attached["attachment_id"]}
    )
    saved = ok(fetched)
    assert b"attachment-canary" not in text(fetched).encode()
    assert "attachment-canary" not in json.dumps(fetched.structured_content or {})
    assert saved_file(saved["file"]) == (KEY_FILE, 0o600, 0o700)

    missing = await mcp.call_tool(
        "get_vault_attachment", {"item": "db", "attachment": "01900000-0000-7000-8000-000000000000"}
    )
    assert missing.is_error
    assert "get_vault_item lists them" in text(missing)


async def test_a_viewer_cannot_attach(
    mcp: Client, workspace: Workspace, agent: Agent, tmp_path: Path
) -> None:
    await vaulted(workspace, agent, "viewer")
    (tmp_path / "cert.pem").write_bytes(b"pem")
    refused = await mcp.call_tool(
        "attach_vault_file", {"item": "db", "path": str(tmp_path / "cert.pem")}
    )
    assert refused.is_error
    assert "vault_access_denied" in text(refused) or "does not allow" in text(refused)


async def test_an_editor_deletes_an_attachment(
    mcp: Client, workspace: Workspace, agent: Agent, tmp_path: Path
) -> None:
    await vaulted(workspace, agent, "editor")
    (tmp_path / "old.pem").write_bytes(b"old certificate")
    attached = ok(
        await mcp.call_tool("attach_vault_file", {"item": "db", "path": str(tmp_path / "old.pem")})
    )
    result = await mcp.call_tool(
        "delete_vault_attachment", {"item": "db", "attachment": attached["attachment_id"]}
    )
    deleted = ok(result)
    assert (deleted["attachment_id"], deleted["file_name"]) == (
        attached["attachment_id"],
        "old.pem",
    )
    assert "Deleted attachment" in text(result)
    assert ok(await mcp.call_tool("get_vault_item", {"item": "db"}))["attachments"] == {}

    again = await mcp.call_tool(
        "delete_vault_attachment", {"item": "db", "attachment": attached["attachment_id"]}
    )
    assert again.is_error
