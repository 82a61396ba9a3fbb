"""Project context: read it, replace it (PUT), change some of its fields (PATCH), and read its
version history. Every change that changes something is a new version (1, 2, 3…) keeping the
whole context as it then was, who changed it and which fields; a change that changes nothing
makes no version."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.features.projects.access import (
    access_project,
    check_active,
    check_can_edit_context,
    context_of,
    reload,
)
from server_core.features.projects.events import project_event
from server_core.features.projects.schemas import (
    CONTEXT_FIELDS,
    LIST_FIELDS,
    ContextHistoryQuery,
    ProjectContext,
    ProjectContextFields,
    ProjectContextVersion,
)
from server_core.features.projects.tables import project_context_versions
from server_core.kernel.auth import Caller
from server_core.kernel.clock import utcnow
from server_core.kernel.events import Event


def get_context(conn: Connection, *, caller: Caller, project_id: str) -> ProjectContext | None:
    """The current context, or null when none was ever set."""
    return context_of(conn, access_project(conn, caller, project_id)["id"])


def do_set_context(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    project_id: str,
    request: ProjectContextFields,
) -> ProjectContext:
    """Replace the whole context: fields left out are emptied."""
    return _change(conn, events, caller, project_id, _snapshot(request.model_dump(by_alias=False)))


def do_update_context(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    project_id: str,
    request: ProjectContextFields,
) -> ProjectContext:
    """Change only the fields sent (`null` empties one)."""
    project = access_project(conn, caller, project_id, lock=True)
    current = context_of(conn, project["id"])
    base = current.model_dump(by_alias=False) if current is not None else {}
    sent = request.model_dump(by_alias=False, include=request.model_fields_set)
    return _change(conn, events, caller, project_id, _snapshot({**base, **sent}))


def context_history(
    conn: Connection, *, caller: Caller, project_id: str, query: ContextHistoryQuery
) -> list[ProjectContextVersion]:
    """Versions newest first, at most `limit`."""
    project = access_project(conn, caller, project_id)
    rows = conn.execute(
        sa.select(project_context_versions)
        .where(project_context_versions.c.project_id == project["id"])
        .order_by(project_context_versions.c.version.desc())
        .limit(query.limit)
    ).mappings()
    return [
        ProjectContextVersion.model_validate(
            {
                "version": row["version"],
                "context": row["context"],
                "changed_fields": row["changed_fields"],
                "changed_by": row["changed_by"],
                "created_at": row["created_at"],
            }
        )
        for row in rows
    ]


def _snapshot(values: dict[str, Any]) -> dict[str, Any]:
    """Every context field, lists as lists (empty when unset)."""
    return {
        name: (values.get(name) or []) if name in LIST_FIELDS else values.get(name)
        for name in CONTEXT_FIELDS
    }


def _change(
    conn: Connection,
    events: list[Event],
    caller: Caller,
    project_id: str,
    context: dict[str, Any],
) -> ProjectContext:
    project = access_project(conn, caller, project_id, lock=True)
    check_can_edit_context(conn, caller, project)
    check_active(project)
    current = context_of(conn, project["id"])
    before = _snapshot(current.model_dump(by_alias=False)) if current is not None else _snapshot({})
    changed = [name for name in CONTEXT_FIELDS if context[name] != before[name]]
    if current is not None and not changed:
        return current
    conn.execute(
        sa.insert(project_context_versions).values(
            project_id=project["id"],
            version=(current.version if current is not None else 0) + 1,
            context=context,
            changed_fields=changed,
            changed_by=caller.principal_id,
            created_at=utcnow(),
        )
    )
    events.append(project_event(reload(conn, project["id"]), "updated"))
    updated = context_of(conn, project["id"])
    assert updated is not None  # just written
    return updated
