"""Creating, changing and deleting tasks.

A task gets the workspace's next number (T-1, T-2… without gaps or repeats, however many are
created at once: the counter row is taken under the transaction's lock). Every status change is
recorded as a transition and logged as `status_change` activity. A PATCH publishes one `task`
event whose action says the most telling change: `completed` (to done), `status_changed`,
`assigned`, or `updated`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.agents.focus import advance_focus
from server_core.features.projects.access import access_project
from server_core.features.projects.errors import ProjectArchived
from server_core.features.tasks.access import (
    access_task,
    check_can_delete,
    reload,
    task_view,
)
from server_core.features.tasks.dependencies import unblock_dependents
from server_core.features.tasks.errors import NestedSubtask
from server_core.features.tasks.events import TaskAction, task_event
from server_core.features.tasks.history import change_status, record_transition
from server_core.features.tasks.notifications import headline, notify
from server_core.features.tasks.recurrence import (
    recurrence_changes,
    recurrence_columns,
    spawn_next,
)
from server_core.features.tasks.schemas import (
    CONTEXT_FIELDS,
    CONTEXT_LISTS,
    CreateTaskRequest,
    NotifyQuery,
    Task,
    UpdateTaskRequest,
)
from server_core.features.tasks.tables import task_assignees, task_counters, tasks
from server_core.kernel.auth import Caller
from server_core.kernel.clock import as_utc, utcnow
from server_core.kernel.errors import Conflict
from server_core.kernel.events import Event
from server_core.kernel.ids import new_id
from server_core.kernel.keyring import Keyring
from server_core.kernel.principals import access_principal


def next_number(conn: Connection, workspace_id: str) -> int:
    """The workspace's next task number; its counter row stays locked until the commit."""
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    conn.execute(
        insert(task_counters)
        .values(workspace_id=workspace_id, last_number=0)
        .on_conflict_do_nothing(index_elements=["workspace_id"])
    )
    number: int = conn.execute(
        sa.update(task_counters)
        .where(task_counters.c.workspace_id == workspace_id)
        .values(last_number=task_counters.c.last_number + 1)
        .returning(task_counters.c.last_number)
    ).scalar_one()
    return number


def context_snapshot(values: dict[str, Any]) -> dict[str, Any]:
    """Every context field, lists as lists (empty when unset)."""
    return {
        name: (values.get(name) or []) if name in CONTEXT_LISTS else values.get(name)
        for name in CONTEXT_FIELDS
    }


def project_id_of(conn: Connection, caller: Caller, ref: str) -> str:
    """The project `ref` (id or slug) names; no new work goes into an archived one."""
    project = access_project(conn, caller, ref)
    if project["is_archived"]:
        raise ProjectArchived("This project is archived: restore it before adding work to it")
    return str(project["id"])


def do_create_task(
    conn: Connection, events: list[Event], *, caller: Caller, request: CreateTaskRequest
) -> Task:
    project_id = project_id_of(conn, caller, request.project_id) if request.project_id else None
    parent_id = None
    if request.parent_id is not None:
        parent = access_task(conn, caller, request.parent_id)
        if parent["parent_id"] is not None:
            raise NestedSubtask(f"{parent_key(parent)} is itself a subtask; name a top-level task")
        parent_id = parent["id"]
        project_id = project_id or parent["project_id"]
    assignees = _assignee_ids(conn, caller, request.assignee_ids)
    now = utcnow()
    task_id = new_id()
    conn.execute(
        sa.insert(tasks).values(
            id=task_id,
            workspace_id=caller.workspace_id,
            number=next_number(conn, caller.workspace_id),
            title=request.title,
            description=request.description,
            project_id=project_id,
            status=request.status,
            priority=request.priority,
            labels=list(dict.fromkeys(request.labels)),
            due_date=request.due_date,
            parent_id=parent_id,
            position=None,
            context=context_snapshot(request.context.model_dump(by_alias=False))
            if request.context
            else None,
            created_by=caller.principal_id,
            created_at=now,
            updated_at=now,
            status_changed_at=now,
            **recurrence_columns(request.recurrence_rule, request.recurrence_timezone, now),
        )
    )
    _set_assignees(conn, task_id, assignees, now)
    record_transition(conn, task_id, None, request.status, now, None)
    task = reload(conn, task_id)
    events.append(task_event(task, "created"))
    return task


