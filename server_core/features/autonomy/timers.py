"""Task timers: set, list and cancel one-shot wake-ups on a task.

Who: the task's assignees, its creator, and the workspace's admins (a task of another
workspace does not exist here: 404). A timer's `fireAt` must be in the future (400
`invalid_fire_at`; a little clock skew is allowed) and at most a year away. At most
`MAX_TIMERS` pending timers per task. The timer worker (`worker.py`) fires them.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.autonomy.errors import InvalidFireAt, TimerNotPending
from server_core.features.autonomy.schemas import MAX_TIMERS, CreateTimerRequest, TaskTimer
from server_core.features.autonomy.tables import task_timers
from server_core.features.tasks.access import access_task
from server_core.features.tasks.tables import task_assignees
from server_core.kernel.auth import Caller
from server_core.kernel.clock import as_utc, utcnow
from server_core.kernel.errors import Conflict, Forbidden, NotFound
from server_core.kernel.events import Event
from server_core.kernel.ids import new_id, parse_id

SKEW = timedelta(seconds=5)  # a fireAt this little in the past is "now"
HORIZON = timedelta(days=365)
tt = task_timers.c


def assignee_ids(conn: Connection, task_id: str) -> list[str]:
    rows = conn.execute(
        sa.select(task_assignees.c.principal_id)
        .where(task_assignees.c.task_id == task_id)
        .order_by(task_assignees.c.assigned_at, task_assignees.c.principal_id)
    )
    return [row[0] for row in rows]


def access_timed_task(conn: Connection, caller: Caller, ref: str) -> RowMapping:
    """The task `ref` names, when the caller may set its timers: an assignee, its creator or
    an admin (403 otherwise, 404 for no such task)."""
    task = access_task(conn, caller, ref)
    if caller.is_admin or task["created_by"] == caller.principal_id:
        return task
    if caller.principal_id in assignee_ids(conn, task["id"]):
        return task
    raise Forbidden("Only the task's assignees, its creator or an admin may use its timers")


def _view(row: RowMapping | dict[str, object]) -> TaskTimer:
    return TaskTimer.model_validate(dict(row))


def do_set_timer(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    task_id: str,
    request: CreateTimerRequest,
) -> TaskTimer:
    task = access_timed_task(conn, caller, task_id)
    now = utcnow()
    fire_at = as_utc(request.fire_at)
    if fire_at < now - SKEW or fire_at > now + HORIZON:
        raise InvalidFireAt()
    pending = conn.execute(
        sa.select(sa.func.count()).where(tt.task_id == task["id"], tt.status == "pending")
    ).scalar_one()
    if pending >= MAX_TIMERS:
        raise Conflict(f"A task has at most {MAX_TIMERS} pending timers: cancel one first")
    values = {
        "id": new_id(),
        "workspace_id": task["workspace_id"],
        "task_id": task["id"],
        "principal_id": caller.principal_id,
        "message": request.message,
        "fire_at": fire_at,
        "status": "pending",
        "fired_at": None,
        "woken_ids": [],
        "created_at": now,
    }
    conn.execute(sa.insert(task_timers).values(values))
    return _view(values)


def list_timers(conn: Connection, *, caller: Caller, task_id: str) -> list[TaskTimer]:
    task = access_timed_task(conn, caller, task_id)
    rows = conn.execute(
        sa.select(task_timers).where(tt.task_id == task["id"]).order_by(tt.fire_at, tt.id)
    ).mappings()
    return [_view(row) for row in rows]


def do_cancel_timer(
    conn: Connection, events: list[Event], *, caller: Caller, task_id: str, timer_id: str
) -> TaskTimer:
    """Only a pending timer is cancelled (409 otherwise); the claim is the same conditional
    update the worker makes, so a timer is either fired or cancelled, never both."""
    task = access_timed_task(conn, caller, task_id)
    canonical = parse_id(timer_id)
    row = (
        conn.execute(sa.select(task_timers).where(tt.id == canonical, tt.task_id == task["id"]))
        .mappings()
        .first()
        if canonical
        else None
    )
    if row is None:
        raise NotFound(f"No timer '{timer_id}' on this task")
    claimed = conn.execute(
        sa.update(task_timers)
        .where(tt.id == row["id"], tt.status == "pending")
        .values(status="cancelled")
    )
    if claimed.rowcount != 1:
        raise TimerNotPending()
    return _view({**row, "status": "cancelled"})
