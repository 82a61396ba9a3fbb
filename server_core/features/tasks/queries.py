"""Reading tasks: one, a filtered and sorted list, yours, your next one, a task's subtasks."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection

from server_core.features.projects.access import access_project
from server_core.features.tasks.access import access_task, task_view, task_views
from server_core.features.tasks.schemas import (
    DEPRECATED_STATUSES,
    FINISHED,
    PRIORITY_RANK,
    STATUSES,
    ListTasksQuery,
    MineQuery,
    Task,
)
from server_core.features.tasks.search import ranked_for_list
from server_core.features.tasks.tables import task_assignees, tasks
from server_core.kernel.auth import Caller
from server_core.kernel.errors import BadRequest
from server_core.kernel.ids import parse_id
from server_core.kernel.wire import Page

_PRIORITY = sa.case(PRIORITY_RANK, value=tasks.c.priority, else_=len(PRIORITY_RANK))
_SORTS: dict[str, Any] = {
    "created": tasks.c.created_at,
    "updated": tasks.c.updated_at,
    "priority": _PRIORITY,
    "dueDate": tasks.c.due_date,
    "position": tasks.c.position,
}


def get_task(conn: Connection, *, caller: Caller, task_id: str) -> Task:
    return task_view(conn, access_task(conn, caller, task_id))


def list_subtasks(conn: Connection, *, caller: Caller, task_id: str) -> list[Task]:
    parent = access_task(conn, caller, task_id)
    rows = conn.execute(
        sa.select(tasks)
        .where(tasks.c.parent_id == parent["id"])
        .order_by(tasks.c.position.is_(None), tasks.c.position, tasks.c.number)
    ).all()
    return task_views(conn, rows)


def list_tasks(conn: Connection, *, caller: Caller, query: ListTasksQuery) -> Page[Task]:
    statement = sa.select(tasks).where(tasks.c.workspace_id == caller.workspace_id)
    if query.project_id:
        project = access_project(conn, caller, query.project_id)
        statement = statement.where(tasks.c.project_id == project["id"])
    if query.parent_id:
        parent = access_task(conn, caller, query.parent_id)
        statement = statement.where(tasks.c.parent_id == parent["id"])
    statuses = parse_statuses(query.status)
    if statuses:
        statement = statement.where(tasks.c.status.in_(statuses))
    if query.priority:
        statement = statement.where(tasks.c.priority == query.priority)
    assignees = _ids(
        ([query.assignee_id] if query.assignee_id else []) + _split(query.assignee_ids)
    )
    if assignees:
        statement = statement.where(
            tasks.c.id.in_(
                sa.select(task_assignees.c.task_id).where(
                    task_assignees.c.principal_id.in_(assignees)
                )
            )
        )
    for bound, column, after in (
        (query.due_before, tasks.c.due_date, False),
        (query.due_after, tasks.c.due_date, True),
        (query.created_before, tasks.c.created_at, False),
        (query.created_after, tasks.c.created_at, True),
    ):
        if bound is not None:
            statement = statement.where(column >= bound if after else column < bound)
    labels = _split(query.labels)
    if labels:
        statement = statement.where(_has_any_label(conn, labels))
    # 3+ characters: the full-text index, by relevance unless sortBy is given; fewer: text.
    ranked = ranked_for_list(conn, query.q) if query.q else None
    order = _order(query)
    if ranked is not None:
        statement = statement.join(ranked, ranked.c.task_id == tasks.c.id)
        if "sort_by" not in query.model_fields_set:
            order = [ranked.c.rank.desc(), tasks.c.number.desc()]
    elif query.q:
        pattern = "%" + _escape_like(query.q) + "%"
        statement = statement.where(
            tasks.c.title.ilike(pattern, escape="\\")
            | tasks.c.description.ilike(pattern, escape="\\")
        )
    start = query.cursor if query.cursor is not None else query.offset
    rows = conn.execute(statement.order_by(*order).offset(start).limit(query.limit + 1)).all()
    more = len(rows) > query.limit
    return Page(task_views(conn, rows[: query.limit]), start + query.limit if more else None, more)


def my_tasks(conn: Connection, *, caller: Caller, query: MineQuery) -> list[Task]:
    """Tasks assigned to the caller, most urgent first (unfinished ones unless `status`)."""
    statuses = parse_statuses(query.status) or [s for s in STATUSES if s not in FINISHED]
    rows = conn.execute(
        _assigned_to(conn, caller)
        .where(tasks.c.status.in_(statuses))
        .order_by(_PRIORITY, tasks.c.due_date.is_(None), tasks.c.due_date, tasks.c.created_at)
    ).all()
    return task_views(conn, rows)


def next_task(conn: Connection, *, caller: Caller) -> Task | None:
    """The caller's most urgent task it can work on now (todo or active): by priority, then
    earliest due date, then earliest creation; null when there is none."""
    row = (
        conn.execute(
            _assigned_to(conn, caller)
            .where(tasks.c.status.in_(("todo", "active")))
            .order_by(_PRIORITY, tasks.c.due_date.is_(None), tasks.c.due_date, tasks.c.created_at)
            .limit(1)
        )
        .mappings()
        .first()
    )
    return task_view(conn, row) if row is not None else None


def parse_statuses(value: str | None) -> list[str]:
    """A comma-separated status filter; earlier names map to today's."""
    found: list[str] = []
    for name in _split(value):
        status = DEPRECATED_STATUSES.get(name, name)
        if status not in STATUSES:
            raise BadRequest(f"Unknown status '{name}' (statuses: {', '.join(STATUSES)})")
        if status not in found:
            found.append(status)
    return found


def _assigned_to(conn: Connection, caller: Caller) -> sa.Select[Any]:
    in_workspace = tasks.c.workspace_id == caller.workspace_id
    if conn.dialect.name == "sqlite":
        # Nearly every task is in the caller's workspace (a server holds few): said so, the
        # planner starts from the caller's assignments instead of every task of the
        # workspace with those statuses (SQLite keeps no statistics to know it).
        in_workspace = sa.func.likelihood(in_workspace, sa.literal_column("0.99"))
    return (
        sa.select(tasks)
        .join(task_assignees, task_assignees.c.task_id == tasks.c.id)
        .where(in_workspace, task_assignees.c.principal_id == caller.principal_id)
    )


def _order(query: ListTasksQuery) -> list[Any]:
    column = _SORTS[query.sort_by]
    # Unset due dates and positions go last whichever way the list runs.
    nulls_last = [column.is_(None)] if query.sort_by in ("dueDate", "position") else []
    if query.sort_by == "priority":  # `desc` lists the most urgent first
        ordered = column if query.sort_dir == "desc" else column.desc()
    else:
        ordered = column.desc() if query.sort_dir == "desc" else column.asc()
    tiebreak = tasks.c.number.desc() if query.sort_dir == "desc" else tasks.c.number.asc()
    return [*nulls_last, ordered, tiebreak]


def _has_any_label(conn: Connection, labels: list[str]) -> Any:
    """Whether the task's labels (a JSON array) hold any of `labels`."""
    if conn.dialect.name == "postgresql":
        return sa.func.jsonb_exists_any(tasks.c.labels, postgresql.array(labels))
    each = sa.func.json_each(tasks.c.labels).table_valued("value")
    return sa.exists(sa.select(1).select_from(each).where(each.c.value.in_(labels)))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _ids(values: list[str]) -> list[str]:
    """Principal ids as stored; a value that is no id matches nothing."""
    return [parse_id(value) or value for value in values]
