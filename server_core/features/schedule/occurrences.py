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
    now = now or utcnow()
    values = {
        "id": new_id(),
        "event_id": event["id"],
        "scheduled_at": scheduled_at,
        "occurred_at": now,
        "status": status,
        "result": result,
        "metadata": metadata or {},
        "created_at": now,
    }
    conn.execute(sa.insert(schedule_occurrences).values(**values))
    count = event["occurrence_count"] + 1
    rule = event["cron_expression"]
    if next_at is None and rule is not None:
        next_at = next_after(rule, event["timezone"], max(scheduled_at, now))
    expires = event["expires_at"]
    done = (
        next_at is None
        or (event["max_occurrences"] is not None and count >= event["max_occurrences"])
        or (expires is not None and next_at > as_utc(expires))
    )
    if done:
        next_at = None
    conn.execute(
        sa.update(schedule_events)
        .where(schedule_events.c.id == event["id"])
        .values(
            occurrence_count=count,
            last_occurrence_at=scheduled_at,
            next_occurrence_at=next_at,
            notify_at=notify_at(next_at, event["notify_minutes_before"]),
            status="completed" if done else event["status"],
            updated_at=now,
        )
    )
    return occurrence_view(values)


def _action(conn: Connection, event_id: str) -> Any:
    return "completed" if reload(conn, event_id)["status"] == "completed" else "occurrence"


def occurrence_view(row: RowMapping | dict[str, Any]) -> ScheduleOccurrence:
    fields = dict(row)
    for name in ("scheduled_at", "occurred_at", "created_at"):
        fields[name] = as_utc(fields[name])
    return ScheduleOccurrence.model_validate(fields)
