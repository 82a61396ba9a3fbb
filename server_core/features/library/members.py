"""Library members: list, add (role `viewer` unless given), change a role, remove. Admins
manage the roles below owner; owners manage owners; a library keeps at least one owner."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.library.access import LibraryAccess, access_library, check_may_grant
from server_core.features.library.errors import AlreadyMember, LastOwner
from server_core.features.library.schemas import AddMemberRequest, Member, UpdateMemberRequest
from server_core.features.library.tables import library_members
from server_core.kernel.auth import Caller
from server_core.kernel.clock import utcnow
from server_core.kernel.errors import NotFound
from server_core.kernel.events import Event
from server_core.kernel.ids import parse_id
from server_core.kernel.store.tables import principals

_COLUMNS = (
    library_members,
    principals.c.handle,
    principals.c.display_name,
    principals.c.kind,
)


def _member(row: RowMapping) -> Member:
    return Member.model_validate(dict(row))


def _select() -> sa.Select[tuple[object, ...]]:
    return sa.select(*_COLUMNS).join(principals, principals.c.id == library_members.c.principal_id)


def _access_member(conn: Connection, access: LibraryAccess, principal_id: str) -> RowMapping:
    canonical = parse_id(principal_id.strip())
    row = None
    if canonical is not None:
        row = (
            conn.execute(
                _select().where(
                    library_members.c.library_id == access.id,
                    library_members.c.principal_id == canonical,
                )
            )
            .mappings()
            .first()
        )
    if row is None:
        raise NotFound(f"'{principal_id}' is not a member of this library")
    return row


def _check_keeps_an_owner(conn: Connection, access: LibraryAccess, member: RowMapping) -> None:
    if member["role"] != "owner":
        return
    owners = conn.execute(
        sa.select(sa.func.count()).where(
            library_members.c.library_id == access.id, library_members.c.role == "owner"
        )
    ).scalar_one()
    if owners <= 1:
        raise LastOwner()


def list_members(conn: Connection, *, caller: Caller, library_id: str) -> list[Member]:
    access = access_library(conn, caller, library_id, "browse")
    rows = conn.execute(
        _select()
        .where(library_members.c.library_id == access.id)
        .order_by(library_members.c.created_at, library_members.c.principal_id)
    ).mappings()
    return [_member(row) for row in rows]


def do_add_member(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    library_id: str,
    request: AddMemberRequest,
) -> Member:
    access = access_library(conn, caller, library_id, "manage", lock=True)
    check_may_grant(access, request.role)
    principal_id = parse_id(request.principal_id.strip())
    principal = None
    if principal_id is not None:
        principal = conn.execute(
            sa.select(principals.c.id).where(
                principals.c.id == principal_id,
                principals.c.workspace_id == access.library["workspace_id"],
                principals.c.is_active.is_(True),
            )
        ).first()
    if principal is None:
        raise NotFound(f"No principal '{request.principal_id}' in this workspace")
    existing = conn.execute(
        sa.select(library_members.c.role).where(
            library_members.c.library_id == access.id,
            library_members.c.principal_id == principal_id,
        )
    ).first()
    if existing is not None:
        raise AlreadyMember()
    now = utcnow()
    conn.execute(
        library_members.insert().values(
            library_id=access.id,
            principal_id=principal_id,
            role=request.role,
            added_by=caller.principal_id,
            created_at=now,
            updated_at=now,
        )
    )
    assert principal_id is not None
    return _member(_access_member(conn, access, principal_id))


def do_update_member(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    library_id: str,
    principal_id: str,
    request: UpdateMemberRequest,
) -> Member:
    access = access_library(conn, caller, library_id, "manage", lock=True)
    member = _access_member(conn, access, principal_id)
    check_may_grant(access, member["role"])
    check_may_grant(access, request.role)
    if request.role != "owner":
        _check_keeps_an_owner(conn, access, member)
    conn.execute(
        library_members.update()
        .where(
            library_members.c.library_id == access.id,
            library_members.c.principal_id == member["principal_id"],
        )
        .values(role=request.role, updated_at=utcnow())
    )
    return _member(_access_member(conn, access, member["principal_id"]))


def do_remove_member(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    library_id: str,
    principal_id: str,
) -> Member:
    """A member may also leave on its own, whatever its role (but not the last owner)."""
    access = access_library(conn, caller, library_id, "read", lock=True)
    member = _access_member(conn, access, principal_id)
    if member["principal_id"] != caller.principal_id:
        access = access_library(conn, caller, library_id, "manage")
        check_may_grant(access, member["role"])
    _check_keeps_an_owner(conn, access, member)
    conn.execute(
        library_members.delete().where(
            library_members.c.library_id == access.id,
            library_members.c.principal_id == member["principal_id"],
        )
    )
    return _member(member)
