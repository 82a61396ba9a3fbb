"""Projects: create (the creator becomes its owner), list, read, change, archive and restore.

`DELETE /projects/:id` archives: the project, its members and its context stay, readable,
listed with `includeArchived=true`, and it can be restored with `PATCH {isArchived: false}`.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.features.projects.access import (
    access_project,
    check_active,
    check_can_manage,
    project_view,
    reload,
)
from server_core.features.projects.errors import SlugTaken
from server_core.features.projects.events import project_event
from server_core.features.projects.schemas import (
    CreateProjectRequest,
    ListProjectsQuery,
    ProjectWithMembers,
    UpdateProjectRequest,
)
from server_core.features.projects.tables import project_members, projects
from server_core.kernel.auth import Caller
from server_core.kernel.clock import utcnow
from server_core.kernel.events import Event
from server_core.kernel.ids import new_id


def check_slug_free(conn: Connection, workspace_id: str, slug: str) -> None:
    taken = conn.scalar(
        sa.select(projects.c.id).where(
            projects.c.workspace_id == workspace_id, projects.c.slug == slug
        )
    )
    if taken is not None:
        raise SlugTaken(f"Another project of this workspace has the slug '{slug}'")


def do_create_project(
    conn: Connection, events: list[Event], *, caller: Caller, request: CreateProjectRequest
) -> ProjectWithMembers:
    check_slug_free(conn, caller.workspace_id, request.slug)
    now = utcnow()
    project_id = new_id()
    conn.execute(
        sa.insert(projects).values(
            id=project_id,
            workspace_id=caller.workspace_id,
            slug=request.slug,
            name=request.name,
            description=request.description,
            is_archived=False,
            archived_at=None,
            created_by=caller.principal_id,
            created_at=now,
            updated_at=now,
        )
    )
    conn.execute(
        sa.insert(project_members).values(
            project_id=project_id, principal_id=caller.principal_id, role="owner", added_at=now
        )
    )
    project = reload(conn, project_id)
    events.append(project_event(project, "created"))
    return project


def list_projects(
    conn: Connection, *, caller: Caller, query: ListProjectsQuery
) -> list[ProjectWithMembers]:
    """The workspace's projects by name (archived ones only when asked)."""
    statement = sa.select(projects).where(projects.c.workspace_id == caller.workspace_id)
    if not query.include_archived:
        statement = statement.where(projects.c.is_archived.is_(False))
    rows = conn.execute(statement.order_by(projects.c.name, projects.c.slug)).mappings().all()
    return [project_view(conn, row) for row in rows]


def get_project(conn: Connection, *, caller: Caller, project_id: str) -> ProjectWithMembers:
    return project_view(conn, access_project(conn, caller, project_id))


def do_update_project(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    project_id: str,
    request: UpdateProjectRequest,
) -> ProjectWithMembers:
    project = access_project(conn, caller, project_id)
    check_can_manage(conn, caller, project)
    sent = request.model_fields_set
    changes: dict[str, Any] = {}
    if "name" in sent and request.name is not None:
        changes["name"] = request.name
    if "slug" in sent and request.slug is not None and request.slug != project["slug"]:
        check_slug_free(conn, caller.workspace_id, request.slug)
        changes["slug"] = request.slug
    if "description" in sent:
        changes["description"] = request.description or None
    restoring = request.is_archived is False and project["is_archived"]
    if request.is_archived is True and not project["is_archived"]:
        return do_archive_project(conn, events, caller=caller, project_id=project["id"])
    if changes and not restoring:
        check_active(project)
    if restoring:
        changes.update(is_archived=False, archived_at=None)
    if not changes:
        return project_view(conn, project)
    conn.execute(
        sa.update(projects)
        .where(projects.c.id == project["id"])
        .values(**changes, updated_at=utcnow())
    )
    updated = reload(conn, project["id"])
    events.append(project_event(updated, "updated"))
    return updated


def do_archive_project(
    conn: Connection, events: list[Event], *, caller: Caller, project_id: str
) -> ProjectWithMembers:
    """Archive (idempotent: archiving an archived project changes nothing)."""
    project = access_project(conn, caller, project_id)
    check_can_manage(conn, caller, project)
    if project["is_archived"]:
        return project_view(conn, project)
    now = utcnow()
    conn.execute(
        sa.update(projects)
        .where(projects.c.id == project["id"])
        .values(is_archived=True, archived_at=now, updated_at=now)
    )
    archived = reload(conn, project["id"])
    events.append(project_event(archived, "archived"))
    return archived
