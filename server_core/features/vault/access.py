"""Reaching what a request names, as its caller may: a vault, an item, a principal of the
workspace. Used by every vault service (`vaults.py`, `members.py`, `items.py`, `shares.py`,
`leases.py`, `alerts.py`).

Who may do what is in `roles.py`. A write request records every denial on the trail through
`audit.Audit` (`begin_audit` starts one for the request); a read just answers 404 / 403.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.vault.audit import Audit
from server_core.features.vault.errors import VaultAccessDenied, VaultNotFound
from server_core.features.vault.roles import (
    ItemAccess,
    Permission,
    VaultAccess,
    find_item,
    find_vault,
)
from server_core.kernel.auth import Caller
from server_core.kernel.clock import utcnow
from server_core.kernel.errors import Forbidden, NotFound
from server_core.kernel.events import Event
from server_core.kernel.ids import parse_id
from server_core.kernel.keyring import Keyring
from server_core.kernel.store.tables import principals


def begin_audit(conn: Connection, events: list[Event], keyring: Keyring, caller: Caller) -> Audit:
    return Audit(conn, events, keyring, caller, utcnow())


def access_vault(
    audit: Audit | None,
    caller: Caller,
    conn: Connection,
    vault_id: str,
    permission: Permission | None,
    action: str,
) -> VaultAccess:
    """The vault if the caller is a member with `permission` (any member when None). Denials
    are recorded when `audit` is given (write requests); reads just answer 404 / 403."""
    access = find_vault(conn, caller, vault_id)
    if access is None:
        raise NotFound(f"No vault with id '{vault_id}' in this workspace")
    if access.role is None:
        missing = VaultNotFound(f"No vault with id '{vault_id}' in this workspace")
        if audit is None:
            raise NotFound(missing.message)
        audit.deny(missing, action, vault_id=access.vault["id"])
    if permission is not None and not access.allows(permission):
        error = VaultAccessDenied(
            f"Your role in this vault ({access.role}) does not allow {action}"
        )
        if audit is None:
            raise Forbidden(error.message)
        audit.deny(error, action, vault_id=access.vault["id"])
    return access


def access_item(
    audit: Audit | None,
    caller: Caller,
    conn: Connection,
    item_id: str,
    action: str,
    permission: Permission | None = None,
    *,
    lock: bool = False,
) -> ItemAccess:
    """The item if the caller can see it (member of its vault or live share), and, when
    `permission` is given, the caller's role grants it."""
    access = find_item(conn, caller, item_id, audit.now if audit else utcnow(), lock=lock)
    if access is None:
        raise NotFound(f"No vault item with id '{item_id}' in this workspace")
    ids = {"vault_id": access.item["vault_id"], "item_id": access.item["id"]}
    if not access.visible:
        missing = VaultNotFound(f"No vault item with id '{item_id}' in this workspace")
        if audit is None:
            raise NotFound(missing.message)
        audit.deny(missing, action, **ids)
    if permission is not None and not access.allows(permission):
        role = access.role or "share holder"
        error = VaultAccessDenied(f"Your role in this vault ({role}) does not allow {action}")
        if audit is None:
            raise Forbidden(error.message)
        audit.deny(error, action, **ids)
    return access


def workspace_principal(conn: Connection, caller: Caller, principal_id: str) -> RowMapping:
    canonical = parse_id(principal_id)
    row = (
        conn.execute(
            sa.select(principals).where(
                principals.c.id == canonical, principals.c.workspace_id == caller.workspace_id
            )
        )
        .mappings()
        .first()
        if canonical
        else None
    )
    if row is None:
        raise NotFound(f"No principal with id '{principal_id}' in this workspace")
    return row
