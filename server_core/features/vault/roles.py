"""Who may do what in a vault.

Roles, as the spec's table has them:

| role     | reveal    | create items | edit items | delete items | manage members |
|----------|-----------|--------------|------------|--------------|----------------|
| owner    | yes       | yes          | yes        | yes          | yes            |
| admin    | yes       | yes          | yes        | yes          | yes            |
| editor   | yes       | yes          | yes        | no           | no             |
| viewer   | yes       | no           | no         | no           | no             |
| use_only | via lease | no           | no         | no           | no             |

- Every human of the workspace is an admin of every vault without a membership row (also
  humans who join later); a human with an `owner` row is an owner. Agents and services get
  access only through membership, item shares or leases.
- Updating a vault and its masking policy, sharing items and approving leases go with managing
  members (owners and admins); deleting a vault is for owners only.
- A vault or item the caller cannot see answers 404, like one that does not exist; a member
  whose role lacks the permission gets 403. Both are recorded as denied access events.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.features.vault.tables import vault_item_shares, vault_items, vault_members, vaults
from server_core.kernel.auth import Caller
from server_core.kernel.clock import as_utc
from server_core.kernel.ids import parse_id

Role = Literal["owner", "admin", "editor", "viewer", "use_only"]
Permission = Literal[
    "reveal",
    "create_item",
    "edit_item",
    "delete_item",
    "manage_members",
    "update_vault",
    "delete_vault",
    "share",
    "approve",
    "auto_approve",
    "read_events",
]

_MANAGERS: frozenset[str] = frozenset({"owner", "admin"})
GRANTS: dict[Permission, frozenset[str]] = {
    "reveal": frozenset({"owner", "admin", "editor", "viewer"}),
    "create_item": frozenset({"owner", "admin", "editor"}),
    "edit_item": frozenset({"owner", "admin", "editor"}),
    "delete_item": _MANAGERS,
    "manage_members": _MANAGERS,
    "update_vault": _MANAGERS,
    "delete_vault": frozenset({"owner"}),
    "share": _MANAGERS,
    "approve": _MANAGERS,
    "auto_approve": frozenset({"owner", "admin", "editor"}),
    "read_events": _MANAGERS,
}


def allows(role: str | None, permission: Permission) -> bool:
    return role is not None and role in GRANTS[permission]


def effective_role(explicit: str | None, caller_kind: str) -> str | None:
    """A membership row's role, raised to admin for humans (owners stay owners)."""
    if caller_kind == "human" and explicit != "owner":
        return "admin"
    return explicit


@dataclass(frozen=True)
class VaultAccess:
    vault: Mapping[Any, Any]
    role: str | None

    def allows(self, permission: Permission) -> bool:
        return allows(self.role, permission)


@dataclass(frozen=True)
class ItemAccess:
    item: Mapping[Any, Any]
    vault: Mapping[Any, Any]
    role: str | None
    # The caller's share of the item, when it has one that has not expired.
    share: Mapping[Any, Any] | None

    @property
    def visible(self) -> bool:
        return self.role is not None or self.share is not None

    @property
    def can_reveal(self) -> bool:
        return allows(self.role, "reveal") or bool(self.share and self.share["can_reveal"])

    def allows(self, permission: Permission) -> bool:
        return allows(self.role, permission)


def vaults_with_role(caller: Caller) -> sa.Select[Any]:
    """Vault rows with the caller's membership role as `member_role` (null for none)."""
    return sa.select(vaults, vault_members.c.role.label("member_role")).select_from(
        vaults.outerjoin(
            vault_members,
            sa.and_(
                vault_members.c.vault_id == vaults.c.id,
                vault_members.c.principal_id == caller.principal_id,
            ),
        )
    )


def find_vault(conn: Connection, caller: Caller, vault_id: str) -> VaultAccess | None:
    """The vault (in the caller's workspace) and the caller's role; None when it does not
    exist. The role is None when the caller is not a member."""
    canonical = parse_id(vault_id)
    if canonical is None:
        return None
    row = (
        conn.execute(
            vaults_with_role(caller).where(
                vaults.c.id == canonical, vaults.c.workspace_id == caller.workspace_id
            )
        )
        .mappings()
        .first()
    )
    if row is None:
        return None
    vault = {k: v for k, v in row.items() if k != "member_role"}
    return VaultAccess(vault, effective_role(row["member_role"], caller.kind))


def find_item(
    conn: Connection, caller: Caller, item_id: str, now: datetime, *, lock: bool = False
) -> ItemAccess | None:
    """The item (in the caller's workspace), its vault, the caller's role and live share;
    None when the item does not exist."""
    canonical = parse_id(item_id)
    if canonical is None:
        return None
    query = sa.select(vault_items).where(
        vault_items.c.id == canonical, vault_items.c.workspace_id == caller.workspace_id
    )
    if lock:
        query = query.with_for_update()
    item = conn.execute(query).mappings().first()
    if item is None:
        return None
    access = find_vault(conn, caller, item["vault_id"])
    assert access is not None  # items cascade with their vault
    share = (
        conn.execute(
            sa.select(vault_item_shares).where(
                vault_item_shares.c.item_id == canonical,
                vault_item_shares.c.principal_id == caller.principal_id,
            )
        )
        .mappings()
        .first()
    )
    if share is not None and share["expires_at"] is not None and as_utc(share["expires_at"]) <= now:
        share = None  # an expired share grants nothing
    return ItemAccess(dict(item), access.vault, access.role, share)


def member_role_clause(caller: Caller) -> sa.ColumnElement[bool]:
    """Vaults the caller is a member of (every vault of the workspace for a human)."""
    if caller.kind == "human":
        return vaults.c.workspace_id == caller.workspace_id
    return sa.and_(
        vaults.c.workspace_id == caller.workspace_id,
        vaults.c.id.in_(
            sa.select(vault_members.c.vault_id).where(
                vault_members.c.principal_id == caller.principal_id
            )
        ),
    )
