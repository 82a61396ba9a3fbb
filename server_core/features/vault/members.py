"""Vault members: list (every human without a membership is listed as an implicit admin), add
or change a role, remove. Only owners grant, change or remove the owner role, and the last
owner stays one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.features.vault.access import access_vault, begin_audit, workspace_principal
from server_core.features.vault.errors import VaultAccessDenied
from server_core.features.vault.schemas import AddVaultMemberRequest, VaultMember
from server_core.features.vault.tables import vault_members
from server_core.kernel.auth import Caller
from server_core.kernel.errors import Conflict, NotFound
from server_core.kernel.events import Event
from server_core.kernel.keyring import Keyring
from server_core.kernel.store.tables import principals


def _member(row: Mapping[Any, Any], vault_id: str, *, implicit: bool) -> VaultMember:
    return VaultMember(
        vault_id=vault_id,
        principal_id=row["id"],
        role=row["role"],
        implicit=implicit,
        handle=row["handle"],
        display_name=row["display_name"],
        kind=row["kind"],
        added_by=row.get("added_by"),
        added_at=row.get("added_at"),
    )


def list_members(conn: Connection, *, caller: Caller, vault_id: str) -> list[VaultMember]:
    access = access_vault(None, caller, conn, vault_id, None, "list_members")
    vid = access.vault["id"]
    explicit = conn.execute(
        sa.select(
            principals.c.id,
            principals.c.handle,
            principals.c.display_name,
            principals.c.kind,
            vault_members.c.role,
            vault_members.c.added_by,
            vault_members.c.added_at,
        )
        .join(vault_members, vault_members.c.principal_id == principals.c.id)
        .where(vault_members.c.vault_id == vid)
        .order_by(vault_members.c.added_at, principals.c.id)
    ).mappings()
    members: list[VaultMember] = []
    listed: set[str] = set()
    for row in explicit.all():
        role = row["role"] if row["kind"] != "human" or row["role"] == "owner" else "admin"
        members.append(_member({**row, "role": role}, vid, implicit=False))
        listed.add(row["id"])
    humans = conn.execute(
        sa.select(
            principals.c.id, principals.c.handle, principals.c.display_name, principals.c.kind
        )
        .where(
            principals.c.workspace_id == caller.workspace_id,
            principals.c.kind == "human",
            principals.c.is_active.is_(True),
        )
        .order_by(principals.c.created_at, principals.c.id)
    ).mappings()
    for row in humans.all():
        if row["id"] not in listed:
            members.append(_member({**row, "role": "admin"}, vid, implicit=True))
    return members


def add_member(
    conn: Connection,
    events: list[Event],
    *,
    keyring: Keyring,
    caller: Caller,
    vault_id: str,
    request: AddVaultMemberRequest,
) -> VaultMember:
    audit = begin_audit(conn, events, keyring, caller)
    access = access_vault(audit, caller, conn, vault_id, "manage_members", "add_member")
    vid = access.vault["id"]
    principal = workspace_principal(conn, caller, request.principal_id)
    existing = conn.execute(
        sa.select(vault_members.c.role).where(
            vault_members.c.vault_id == vid, vault_members.c.principal_id == principal["id"]
        )
    ).scalar()
    if (request.role == "owner" or existing == "owner") and access.role != "owner":
        audit.deny(
            VaultAccessDenied("Only the vault's owners may grant or change the owner role"),
            "add_member",
            vault_id=vid,
        )
    if existing == "owner" and request.role != "owner" and _owner_count(conn, vid) <= 1:
        raise Conflict("The vault's last owner cannot step down; add another owner first")
    if existing is None:
        conn.execute(
            sa.insert(vault_members).values(
                vault_id=vid,
                principal_id=principal["id"],
                role=request.role,
                added_by=caller.principal_id,
                added_at=audit.now,
            )
        )
    else:
        conn.execute(
            sa.update(vault_members)
            .where(vault_members.c.vault_id == vid, vault_members.c.principal_id == principal["id"])
            .values(role=request.role)
        )
    audit.record("add_member", "allowed", vault_id=vid, detail=f"{principal['id']}:{request.role}")
    role = request.role if principal["kind"] != "human" or request.role == "owner" else "admin"
    return _member(
        {**principal, "role": role, "added_by": caller.principal_id, "added_at": audit.now},
        vid,
        implicit=False,
    )


def _owner_count(conn: Connection, vault_id: str) -> int:
    count: int = conn.execute(
        sa.select(sa.func.count()).where(
            vault_members.c.vault_id == vault_id, vault_members.c.role == "owner"
        )
    ).scalar_one()
    return count


def remove_member(
    conn: Connection,
    events: list[Event],
    *,
    keyring: Keyring,
    caller: Caller,
    vault_id: str,
    principal_id: str,
) -> VaultMember:
    audit = begin_audit(conn, events, keyring, caller)
    access = access_vault(audit, caller, conn, vault_id, "manage_members", "remove_member")
    vid = access.vault["id"]
    principal = workspace_principal(conn, caller, principal_id)
    row = (
        conn.execute(
            sa.select(vault_members).where(
                vault_members.c.vault_id == vid, vault_members.c.principal_id == principal["id"]
            )
        )
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound(
            f"'{principal_id}' has no membership in this vault"
            + (
                " (humans are admins of every vault without one)"
                if principal["kind"] == "human"
                else ""
            )
        )
    if row["role"] == "owner":
        if access.role != "owner":
            audit.deny(
                VaultAccessDenied("Only the vault's owners may remove an owner"),
                "remove_member",
                vault_id=vid,
            )
        if _owner_count(conn, vid) <= 1:
            raise Conflict("The vault's last owner cannot be removed; add another owner first")
    conn.execute(
        sa.delete(vault_members).where(
            vault_members.c.vault_id == vid, vault_members.c.principal_id == principal["id"]
        )
    )
    audit.record("remove_member", "allowed", vault_id=vid, detail=principal["id"])
    return _member({**principal, **row, "id": principal["id"]}, vid, implicit=False)
