"""The run log: an event's occurrences as they were run (`completed`, `skipped` or `failed`).

Recording one counts it (whatever its status: each is a time the event came round),
sets `lastOccurrenceAt` to its `scheduledAt`, and moves `nextOccurrenceAt` on: to the value
given, else to the cron's next occurrence after both the recorded one and now; a one-shot
event, or one that reached `maxOccurrences`, is `completed` with no next occurrence. The
schedule's notifier records occurrences the same way."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.schedule.access import (
    access_event,
    check_can_change,
    event_views,
    next_after,
    notify_at,
    reload,
)
from server_core.features.schedule.calendar import announce
from server_core.features.schedule.schemas import (
    OccurrenceRecorded,
    OccurrencesQuery,
    OccurrenceStatus,
    RecordOccurrenceRequest,
    ScheduleOccurrence,
)
from server_core.features.schedule.tables import schedule_events, schedule_occurrences
from server_core.kernel.auth import Caller
from server_core.kernel.clock import as_utc, utcnow
from server_core.kernel.events import Event
from server_core.kernel.ids import new_id

oc = schedule_occurrences.c


def list_occurrences(
    conn: Connection, *, caller: Caller, event_id: str, query: OccurrencesQuery
) -> list[ScheduleOccurrence]:
    event = access_event(conn, caller, event_id)
    rows = conn.execute(
        sa.select(schedule_occurrences)
        .where(oc.event_id == event["id"])
        .order_by(oc.created_at.desc(), oc.id.desc())
        .limit(query.limit)
    ).mappings()
    return [occurrence_view(row) for row in rows]


def do_record_occurrence(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    event_id: str,
    request: RecordOccurrenceRequest,
) -> OccurrenceRecorded:
    event = access_event(conn, caller, event_id, lock=True)
    check_can_change(caller, event)
    occurrence = record(
        conn,
        event,
        scheduled_at=as_utc(request.scheduled_at),
        status=request.status,
        result=request.result,
        metadata=request.metadata or {},
        next_at=as_utc(request.next_occurrence_at) if request.next_occurrence_at else None,
    )
    announce(conn, events, event["id"], _action(conn, event["id"]))
    [view] = event_views(conn, [reload(conn, event["id"])])
    return OccurrenceRecorded(occurrence=occurrence, event=view)


# Built once: the notifier records runs in batches.
_INSERT_RUN = sa.insert(schedule_occurrences)
_ADVANCE = (
    sa.update(schedule_events)
    .where(schedule_events.c.id == sa.bindparam("event_id"))
    .values(
        occurrence_count=sa.bindparam("count"),
        last_occurrence_at=sa.bindparam("last", type_=schedule_events.c.last_occurrence_at.type),
        next_occurrence_at=sa.bindparam("next", type_=schedule_events.c.next_occurrence_at.type),
        notify_at=sa.bindparam("notify", type_=schedule_events.c.notify_at.type),
        status=sa.bindparam("new_status"),
        updated_at=sa.bindparam("now", type_=schedule_events.c.updated_at.type),
    )
)


class Run:
    """One run to record: the (locked) event, when it was due, and how it went."""

    def __init__(
        self,
        event: RowMapping,
        *,
        scheduled_at: datetime,
        status: OccurrenceStatus,
        result: str | None = None,
        metadata: dict[str, Any] | None = None,
        next_at: datetime | None = None,
    ) -> None:
        self.event = event
        self.scheduled_at = scheduled_at
        self.status = status
        self.result = result
        self.metadata = metadata
        self.next_at = next_at


def record(
    conn: Connection,
    event: RowMapping,
    *,
    scheduled_at: datetime,
    status: OccurrenceStatus,
    result: str | None = None,
    metadata: dict[str, Any] | None = None,
    next_at: datetime | None = None,
    now: datetime | None = None,
) -> ScheduleOccurrence:
    """Log a run of the (locked) event and move it on."""
    run = Run(
        event,
        scheduled_at=scheduled_at,
        status=status,
        result=result,
        metadata=metadata,
        next_at=next_at,
    )
    [occurrence] = record_many(conn, [run], now=now or utcnow())
    return occurrence


def record_many(conn: Connection, runs: list[Run], *, now: datetime) -> list[ScheduleOccurrence]:
    """Log several runs (of different events) and move each event on: two statements."""
    logged = [_logged(run, now) for run in runs]
    conn.execute(_INSERT_RUN, logged)
    conn.execute(_ADVANCE, [_advanced(run, now) for run in runs])
    return [occurrence_view(values) for values in logged]


def _logged(run: Run, now: datetime) -> dict[str, Any]:
    return {
        "id": new_id(),
        "event_id": run.event["id"],
        "scheduled_at": run.scheduled_at,
        "occurred_at": now,
        "status": run.status,
        "result": run.result,
        "metadata": run.metadata or {},
        "created_at": now,
    }


def _advanced(run: Run, now: datetime) -> dict[str, Any]:
    """The event's new count, last and next occurrence, and status."""
    event = run.event
    count = event["occurrence_count"] + 1
    next_at, rule = run.next_at, event["cron_expression"]
    if next_at is None and rule is not None:
        next_at = next_after(rule, event["timezone"], max(run.scheduled_at, now))
    expires = event["expires_at"]
    done = (
        next_at is None
        or (event["max_occurrences"] is not None and count >= event["max_occurrences"])
        or (expires is not None and next_at > as_utc(expires))
    )
    if done:
        next_at = None
    return {
        "event_id": event["id"],
        "count": count,
        "last": run.scheduled_at,
        "next": next_at,
        "notify": notify_at(next_at, event["notify_minutes_before"]),
        "new_status": "completed" if done else event["status"],
        "now": now,
    }


def _action(conn: Connection, event_id: str) -> Any:
    return "completed" if reload(conn, event_id)["status"] == "completed" else "occurrence"


def occurrence_view(row: RowMapping | dict[str, Any]) -> ScheduleOccurrence:
    fields = dict(row)
    for name in ("scheduled_at", "occurred_at", "created_at"):
        fields[name] = as_utc(fields[name])
    return ScheduleOccurrence.model_validate(fields)
