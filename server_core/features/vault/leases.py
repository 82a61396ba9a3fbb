"""Leases: just-in-time, time- and use-limited access to one item.

    pending ──approve──▶ active ──(time or uses run out)──▶ expired
       └──deny──▶ denied        └──revoke──▶ revoked

- Owners, admins and editors get an active lease at once (60 minutes and 10 uses unless they
  ask for other limits). Viewers, use_only members and share holders get a pending lease, and
  every approver of the vault (its owners and admins, humans included) receives
  `vault.lease_request`.
- Nobody approves or denies their own lease, approver or not: the point of a pending lease is
  a second pair of eyes.
- A use is one conditional UPDATE (`status = 'active' AND expires_at > now AND uses_remaining
  > 0`), so concurrent uses can never spend more than the lease allows, on either engine; the
  use that spends the last one moves the lease to `expired`.
- A lease past its `expiresAt` is expired: reads show it so at once, the first write that
  touches it stores it, and a background loop (`lease_expiry.py`) sweeps the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.vault.access import access_item
from server_core.features.vault.audit import Audit
from server_core.features.vault.errors import (
    LeaseNotActive,
    LeaseNotPending,
    VaultAccessDenied,
    VaultNotFound,
)
from server_core.features.vault.events import LeaseApproved, LeaseRequested
from server_core.features.vault.fields import field_rows, open_fields
from server_core.features.vault.roles import find_vault
from server_core.features.vault.schemas import (
    ApproveLeaseRequest,
    Lease,
    LeaseRequest,
    LeaseUse,
    ListLeasesQuery,
)
from server_core.features.vault.tables import vault_leases, vault_members
from server_core.kernel.auth import Caller
from server_core.kernel.clock import as_utc, utcnow
from server_core.kernel.errors import ApiError, NotFound
from server_core.kernel.events import Event, EventRoute
from server_core.kernel.ids import new_id, parse_id
from server_core.kernel.keyring import Keyring
from server_core.kernel.store.tables import principals

AUTO_DURATION_MINUTES = 60
AUTO_MAX_USES = 10


def _overdue(row: Mapping[Any, Any], now: datetime) -> bool:
    return (
        row["status"] == "active"
        and row["expires_at"] is not None
        and as_utc(row["expires_at"]) <= now
    )


def render(row: Mapping[Any, Any], now: datetime) -> Lease:
    status = "expired" if _overdue(row, now) else row["status"]
    return Lease(
        id=row["id"],
        workspace_id=row["workspace_id"],
        item_id=row["item_id"],
        vault_id=row["vault_id"],
        requester_id=row["requester_id"],
        approver_id=row["approver_id"],
        status=status,
        reason=row["reason"],
        duration_minutes=row["duration_minutes"],
        max_uses=row["max_uses"],
        uses_remaining=row["uses_remaining"],
        use_count=row["use_count"],
        constraints=row["constraints"],
        expires_at=row["expires_at"],
        decided_at=row["decided_at"],
        revoked_at=row["revoked_at"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def approver_ids(conn: Connection, workspace_id: str, vault_id: str) -> list[str]:
    """The vault's owners and admins: its owner/admin members and every active human."""
    explicit = sa.select(vault_members.c.principal_id).where(
        vault_members.c.vault_id == vault_id, vault_members.c.role.in_(("owner", "admin"))
    )
    return list(
        conn.execute(
            sa.select(principals.c.id)
            .where(
                principals.c.workspace_id == workspace_id,
                principals.c.is_active.is_(True),
                sa.or_(principals.c.kind == "human", principals.c.id.in_(explicit)),
            )
            .order_by(principals.c.id)
        ).scalars()
    )


def request_lease(
    conn: Connection,
    events: list[Event],
    *,
    keyring: Keyring,
    caller: Caller,
    request: LeaseRequest,
) -> Lease:
    audit = Audit(conn, events, keyring, caller, utcnow())
    access = access_item(audit, caller, conn, request.item_id, "lease_request")
    item_id, vault_id = access.item["id"], access.item["vault_id"]
    auto = access.allows("auto_approve")
    row: dict[str, Any] = {
        "id": new_id(),
        "workspace_id": caller.workspace_id,
        "item_id": item_id,
        "vault_id": vault_id,
        "requester_id": caller.principal_id,
        "approver_id": None,
        "status": "pending",
        "reason": request.reason,
        "duration_minutes": request.duration_minutes,
        "max_uses": request.max_uses,
        "uses_remaining": request.max_uses,
        "use_count": 0,
        "constraints": {},
        "expires_at": None,
        "decided_at": None,
        "revoked_at": None,
        "created_at": audit.now,
        "updated_at": audit.now,
    }
    if auto:
        duration = request.duration_minutes or AUTO_DURATION_MINUTES
        uses = request.max_uses or AUTO_MAX_USES
        row.update(
            status="active",
            approver_id=caller.principal_id,
            duration_minutes=duration,
            max_uses=uses,
            uses_remaining=uses,
            expires_at=audit.now + timedelta(minutes=duration),
            decided_at=audit.now,
        )
    conn.execute(sa.insert(vault_leases).values(**row))
    ids = {"vault_id": vault_id, "item_id": item_id, "lease_id": row["id"]}
    audit.record("lease_request", "allowed", detail=request.reason, **ids)
    if auto:
        audit.record("lease_approve", "allowed", detail="auto-approved for the role", **ids)
    else:
        recipients = tuple(
            pid
            for pid in approver_ids(conn, caller.workspace_id, vault_id)
            if pid != caller.principal_id
        )
        events.append(
            LeaseRequested(
                lease_id=row["id"],
                item_id=item_id,
                requester_id=caller.principal_id,
                reason=request.reason,
                route=EventRoute(workspace_id=caller.workspace_id, principal_ids=recipients),
            )
        )
    return render(row, audit.now)


