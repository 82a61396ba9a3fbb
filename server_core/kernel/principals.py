"""Principals (humans, agents, services): scoped lookups and writes. Their wire shape and
field rules are in `kernel/principal_schemas.py`.

Identity is kernel-level because authentication resolves principals on every request; the
`auth`, `agents` and `workspaces` features build on these helpers.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.kernel.auth import Caller
from server_core.kernel.clock import as_utc, utcnow
from server_core.kernel.errors import HandleTaken, NotFound
from server_core.kernel.ids import new_id, parse_id
from server_core.kernel.principal_schemas import Me, Principal, PrincipalKind
from server_core.kernel.store.tables import principals


def principal_from_row(row: RowMapping) -> Principal:
    return Principal.model_validate(_fields(row))


def me_from_row(row: RowMapping) -> Me:
    return Me.model_validate({**_fields(row), "email": row["email"]})


def _fields(row: RowMapping) -> dict[str, Any]:
    return {
        "id": row["id"],
        "workspace_id": row["workspace_id"],
        "kind": row["kind"],
        "handle": row["handle"],
        "display_name": row["display_name"],
        "profile": row["profile"] or {},
        "avatar_url": row["avatar_url"],
        "public_key": row["public_key"],
        "owner_id": row["owner_id"],
        "is_admin": bool(row["is_admin"]),
        "is_active": bool(row["is_active"]),
        "created_at": as_utc(row["created_at"]),
        "updated_at": as_utc(row["updated_at"]),
    }


def access_principal(
    conn: Connection, caller: Caller, principal_id: str, kinds: tuple[str, ...] | None = None
) -> RowMapping:
    """A principal of the caller's workspace, or 404: other workspaces' ids do not exist here."""
    canonical = parse_id(principal_id)
    query = sa.select(principals).where(
        principals.c.id == canonical, principals.c.workspace_id == caller.workspace_id
    )
    if kinds:
        query = query.where(principals.c.kind.in_(kinds))
    row = conn.execute(query).mappings().first() if canonical else None
    if row is None:
        noun = "agent" if kinds and "human" not in kinds else "principal"
        raise NotFound(f"No {noun} with id '{principal_id}' in this workspace")
    return row


def check_handle_free(conn: Connection, workspace_id: str, handle: str) -> None:
    taken = conn.scalar(
        sa.select(principals.c.id).where(
            principals.c.workspace_id == workspace_id, principals.c.handle == handle
        )
    )
    if taken:
        raise HandleTaken(f"The handle '{handle}' is already taken in this workspace")


def handle_from_email(email: str) -> str:
    """A handle suggestion from an email's local part (for the CLI's admin accounts)."""
    local = re.sub(r"[^a-z0-9_-]", "-", email.split("@", 1)[0].lower()).strip("-_")
    local = (local or "admin")[:39]
    return local if len(local) >= 2 else f"{local}-user"


def do_insert_principal(
    conn: Connection,
    workspace_id: str,
    kind: PrincipalKind,
    handle: str,
    display_name: str,
    **columns: Any,
) -> RowMapping:
    """Add a principal with a free handle; return its row. `columns` sets the optional ones
    (email, password_hash, profile, public_key, owner_id, is_admin)."""
    check_handle_free(conn, workspace_id, handle)
    now = utcnow()
    principal_id = new_id()
    conn.execute(
        sa.insert(principals).values(
            {
                "profile": {},
                "is_admin": False,
                **columns,
                "id": principal_id,
                "workspace_id": workspace_id,
                "kind": kind,
                "handle": handle,
                "display_name": display_name,
                "is_active": True,
                "created_at": now,
                "updated_at": now,
            }
        )
    )
    row = conn.execute(sa.select(principals).where(principals.c.id == principal_id)).mappings()
    return row.one()
