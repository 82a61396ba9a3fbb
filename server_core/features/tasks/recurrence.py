"""Recurring tasks.

A task given a `recurrenceRule` (5-field cron, read in `recurrenceTimezone`, UTC by default)
is the template of a series; `nextRecurrenceAt` is the due date of the series' next
occurrence. When a task of the series moves to `done` and that leaves no occurrence of it
unfinished, the next occurrence is spawned: a copy of the template's title, description,
priority, labels, project and assignees, in `todo`, with an empty context, due at the pending
occurrence and numbered `recurrenceIndex` = the series' last + 1; the template's
`nextRecurrenceAt` then moves one occurrence on. Only the template carries the rule.

Occurrences are computed in the zone's local time (`kernel/cron.py`) and stored in UTC.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping
from sqlalchemy.exc import IntegrityError

from server_core.features.tasks.access import access_task, key_of, reload, task_views
from server_core.features.tasks.errors import (
    InvalidRecurrenceRule,
    NotRecurring,
    RecurrenceOnInstance,
)
from server_core.features.tasks.events import task_event
from server_core.features.tasks.history import record_transition
from server_core.features.tasks.schemas import FINISHED, Task, UpdateTaskRequest
from server_core.features.tasks.tables import task_assignees, tasks
from server_core.kernel import cron
from server_core.kernel.auth import Caller
from server_core.kernel.clock import as_utc, utcnow
from server_core.kernel.errors import InvalidTimezone
from server_core.kernel.events import Event
from server_core.kernel.ids import new_id
from server_core.kernel.store.tables import principals

DEFAULT_ZONE = "UTC"


def zone_named(name: str) -> ZoneInfo:
    """The IANA zone `name`, or 400 `invalid_timezone`."""
    try:
        return cron.zone_named(name)
    except cron.ZoneError as error:
        raise InvalidTimezone(str(error)) from None


def next_occurrence(rule: str, zone: str, after: datetime) -> datetime:
    """The first time strictly after `after` that `rule` names, read on the wall clock of
    `zone`, in UTC (`kernel/cron.py`); 400 `invalid_recurrence_rule` or `invalid_timezone`."""
    zone_named(zone)
    try:
        return cron.next_occurrence(rule, zone, after)
    except cron.CronError as error:
        raise InvalidRecurrenceRule(str(error)) from None


def recurrence_columns(rule: str | None, zone: str | None, now: datetime) -> dict[str, Any]:
    """A new task's recurrence columns: none without a rule."""
    if rule is None:
        if zone is not None:
            raise NotRecurring("recurrenceTimezone needs a recurrenceRule")
        return {}
    zone = zone or DEFAULT_ZONE
    return {
        "recurrence_rule": rule,
        "recurrence_timezone": zone,
        "next_recurrence_at": next_occurrence(rule, zone, now),
    }


def recurrence_changes(
    task: RowMapping, request: UpdateTaskRequest, now: datetime
) -> dict[str, Any]:
    """What a PATCH changes of the task's recurrence: a new rule or zone restarts the count
    from now; a null rule stops the series (its occurrences stay linked to it)."""
    sent = request.model_fields_set
    if not {"recurrence_rule", "recurrence_timezone"} & sent:
        return {}
    rule = request.recurrence_rule if "recurrence_rule" in sent else task["recurrence_rule"]
    if rule is None:
        if request.recurrence_timezone is not None:
            raise NotRecurring("recurrenceTimezone needs a recurrenceRule")
        return {"recurrence_rule": None, "recurrence_timezone": None, "next_recurrence_at": None}
    if task["recurrence_template_id"] is not None:
        raise RecurrenceOnInstance(
            f"{key_of(task['number'])} is an occurrence of a recurring task: "
            "change the rule on its template"
        )
    if "recurrence_timezone" in sent:
        zone = request.recurrence_timezone or DEFAULT_ZONE
    else:
        zone = task["recurrence_timezone"] or DEFAULT_ZONE
    if rule == task["recurrence_rule"] and zone == task["recurrence_timezone"]:
        return {}
    return recurrence_columns(rule, zone, now)