def list_leases(conn: Connection, *, caller: Caller, query: ListLeasesQuery) -> list[Lease]:
    now = utcnow()
    managed = sa.select(vault_members.c.vault_id).where(
        vault_members.c.principal_id == caller.principal_id,
        vault_members.c.role.in_(("owner", "admin")),
    )
    visible = [vault_leases.c.requester_id == caller.principal_id]
    if caller.is_human:
        visible.append(sa.true())
    else:
        visible.append(vault_leases.c.vault_id.in_(managed))
    statement = sa.select(vault_leases).where(
        vault_leases.c.workspace_id == caller.workspace_id, sa.or_(*visible)
    )
    overdue = sa.and_(vault_leases.c.status == "active", vault_leases.c.expires_at <= now)
    status = query.status
    if status == "active":
        statement = statement.where(
            vault_leases.c.status == "active", vault_leases.c.expires_at > now
        )
    elif status == "expired":
        statement = statement.where(sa.or_(vault_leases.c.status == "expired", overdue))
    elif status is not None:
        statement = statement.where(vault_leases.c.status == status)
    if query.item_id is not None:
        item_id = parse_id(query.item_id) or query.item_id
        statement = statement.where(vault_leases.c.item_id == item_id)
    rows = conn.execute(statement.order_by(vault_leases.c.id.desc())).mappings().all()
    return [render(row, now) for row in rows]


def _load(audit: Audit, lease_id: str, *, lock: bool = False) -> RowMapping:
    canonical = parse_id(lease_id)
    query = sa.select(vault_leases).where(
        vault_leases.c.id == canonical,
        vault_leases.c.workspace_id == audit.caller.workspace_id,
    )
    row = (
        audit.conn.execute(query.with_for_update() if lock else query).mappings().first()
        if canonical
        else None
    )
    if row is None:
        raise NotFound(f"No lease with id '{lease_id}' in this workspace")
    return row


def _is_approver(audit: Audit, lease: Mapping[Any, Any]) -> bool:
    access = find_vault(audit.conn, audit.caller, lease["vault_id"])
    return access is not None and access.allows("approve")


def _ids(lease: Mapping[Any, Any]) -> dict[str, str]:
    return {"vault_id": lease["vault_id"], "item_id": lease["item_id"], "lease_id": lease["id"]}


def _expire_if_overdue(audit: Audit, lease: Mapping[Any, Any]) -> str:
    """The lease's status, storing `expired` when its time ran out."""
    if _overdue(lease, audit.now):
        audit.conn.execute(
            sa.update(vault_leases)
            .where(vault_leases.c.id == lease["id"], vault_leases.c.status == "active")
            .values(status="expired", updated_at=audit.now)
        )
        return "expired"
    return str(lease["status"])


def _decide(
    conn: Connection,
    events: list[Event],
    keyring: Keyring,
    caller: Caller,
    lease_id: str,
    action: str,
) -> tuple[Audit, RowMapping]:
    """The pending lease an approver other than its requester may decide."""
    audit = Audit(conn, events, keyring, caller, utcnow())
    lease = _load(audit, lease_id, lock=True)
    ids = _ids(lease)
    vault = find_vault(conn, caller, lease["vault_id"])
    approver = vault is not None and vault.allows("approve")
    if lease["requester_id"] == caller.principal_id:
        audit.deny(
            VaultAccessDenied(f"You cannot {action.removeprefix('lease_')} your own lease"),
            action,
            **ids,
        )
    if not approver:
        # Members of the vault learn that they may not; others that there is nothing here.
        error: ApiError = (
            VaultAccessDenied("Only the vault's owners and admins decide leases")
            if vault is not None and vault.role is not None
            else VaultNotFound(f"No lease with id '{lease_id}' in this workspace")
        )
        audit.deny(error, action, **ids)
    if lease["status"] != "pending":
        audit.deny(LeaseNotPending(f"This lease is {lease['status']}, not pending"), action, **ids)
    return audit, lease


