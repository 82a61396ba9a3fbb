"""What a task remembers: its status transitions (for the time spent in each status) and its
activity log, where status and context changes are logged on their own and agents post
progress, blockers, decisions, artifacts and comments."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.tasks.access import access_task
from server_core.features.tasks.schemas import (
    Activity,
    ActivityQuery,
    PostActivityRequest,
    TimeInStatus,
    Transition,
)
from server_core.features.tasks.tables import task_activity, task_status_transitions, tasks
from server_core.kernel.auth import Caller
from server_core.kernel.clock import as_utc, utcnow
from server_core.kernel.events import Event
from server_core.kernel.ids import new_id
from server_core.kernel.wire import Page


def log_activity(
    conn: Connection,
    task_id: str,
    kind: str,
    message: str | None,
    author_id: str | None,
    at: datetime,
    metadata: dict[str, Any] | None = None,
) -> Activity:
    entry = {
        "id": new_id(),
        "task_id": task_id,
        "type": kind,
        "message": message,
        "meta": metadata or {},
        "author_id": author_id,
        "created_at": at,
    }
    conn.execute(sa.insert(task_activity).values(**entry))
    return Activity.model_validate({**entry, "metadata": entry["meta"]})


def record_transition(
    conn: Connection,
    task_id: str,
    from_status: str | None,
    to_status: str,
    at: datetime,
    since: datetime | None,
) -> None:
    """A row of the status history; `since` is when the task entered `from_status`."""
    duration = None if since is None else int((at - as_utc(since)).total_seconds() * 1000)
    conn.execute(
        sa.insert(task_status_transitions).values(
            id=new_id(),
            task_id=task_id,
            from_status=from_status,
            to_status=to_status,
            at=at,
            duration_ms=duration,
        )
    )


def change_status(
    conn: Connection,
    task: RowMapping,
    status: str,
    author_id: str | None,
    at: datetime,
    reason: str | None = None,
) -> None:
    """Move the task to `status`: the row, a transition and a `status_change` entry."""
    before = task["status"]
    conn.execute(
        sa.update(tasks)
        .where(tasks.c.id == task["id"])
        .values(status=status, status_changed_at=at, updated_at=at)
    )
    record_transition(conn, task["id"], before, status, at, task["status_changed_at"])
    message = f"Status: {before} → {status}" + (f" ({reason})" if reason else "")
    log_activity(
        conn, task["id"], "status_change", message, author_id, at, {"from": before, "to": status}
    )


def list_activity(
    conn: Connection, *, caller: Caller, task_id: str, query: ActivityQuery
) -> Page[Activity]:
    """Newest first."""
    task = access_task(conn, caller, task_id)
    offset = query.cursor or 0
    statement = sa.select(task_activity).where(task_activity.c.task_id == task["id"])
    if query.type is not None:
        statement = statement.where(task_activity.c.type == query.type)
    rows = (
        conn.execute(
            statement.order_by(task_activity.c.created_at.desc(), task_activity.c.id.desc())
            .offset(offset)
            .limit(query.limit + 1)
        )
        .mappings()
        .all()
    )
    items = [
        Activity.model_validate({**row, "metadata": row["meta"]}) for row in rows[: query.limit]
    ]
    more = len(rows) > query.limit
    return Page(items, offset + query.limit if more else None, more)


def do_post_activity(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    task_id: str,
    request: PostActivityRequest,
) -> Activity:
    task = access_task(conn, caller, task_id)
    now = utcnow()
    conn.execute(sa.update(tasks).where(tasks.c.id == task["id"]).values(updated_at=now))
    return log_activity(
        conn, task["id"], request.type, request.message, caller.principal_id, now, request.metadata
    )


def time_in_status(conn: Connection, *, caller: Caller, task_id: str) -> TimeInStatus:
    """Time spent in each status, the current one counted up to now."""
    task = access_task(conn, caller, task_id)
    rows = (
        conn.execute(
            sa.select(task_status_transitions)
            .where(task_status_transitions.c.task_id == task["id"])
            .order_by(task_status_transitions.c.at, task_status_transitions.c.id)
        )
        .mappings()
        .all()
    )
    by_status: dict[str, int] = {}
    for row in rows:
        if row["from_status"] is not None and row["duration_ms"] is not None:
            by_status[row["from_status"]] = (
                by_status.get(row["from_status"], 0) + row["duration_ms"]
            )
    since = as_utc(task["status_changed_at"])
    current = int((utcnow() - since).total_seconds() * 1000)
    by_status[task["status"]] = by_status.get(task["status"], 0) + max(current, 0)
    return TimeInStatus(
        total_ms=sum(by_status.values()),
        by_status=by_status,
        transitions=[
            Transition.model_validate(
                {
                    "from": row["from_status"],
                    "to": row["to_status"],
                    "at": row["at"],
                    "duration_ms": row["duration_ms"],
                }
            )
            for row in rows
        ],
        current_status=task["status"],
        current_status_since=since,
    )
