"""Vaults: create (the creator becomes its owner), list, read, update, set the masking
policy, delete. Members are in `members.py`, items in `items.py`, item shares in `shares.py`,
the wallet in `wallet.py`.

Each operation (`operations.py`) is answered by a unit of work: writes `(connection, events,
*, caller, …)`, reads `(connection, *, caller, …)`, each run in one hop on the store's
connection.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.features.vault.access import access_vault, begin_audit
from server_core.features.vault.blob_removals import committed, queue_removals, remove_now
from server_core.features.vault.roles import (
    effective_role,
    member_role_clause,
    vaults_with_role,
)
from server_core.features.vault.schemas import (
    CreateVaultRequest,
    SetMaskingPolicyRequest,
    UpdateVaultRequest,
    Vault,
)
from server_core.features.vault.tables import (
    vault_attachments,
    vault_items,
    vault_members,
    vaults,
)
from server_core.features.vault.views import vault_view
from server_core.kernel.auth import Caller
from server_core.kernel.clock import utcnow
from server_core.kernel.errors import BadRequest
from server_core.kernel.events import Event
from server_core.kernel.ids import new_id
from server_core.kernel.keyring import Keyring
from server_core.kernel.platform import Platform


def create_vault(
    conn: Connection, events: list[Event], *, caller: Caller, request: CreateVaultRequest
) -> Vault:
    now = utcnow()
    vault_id = new_id()
    row = {
        "id": vault_id,
        "workspace_id": caller.workspace_id,
        "name": request.name,
        "description": request.description,
        "sensitivity_label": request.sensitivity_label,
        "masking_policy": (
            request.masking_policy.model_dump(mode="json") if request.masking_policy else None
        ),
        "created_by": caller.principal_id,
        "created_at": now,
        "updated_at": now,
    }
    conn.execute(sa.insert(vaults).values(**row))
    conn.execute(
        sa.insert(vault_members).values(
            vault_id=vault_id,
            principal_id=caller.principal_id,
            role="owner",
            added_by=caller.principal_id,
            added_at=now,
        )
    )
    return vault_view(conn, row, "owner")


def list_vaults(conn: Connection, *, caller: Caller) -> list[Vault]:
    rows = conn.execute(
        vaults_with_role(caller)
        .where(member_role_clause(caller))
        .order_by(vaults.c.name, vaults.c.id)
    ).mappings()
    # Every row listed has a role: humans are admins, everyone else is a member.
    return [
        vault_view(conn, row, effective_role(row["member_role"], caller.kind) or "admin")
        for row in rows.all()
    ]


def get_vault(conn: Connection, *, caller: Caller, vault_id: str) -> Vault:
    access = access_vault(None, caller, conn, vault_id, None, "read")
    assert access.role is not None
    return vault_view(conn, access.vault, access.role)


def update_vault(
    conn: Connection,
    events: list[Event],
    *,
    keyring: Keyring,
    caller: Caller,
    vault_id: str,
    request: UpdateVaultRequest,
) -> Vault:
    audit = begin_audit(conn, events, keyring, caller)
    access = access_vault(audit, caller, conn, vault_id, "update_vault", "update_vault")
    changes: dict[str, Any] = {}
    given = request.model_fields_set
    if "name" in given:
        if request.name is None:
            raise BadRequest("name: cannot be null")
        changes["name"] = request.name
    if "description" in given:
        changes["description"] = request.description
    if "sensitivity_label" in given:
        if request.sensitivity_label is None:
            raise BadRequest("sensitivityLabel: cannot be null")
        changes["sensitivity_label"] = request.sensitivity_label
    row = dict(access.vault)
    if changes:
        changes["updated_at"] = audit.now
        conn.execute(sa.update(vaults).where(vaults.c.id == row["id"]).values(**changes))
        row.update(changes)
    assert access.role is not None
    return vault_view(conn, row, access.role)


def set_masking_policy(
    conn: Connection,
    events: list[Event],
    *,
    keyring: Keyring,
    caller: Caller,
    vault_id: str,
    request: SetMaskingPolicyRequest,
) -> Vault:
    audit = begin_audit(conn, events, keyring, caller)
    access = access_vault(audit, caller, conn, vault_id, "update_vault", "set_masking_policy")
    policy = request.masking_policy
    value = policy.model_dump(mode="json") if policy is not None else None
    conn.execute(
        sa.update(vaults)
        .where(vaults.c.id == access.vault["id"])
        .values(masking_policy=value, updated_at=audit.now)
    )
    assert access.role is not None
    return vault_view(
        conn, {**access.vault, "masking_policy": value, "updated_at": audit.now}, access.role
    )


async def delete_vault(platform: Platform, *, caller: Caller, vault_id: str) -> Vault:
    """Delete the vault; once that commits, its attachments' sealed blobs are removed."""
    gone, queued = await committed(
        platform,
        partial(_delete_vault, keyring=platform.keyring, caller=caller, vault_id=vault_id),
    )
    await remove_now(platform, queued)
    return gone


def _delete_vault(
    conn: Connection, events: list[Event], *, keyring: Keyring, caller: Caller, vault_id: str
) -> tuple[Vault, list[tuple[str, str]]]:
    audit = begin_audit(conn, events, keyring, caller)
    access = access_vault(audit, caller, conn, vault_id, "delete_vault", "delete_vault")
    assert access.role is not None
    gone = vault_view(conn, access.vault, access.role)
    in_vault = sa.select(vault_items.c.id).where(vault_items.c.vault_id == access.vault["id"])
    queued = queue_removals(conn, vault_attachments.c.item_id.in_(in_vault), audit.now)
    # Items, fields, shares, leases, attachments, members and scoped alert rules go with it
    # (cascades); the access events stay.
    conn.execute(sa.delete(vaults).where(vaults.c.id == access.vault["id"]))
    audit.record("delete_vault", "allowed", vault_id=access.vault["id"])
    return gone, queued