def spawn_next(conn: Connection, events: list[Event], task_id: str, at: datetime) -> None:
    """`task_id` was just moved to done: spawn its series' next occurrence if nothing of the
    series is left unfinished. The template's row is locked first, so completions in the same
    series take turns; the unique (template, index) pair would refuse a second spawn anyway,
    which then counts as already spawned."""
    done = conn.execute(sa.select(tasks).where(tasks.c.id == task_id)).mappings().one()
    template_id = done["recurrence_template_id"] or done["id"]
    template = (
        conn.execute(sa.select(tasks).where(tasks.c.id == template_id).with_for_update())
        .mappings()
        .first()
    )
    if template is None or template["recurrence_rule"] is None:
        return
    series = (tasks.c.id == template_id) | (tasks.c.recurrence_template_id == template_id)
    unfinished = conn.scalar(
        sa.select(sa.func.count()).where(series, tasks.c.status.not_in(tuple(FINISHED)))
    )
    if unfinished:
        return
    due = pending_occurrence(template, at)
    try:
        with conn.begin_nested():
            spawned = _insert_occurrence(conn, template, due, at)
    except IntegrityError:
        return  # another completion spawned this place in the series
    following = next_occurrence(template["recurrence_rule"], _zone(template), due)
    conn.execute(
        sa.update(tasks)
        .where(tasks.c.id == template_id)
        .values(next_recurrence_at=following, updated_at=at)
    )
    events.append(task_event(reload(conn, spawned), "created"))
    if template_id != done["id"]:  # the completed task's own event shows the template
        events.append(task_event(reload(conn, template_id), "updated"))


def pending_occurrence(template: RowMapping, now: datetime) -> datetime:
    """The occurrence the series waits on: `nextRecurrenceAt`, or the first one after now when
    that has passed (missed occurrences are not made up for)."""
    pending = template["next_recurrence_at"]
    if pending is not None and as_utc(pending) > now:
        return as_utc(pending)
    return next_occurrence(template["recurrence_rule"], _zone(template), now)


def do_skip(conn: Connection, events: list[Event], *, caller: Caller, task_id: str) -> Task:
    """Move the series' `nextRecurrenceAt` one occurrence on, spawning nothing; the template
    is answered (an occurrence's id names its series)."""
    task = access_task(conn, caller, task_id)
    template_id = task["recurrence_template_id"] or task["id"]
    template = access_task(conn, caller, template_id, lock=True)
    if template["recurrence_rule"] is None:
        raise NotRecurring(f"{key_of(task['number'])} does not recur: nothing to skip")
    now = utcnow()
    following = next_occurrence(
        template["recurrence_rule"], _zone(template), pending_occurrence(template, now)
    )
    conn.execute(
        sa.update(tasks)
        .where(tasks.c.id == template_id)
        .values(next_recurrence_at=following, updated_at=now)
    )
    skipped = reload(conn, template_id)
    events.append(task_event(skipped, "updated"))
    return skipped


def list_recurrences(conn: Connection, *, caller: Caller, task_id: str) -> list[Task]:
    """The series `task_id` belongs to: its template, then the occurrences by index."""
    task = access_task(conn, caller, task_id)
    template_id = task["recurrence_template_id"] or task["id"]
    rows = (
        conn.execute(
            sa.select(tasks)
            .where(
                tasks.c.workspace_id == caller.workspace_id,
                (tasks.c.id == template_id) | (tasks.c.recurrence_template_id == template_id),
            )
            .order_by(tasks.c.recurrence_index.is_not(None), tasks.c.recurrence_index)
        )
        .mappings()
        .all()
    )
    if len(rows) == 1 and rows[0]["recurrence_rule"] is None:
        raise NotRecurring(f"{key_of(task['number'])} does not recur and has no occurrences")
    return task_views(conn, rows)


def _insert_occurrence(conn: Connection, template: RowMapping, due: datetime, at: datetime) -> str:
    # Imported here: tasks.py calls into this module when a task is done.
    from server_core.features.tasks.tasks import next_number

    last = conn.scalar(
        sa.select(sa.func.max(tasks.c.recurrence_index)).where(
            tasks.c.recurrence_template_id == template["id"]
        )
    )
    spawned = new_id()
    conn.execute(
        sa.insert(tasks).values(
            id=spawned,
            workspace_id=template["workspace_id"],
            number=next_number(conn, template["workspace_id"]),
            title=template["title"],
            description=template["description"],
            project_id=template["project_id"],
            status="todo",
            priority=template["priority"],
            labels=template["labels"],
            due_date=due,
            parent_id=None,
            position=None,
            context=None,
            created_by=template["created_by"],
            created_at=at,
            updated_at=at,
            status_changed_at=at,
            recurrence_template_id=template["id"],
            recurrence_index=(last or 0) + 1,
        )
    )
    assignees = conn.execute(
        sa.select(task_assignees.c.principal_id)
        .join(principals, principals.c.id == task_assignees.c.principal_id)
        .where(task_assignees.c.task_id == template["id"], principals.c.is_active.is_(True))
        .order_by(task_assignees.c.assigned_at)
    ).scalars()
    rows = [{"task_id": spawned, "principal_id": pid, "assigned_at": at} for pid in assignees]
    if rows:
        conn.execute(sa.insert(task_assignees), rows)
    record_transition(conn, spawned, None, "todo", at, None)
    return spawned


def _zone(template: RowMapping) -> str:
    return str(template["recurrence_timezone"] or DEFAULT_ZONE)
