"""Project members: add one or change its role (both routes the spec lists), remove one.

Adding a principal who is already a member sets its role (200); a new member answers 201.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.projects.access import (
    access_project,
    check_active,
    check_can_manage,
    members_of,
    reload,
    role_of,
)
from server_core.features.projects.events import project_event
from server_core.features.projects.schemas import (
    AddMemberRequest,
    MemberRoleRequest,
    ProjectMember,
)
from server_core.features.projects.tables import project_members
from server_core.kernel.auth import Caller
from server_core.kernel.clock import utcnow
from server_core.kernel.errors import Conflict, Forbidden, NotFound
from server_core.kernel.events import Event
from server_core.kernel.operations import Created
from server_core.kernel.principals import access_principal


def do_add_member(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    project_id: str,
    request: AddMemberRequest,
) -> Created[ProjectMember]:
    return _set_member(conn, events, caller, project_id, request.principal_id, request.role)


def do_add_member_by_path(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    project_id: str,
    principal_id: str,
    request: MemberRoleRequest | None,
) -> Created[ProjectMember]:
    role = request.role if request is not None else "member"
    return _set_member(conn, events, caller, project_id, principal_id, role)


def do_remove_member(
    conn: Connection, events: list[Event], *, caller: Caller, project_id: str, principal_id: str
) -> ProjectMember:
    """Remove a member (a member may also leave on its own)."""
    project = access_project(conn, caller, project_id, lock=True)
    member = _member(conn, project["id"], principal_id)
    if member.principal_id != caller.principal_id:
        check_can_manage(conn, caller, project)
    check_active(project)
    if member.role == "owner":
        _check_owner_change(conn, caller, project)
        _keep_an_owner(conn, project["id"])
    conn.execute(
        sa.delete(project_members).where(
            project_members.c.project_id == project["id"],
            project_members.c.principal_id == member.principal_id,
        )
    )
    events.append(project_event(reload(conn, project["id"]), "updated"))
    return member


def _set_member(
    conn: Connection,
    events: list[Event],
    caller: Caller,
    project_id: str,
    principal_id: str,
    role: str,
) -> Created[ProjectMember]:
    project = access_project(conn, caller, project_id, lock=True)
    check_can_manage(conn, caller, project)
    check_active(project)
    principal = access_principal(conn, caller, principal_id)
    if not principal["is_active"]:
        raise Conflict(f"@{principal['handle']} is archived and cannot join the project")
    current = role_of(conn, project["id"], principal["id"])
    if current == role:
        return Created(_member(conn, project["id"], principal["id"]), created=False)
    if "owner" in (current, role):
        _check_owner_change(conn, caller, project)
    if current == "owner":
        _keep_an_owner(conn, project["id"])
    if current is None:
        conn.execute(
            sa.insert(project_members).values(
                project_id=project["id"], principal_id=principal["id"], role=role, added_at=utcnow()
            )
        )
    else:
        conn.execute(
            sa.update(project_members)
            .where(
                project_members.c.project_id == project["id"],
                project_members.c.principal_id == principal["id"],
            )
            .values(role=role)
        )
    events.append(project_event(reload(conn, project["id"]), "updated"))
    return Created(_member(conn, project["id"], principal["id"]), created=current is None)


def _member(conn: Connection, project_id: str, principal_id: str) -> ProjectMember:
    for member in members_of(conn, project_id):
        if member.principal_id == principal_id.strip().lower():
            return member
    raise NotFound(f"'{principal_id}' is not a member of this project")


def _check_owner_change(conn: Connection, caller: Caller, project: RowMapping) -> None:
    if caller.is_admin or role_of(conn, project["id"], caller.principal_id) == "owner":
        return
    raise Forbidden("Only the project's owners (or a workspace admin) may make or unmake owners")


def _keep_an_owner(conn: Connection, project_id: str) -> None:
    owners = conn.scalar(
        sa.select(sa.func.count()).where(
            project_members.c.project_id == project_id, project_members.c.role == "owner"
        )
    )
    if (owners or 0) <= 1:
        raise Conflict("A project keeps at least one owner: make another member owner first")
