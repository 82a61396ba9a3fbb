"""Item shares: give one principal of the workspace one item (allowed to reveal it or not,
optionally until a time), and take it back. The principal receives `vault.item_shared`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.features.vault.access import access_item, begin_audit, workspace_principal
from server_core.features.vault.events import ItemShared
from server_core.features.vault.schemas import ItemShare, ShareItemRequest
from server_core.features.vault.tables import vault_item_shares
from server_core.kernel.auth import Caller
from server_core.kernel.clock import as_utc
from server_core.kernel.errors import BadRequest, NotFound
from server_core.kernel.events import Event, EventRoute
from server_core.kernel.ids import parse_id
from server_core.kernel.keyring import Keyring


def _share(row: Mapping[Any, Any]) -> ItemShare:
    return ItemShare(
        item_id=row["item_id"],
        principal_id=row["principal_id"],
        can_reveal=bool(row["can_reveal"]),
        allowed_domains=row["allowed_domains"],
        expires_at=row["expires_at"],
        shared_by=row["shared_by"],
        created_at=row["created_at"],
    )


def share_item(
    conn: Connection,
    events: list[Event],
    *,
    keyring: Keyring,
    caller: Caller,
    item_id: str,
    request: ShareItemRequest,
) -> ItemShare:
    audit = begin_audit(conn, events, keyring, caller)
    access = access_item(audit, caller, conn, item_id, "share", "share")
    iid = access.item["id"]
    principal = workspace_principal(conn, caller, request.principal_id)
    if principal["id"] == caller.principal_id:
        raise BadRequest("principalId: you cannot share an item with yourself")
    if request.expires_at is not None and as_utc(request.expires_at) <= audit.now:
        raise BadRequest("expiresAt: must lie in the future")
    row = {
        "item_id": iid,
        "principal_id": principal["id"],
        "can_reveal": request.can_reveal,
        "allowed_domains": list(dict.fromkeys(request.allowed_domains)),
        "expires_at": as_utc(request.expires_at) if request.expires_at else None,
        "shared_by": caller.principal_id,
        "created_at": audit.now,
    }
    conn.execute(
        sa.delete(vault_item_shares).where(
            vault_item_shares.c.item_id == iid,
            vault_item_shares.c.principal_id == principal["id"],
        )
    )
    conn.execute(sa.insert(vault_item_shares).values(**row))
    audit.record(
        "share",
        "allowed",
        vault_id=access.item["vault_id"],
        item_id=iid,
        detail=f"{principal['id']}:canReveal={str(request.can_reveal).lower()}",
    )
    events.append(
        ItemShared(
            item_id=iid,
            shared_by=caller.principal_id,
            can_reveal=request.can_reveal,
            route=EventRoute(workspace_id=caller.workspace_id, principal_ids=(principal["id"],)),
        )
    )
    return _share(row)


def revoke_share(
    conn: Connection,
    events: list[Event],
    *,
    keyring: Keyring,
    caller: Caller,
    item_id: str,
    principal_id: str,
) -> ItemShare:
    audit = begin_audit(conn, events, keyring, caller)
    access = access_item(audit, caller, conn, item_id, "unshare", "share")
    canonical = parse_id(principal_id)
    row = (
        conn.execute(
            sa.select(vault_item_shares).where(
                vault_item_shares.c.item_id == access.item["id"],
                vault_item_shares.c.principal_id == canonical,
            )
        )
        .mappings()
        .first()
        if canonical
        else None
    )
    if row is None:
        raise NotFound(f"The item is not shared with '{principal_id}'")
    conn.execute(
        sa.delete(vault_item_shares).where(
            vault_item_shares.c.item_id == access.item["id"],
            vault_item_shares.c.principal_id == canonical,
        )
    )
    audit.record(
        "unshare",
        "allowed",
        vault_id=access.item["vault_id"],
        item_id=access.item["id"],
        detail=canonical,
    )
    return _share(row)
