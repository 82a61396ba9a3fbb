"""Finding a project the caller may see, deciding what the caller may do to it, and reading
it whole (members and current context).

Every principal of the workspace sees every project of it. Changing the project (name, slug,
archiving, members) is for its owners and admins and the workspace's admins; changing its
context also for its members; viewers only read. Making, unmaking or removing an owner is for
owners (and workspace admins), and a project keeps at least one owner.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.projects.errors import ProjectArchived
from server_core.features.projects.schemas import (
    CONTEXT_FIELDS,
    EDITORS,
    MANAGERS,
    ProjectContext,
    ProjectMember,
    ProjectWithMembers,
)
from server_core.features.projects.tables import (
    project_context_versions,
    project_members,
    projects,
)
from server_core.kernel.auth import Caller
from server_core.kernel.errors import Forbidden, NotFound
from server_core.kernel.ids import parse_id
from server_core.kernel.store.tables import principals

_MEMBERS = (
    sa.select(
        project_members.c.principal_id,
        project_members.c.role,
        project_members.c.added_at,
        principals.c.handle,
        principals.c.display_name,
        principals.c.kind,
    )
    .join(principals, principals.c.id == project_members.c.principal_id)
    .where(project_members.c.project_id == sa.bindparam("project_id"))
    .order_by(project_members.c.added_at, principals.c.handle)
)
_CURRENT_CONTEXT = (
    sa.select(project_context_versions)
    .where(project_context_versions.c.project_id == sa.bindparam("project_id"))
    .order_by(project_context_versions.c.version.desc())
    .limit(1)
)


def access_project(conn: Connection, caller: Caller, ref: str, *, lock: bool = False) -> RowMapping:
    """The project `ref` (its id or its slug) names in the caller's workspace, or 404. `lock`
    holds its row until the transaction ends (PostgreSQL; SQLite has one writer anyway), for
    changes that read before they write: context versions, the last owner."""
    canonical = parse_id(ref)
    column = projects.c.id if canonical else projects.c.slug
    query = sa.select(projects).where(
        column == (canonical or ref.strip().lower()),
        projects.c.workspace_id == caller.workspace_id,
    )
    if lock:
        query = query.with_for_update()
    row = conn.execute(query).mappings().first()
    if row is None:
        raise NotFound(f"No project '{ref}' in this workspace")
    return row


def role_of(conn: Connection, project_id: str, principal_id: str) -> str | None:
    role: str | None = conn.scalar(
        sa.select(project_members.c.role).where(
            project_members.c.project_id == project_id,
            project_members.c.principal_id == principal_id,
        )
    )
    return role


def check_can_manage(conn: Connection, caller: Caller, project: RowMapping) -> None:
    """Owners and admins of the project, and the workspace's admins."""
    if caller.is_admin or role_of(conn, project["id"], caller.principal_id) in MANAGERS:
        return
    raise Forbidden("Only the project's owners and admins (or a workspace admin) may do this")


def check_can_edit_context(conn: Connection, caller: Caller, project: RowMapping) -> None:
    """Owners, admins and members of the project, and the workspace's admins."""
    if caller.is_admin or role_of(conn, project["id"], caller.principal_id) in EDITORS:
        return
    raise Forbidden(
        "Only the project's members (not its viewers) or a workspace admin may change its context"
    )


def check_active(project: RowMapping) -> None:
    if project["is_archived"]:
        raise ProjectArchived()


def members_of(conn: Connection, project_id: str) -> list[ProjectMember]:
    rows = conn.execute(_MEMBERS, {"project_id": project_id}).mappings().all()
    return [ProjectMember.model_validate(row) for row in rows]


def context_of(conn: Connection, project_id: str) -> ProjectContext | None:
    row = conn.execute(_CURRENT_CONTEXT, {"project_id": project_id}).mappings().first()
    if row is None:
        return None
    return ProjectContext.model_validate(
        {
            **{name: row["context"].get(name) for name in CONTEXT_FIELDS},
            "version": row["version"],
            "updated_by": row["changed_by"],
            "updated_at": row["created_at"],
        }
    )


def project_view(conn: Connection, project: RowMapping) -> ProjectWithMembers:
    """The project with its members and current context, as the API answers it."""
    return ProjectWithMembers.model_validate(
        {
            **project,
            "members": members_of(conn, project["id"]),
            "context": context_of(conn, project["id"]),
        }
    )


def reload(conn: Connection, project_id: str) -> ProjectWithMembers:
    row = conn.execute(sa.select(projects).where(projects.c.id == project_id)).mappings().one()
    return project_view(conn, row)
