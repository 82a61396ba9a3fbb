"""Setting a platform up without its API: the first workspace and its admin, more workspaces,
and agents with API keys. `sesame-server` commands use it, and so do programs that run the
platform in their own process (`sesame-mcp --embedded`).
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.config import Settings
from server_core.features.agents.schemas import ProvisionAgentRequest
from server_core.features.agents.service import do_create_api_key, do_insert_agent
from server_core.features.auth import workspaces
from server_core.features.auth.schemas import RegisterRequest

# How to run the app under uvicorn (its WebSocket protocol, frame limits), for embedders.
from server_core.gateway.uvicorn_ws import UVICORN_OPTIONS as UVICORN_OPTIONS
from server_core.kernel.platform import Platform, open_platform
from server_core.kernel.principal_schemas import PrincipalKind
from server_core.kernel.principals import handle_from_email, principal_from_row
from server_core.kernel.store.tables import principals

ADMIN_FILE = "admin.json"


class BootstrapError(ValueError):
    """The request cannot be carried out as given (the message says why)."""


@dataclass(frozen=True)
class IssuedAgent:
    """An agent and a new API key of it (shown this once)."""

    id: str
    handle: str
    kind: str
    workspace_id: str
    api_key: str
    api_key_id: str
    key_prefix: str


def admin_account(
    email: str, password: str, handle: str | None = None, name: str | None = None
) -> RegisterRequest:
    """An admin held to the same rules as `POST /auth/register`, so it can log in."""
    return RegisterRequest.model_validate(
        {
            "email": email,
            "password": password,
            "handle": handle or handle_from_email(email),
            "displayName": name or "Admin",
        }
    )


async def _new_human(admin: RegisterRequest) -> workspaces.NewHuman:
    return await workspaces.new_human(admin.email, admin.password, admin.handle, admin.display_name)


async def prepare_admin(
    settings: Settings, admin_email: str | None, admin_password: str | None
) -> dict[str, str] | None:
    """Migrate; on a server without a workspace, create one whose admin is `admin_email`
    (password generated when not given, then saved in the data dir's admin.json, mode 0600).
    Returns how to log in: email, and password or the file holding it."""
    admin = None
    if admin_email is not None:
        admin = admin_account(admin_email, admin_password or secrets.token_urlsafe(12))
    async with open_platform(settings) as platform:
        has_workspace = await platform.store.read(workspaces.any_workspace) is not None
        if admin is None:
            return None
        saved = settings.data_dir / ADMIN_FILE
        if has_workspace:
            if saved.exists():
                # The file names the admin it holds the password of.
                email = json.loads(saved.read_text()).get("email", admin.email)
                return {"email": email, "passwordFile": str(saved)}
            return {"email": admin.email}
        human = await _new_human(admin)
        await platform.store.run_sync(
            partial(
                workspaces.do_bootstrap,
                keyring=platform.keyring,
                name="Local workspace",
                admin=human,
            )
        )
        login = {"email": admin.email, "password": admin.password}
        if admin_password is None:
            write_private(saved, login)
            return {**login, "passwordFile": str(saved)}
        return login


def write_private(path: Path, document: dict[str, str]) -> None:
    """Write a JSON document only its owner can read (mode 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(document, handle, indent=2)


async def create_workspace(platform: Platform, name: str, admin: RegisterRequest) -> dict[str, Any]:
    """A workspace and its first admin (works while servers run on the same database)."""
    human = await _new_human(admin)

    def create(conn: Connection) -> dict[str, Any]:
        ws, admin_row = workspaces.do_create_workspace_with_admin(
            conn, platform.keyring, name, human
        )
        return {
            "workspaceId": ws["id"],
            "adminId": admin_row["id"],
            "workspace": workspaces.Workspace.model_validate(dict(ws)).model_dump(mode="json"),
            "admin": principal_from_row(admin_row).model_dump(mode="json"),
        }

    return await platform.store.run_sync(create)


async def issue_agent(
    platform: Platform,
    request: ProvisionAgentRequest,
    *,
    workspace: str | None = None,
    kind: PrincipalKind = "agent",
    label: str = "cli",
    reuse: bool = False,
) -> IssuedAgent:
    """Provision an agent owned by the workspace's longest-standing admin, with a new API key.
    `workspace` is an id or an unambiguous name (default: the only workspace, or with `reuse`
    the oldest). With `reuse`, an existing agent of that handle gets a new key instead."""

    def issue(conn: Connection) -> IssuedAgent:
        ws = _workspace(conn, workspace, oldest=reuse)
        row = None
        if reuse:
            query = sa.select(principals).where(
                principals.c.workspace_id == ws["id"],
                principals.c.handle == request.handle,
                principals.c.kind == kind,
            )
            row = conn.execute(query).mappings().first()
        if row is None:
            owner = workspaces.first_admin_id(conn, ws["id"])
            row = do_insert_agent(conn, ws["id"], request, owner_id=owner, kind=kind)
        key = do_create_api_key(conn, None, row, label)
        return IssuedAgent(
            row["id"], row["handle"], row["kind"], ws["id"], key.key, key.id, key.key_prefix
        )

    return await platform.store.run_sync(issue)


async def agent_exists(platform: Platform, agent_id: str) -> bool:
    query = sa.select(principals.c.id).where(
        principals.c.id == agent_id, principals.c.kind == "agent"
    )
    return bool(await platform.store.read(lambda conn: conn.scalar(query)))


def _workspace(conn: Connection, reference: str | None, *, oldest: bool) -> RowMapping:
    if reference is not None:
        row = workspaces.find_workspace(conn, reference)
        if row is None:
            raise BootstrapError(f"no single workspace matches '{reference}'")
        return row
    rows = workspaces.some_workspaces(conn, 2)
    if not rows:
        raise BootstrapError("no workspace yet: create one first")
    if len(rows) > 1 and not oldest:
        raise BootstrapError("pass --workspace (id or name)")
    return rows[0]