def approve_lease(
    conn: Connection,
    events: list[Event],
    *,
    keyring: Keyring,
    caller: Caller,
    lease_id: str,
    request: ApproveLeaseRequest | None,
) -> Lease:
    """Approve with the limits given (the body is optional: 60 minutes and the uses asked
    for by default)."""
    request = request or ApproveLeaseRequest()
    audit, lease = _decide(conn, events, keyring, caller, lease_id, "lease_approve")
    max_uses = request.max_uses if request.max_uses is not None else lease["max_uses"]
    expires_at = audit.now + timedelta(minutes=request.duration_minutes)
    changes = {
        "status": "active",
        "approver_id": caller.principal_id,
        "duration_minutes": request.duration_minutes,
        "max_uses": max_uses,
        "uses_remaining": max_uses,
        "constraints": request.constraints,
        "expires_at": expires_at,
        "decided_at": audit.now,
        "updated_at": audit.now,
    }
    _decided(audit, lease, changes, "lease_approve")
    events.append(
        LeaseApproved(
            lease_id=lease["id"],
            item_id=lease["item_id"],
            approver_id=caller.principal_id,
            expires_at=expires_at,
            route=EventRoute(
                workspace_id=caller.workspace_id, principal_ids=(lease["requester_id"],)
            ),
        )
    )
    return render({**lease, **changes}, audit.now)


def deny_lease(
    conn: Connection, events: list[Event], *, keyring: Keyring, caller: Caller, lease_id: str
) -> Lease:
    audit, lease = _decide(conn, events, keyring, caller, lease_id, "lease_deny")
    changes = {
        "status": "denied",
        "approver_id": caller.principal_id,
        "decided_at": audit.now,
        "updated_at": audit.now,
    }
    _decided(audit, lease, changes, "lease_deny")
    return render({**lease, **changes}, audit.now)


def _decided(audit: Audit, lease: Mapping[Any, Any], changes: dict[str, Any], action: str) -> None:
    """Store a decision on a pending lease, and its access event."""
    audit.conn.execute(
        sa.update(vault_leases)
        .where(vault_leases.c.id == lease["id"], vault_leases.c.status == "pending")
        .values(**changes)
    )
    audit.record(action, "allowed", **_ids(lease))


def use_lease(
    conn: Connection, events: list[Event], *, keyring: Keyring, caller: Caller, lease_id: str
) -> LeaseUse:
    audit = Audit(conn, events, keyring, caller, utcnow())
    lease = _load(audit, lease_id)
    ids = _ids(lease)
    if lease["requester_id"] != caller.principal_id:
        error: ApiError = (
            VaultAccessDenied("Only the lease's requester may use it")
            if _is_approver(audit, lease)
            else VaultNotFound(f"No lease with id '{lease_id}' in this workspace")
        )
        audit.deny(error, "lease_use", **ids)
    leases = vault_leases.c
    # One statement decides: concurrent uses serialize on the row and re-check the condition.
    spent = conn.execute(
        sa.update(vault_leases)
        .where(
            leases.id == lease["id"],
            leases.status == "active",
            leases.expires_at > audit.now,
            sa.or_(leases.uses_remaining.is_(None), leases.uses_remaining > 0),
        )
        .values(
            uses_remaining=leases.uses_remaining - 1,
            use_count=leases.use_count + 1,
            status=sa.case((leases.uses_remaining == 1, "expired"), else_=leases.status),
            updated_at=audit.now,
        )
        .returning(leases.uses_remaining)
    ).first()
    if spent is None:
        current = _load(audit, lease_id)
        status = _expire_if_overdue(audit, current)
        if status == "active":  # lost the race for the last use
            status = "expired"
        audit.deny(LeaseNotActive(f"This lease is {status}: request a new one"), "lease_use", **ids)
    (uses_remaining,) = spent
    # Leases go with their item, so a lease that exists has its fields.
    rows = field_rows(conn, lease["item_id"])
    # The trail first, in this transaction: the values leave only once it has committed.
    audit.record("lease_use", "allowed", fields=[row["field_key"] for row in rows], **ids)
    return LeaseUse(fields=open_fields(keyring, rows), uses_remaining=uses_remaining)


def revoke_lease(
    conn: Connection, events: list[Event], *, keyring: Keyring, caller: Caller, lease_id: str
) -> Lease:
    audit = Audit(conn, events, keyring, caller, utcnow())
    lease = _load(audit, lease_id, lock=True)
    ids = _ids(lease)
    if lease["requester_id"] != caller.principal_id and not _is_approver(audit, lease):
        audit.deny(
            VaultNotFound(f"No lease with id '{lease_id}' in this workspace"),
            "lease_revoke",
            **ids,
        )
    status = _expire_if_overdue(audit, lease)
    if status != "active":
        audit.deny(
            LeaseNotActive(f"This lease is {status}; only an active lease can be revoked"),
            "lease_revoke",
            **ids,
        )
    changes = {"status": "revoked", "revoked_at": audit.now, "updated_at": audit.now}
    conn.execute(
        sa.update(vault_leases)
        .where(vault_leases.c.id == lease["id"], vault_leases.c.status == "active")
        .values(**changes)
    )
    audit.record("lease_revoke", "allowed", **ids)
    return render({**lease, **changes}, audit.now)


def expire_due(conn: Connection, now: datetime) -> int:
    """Store `expired` on every active lease whose time ran out; return how many."""
    count: int = conn.execute(
        sa.update(vault_leases)
        .where(vault_leases.c.status == "active", vault_leases.c.expires_at <= now)
        .values(status="expired", updated_at=now)
    ).rowcount
    return count