def do_update_task(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    keyring: Keyring,
    task_id: str,
    request: UpdateTaskRequest,
    query: NotifyQuery,
) -> Task:
    """Change what is sent; the assignees hear of status, priority and assignment changes by
    DM unless `?notify=false`."""
    task = access_task(conn, caller, task_id, lock=True)
    sent = request.model_fields_set
    now = utcnow()
    changes: dict[str, Any] = {}
    for name in ("title", "priority", "labels", "position"):
        value = getattr(request, name)
        if name in sent and value is not None:
            changes[name] = list(dict.fromkeys(value)) if name == "labels" else value
    for name in ("description", "due_date"):
        if name in sent:
            changes[name] = getattr(request, name)
    if "project_id" in sent:
        changes["project_id"] = (
            project_id_of(conn, caller, request.project_id) if request.project_id else None
        )
    changes.update(recurrence_changes(task, request, now))
    changes = {name: value for name, value in changes.items() if not _same(task[name], value)}
    action: TaskAction = "updated"
    wanted = _wanted_assignees(request)
    current = _current_assignees(conn, task["id"])
    newly: list[str] = []
    if wanted is not None:
        ids = _assignee_ids(conn, caller, wanted)
        if set(ids) != set(current):
            conn.execute(sa.delete(task_assignees).where(task_assignees.c.task_id == task["id"]))
            _set_assignees(conn, task["id"], ids, now)
            newly = [pid for pid in ids if pid not in current]
            current = ids
            action = "assigned"
    if changes or action == "assigned":
        conn.execute(
            sa.update(tasks).where(tasks.c.id == task["id"]).values(**changes, updated_at=now)
        )
    if request.status is not None and request.status != task["status"]:
        change_status(conn, task, request.status, caller.principal_id, now)
        action = "completed" if request.status == "done" else "status_changed"
        if request.status == "done":
            unblock_dependents(conn, events, task, caller.principal_id, now)
            spawn_next(conn, events, task["id"], now)
            advance_focus(conn, task["id"], now)
    if not changes and action == "updated":
        return task_view(conn, task)
    updated = reload(conn, task["id"])
    events.append(task_event(updated, action))
    if query.notify:
        said = []
        if action in ("completed", "status_changed"):
            said.append(f"Status → **{request.status}** by @{caller.handle}")
        if "priority" in changes:
            said.append(f"Priority → **{changes['priority']}** by @{caller.handle}")
        for principal_id in current:
            lines = [
                *said,
                *(["You were assigned by @" + caller.handle] if principal_id in newly else []),
            ]
            if lines:
                text = "\n".join(f"{headline(task)} — {line}" for line in lines)
                notify(conn, events, keyring, caller, [principal_id], text)
    return updated


def _same(stored: Any, value: Any) -> bool:
    if isinstance(stored, datetime) and isinstance(value, datetime):
        return as_utc(stored) == as_utc(value)
    return bool(stored == value)


def do_delete_task(conn: Connection, events: list[Event], *, caller: Caller, task_id: str) -> Task:
    """Delete the task with its subtasks, activity and history."""
    task = access_task(conn, caller, task_id, lock=True)
    check_can_delete(caller, task)
    gone = task_view(conn, task)
    conn.execute(sa.delete(tasks).where(tasks.c.id == task["id"]))
    events.append(task_event(gone, "deleted"))
    return gone


def parent_key(task: RowMapping) -> str:
    return f"T-{task['number']}"


def _wanted_assignees(request: UpdateTaskRequest) -> list[str] | None:
    sent = request.model_fields_set
    if "assignee_ids" in sent:
        return list(request.assignee_ids or [])
    if "assignee_id" in sent:
        return [request.assignee_id] if request.assignee_id else []
    return None


def _assignee_ids(conn: Connection, caller: Caller, refs: list[str]) -> list[str]:
    """The principals `refs` name, in order, once each; archived ones cannot take work."""
    ids: list[str] = []
    for ref in refs:
        principal = access_principal(conn, caller, ref)
        if not principal["is_active"]:
            raise Conflict(f"@{principal['handle']} is archived and cannot be assigned")
        if principal["id"] not in ids:
            ids.append(principal["id"])
    return ids


def _current_assignees(conn: Connection, task_id: str) -> list[str]:
    rows = conn.execute(
        sa.select(task_assignees.c.principal_id).where(task_assignees.c.task_id == task_id)
    ).scalars()
    return list(rows)


def _set_assignees(conn: Connection, task_id: str, ids: list[str], at: Any) -> None:
    if ids:
        conn.execute(
            sa.insert(task_assignees),
            [{"task_id": task_id, "principal_id": pid, "assigned_at": at} for pid in ids],
        )
