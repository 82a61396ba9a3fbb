"""`GET /schedule/expanded`: the events' instances within a window, as a calendar draws them.

- A recurring event's cron is walked in its zone over the window (inclusive at both ends),
  within its `startsAt` / `expiresAt`, at most `MAX_INSTANCES` per event.
- A one-shot event is its `nextOccurrenceAt`, when that is in the window.
- A modified exception overrides its instance's title, description and time (`startsAt`); a
  cancelled one leaves the instance out. Which instance is in the window goes by its original
  time, so moving an occurrence keeps it where it was looked for.
- Active and paused events are expanded (paused ones with their status, so a calendar can
  grey them); cancelled and completed ones have no instances to come.
- `principalIds` keeps the events those principals own or are assigned to.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from functools import lru_cache
from operator import itemgetter
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.features.schedule.access import owned_views
from server_core.features.schedule.errors import InvalidWindow
from server_core.features.schedule.schemas import (
    ExpandedQuery,
    ScheduleEventWithOwner,
)
from server_core.features.schedule.tables import (
    schedule_event_assignees,
    schedule_events,
    schedule_exceptions,
)
from server_core.kernel import cron
from server_core.kernel.auth import Caller
from server_core.kernel.clock import as_utc, to_wire
from server_core.kernel.ids import parse_id
from server_core.kernel.operations import Encoded

MAX_INSTANCES = 366  # per event and request
MAX_WINDOW = timedelta(days=366)
ev = schedule_events.c


def list_instances(conn: Connection, *, caller: Caller, query: ExpandedQuery) -> Encoded:
    """The instances as `ScheduleInstance` puts them on the wire, encoded here: every instance
    carries its whole event, and a month of a busy calendar is tens of thousands of instances,
    so each event is encoded once and shared rather than once per instance."""
    start, end = as_utc(query.start), as_utc(query.end)
    if start > end or end - start > MAX_WINDOW:
        raise InvalidWindow(
            f"from ({start:%Y-%m-%d}) must not be after to ({end:%Y-%m-%d}) "
            "and the window at most 366 days"
        )
    statement = sa.select(schedule_events).where(
        ev.workspace_id == caller.workspace_id,
        ev.status.in_(("active", "paused")),
        ev.cron_expression.is_not(None) | ev.next_occurrence_at.between(start, end),
        ev.starts_at.is_(None) | (ev.starts_at <= end),
        ev.expires_at.is_(None) | (ev.expires_at >= start),
    )
    if query.principal_ids:
        wanted = [parse_id(id.strip()) or id.strip() for id in query.principal_ids.split(",")]
        assigned = sa.select(schedule_event_assignees.c.event_id).where(
            schedule_event_assignees.c.principal_id.in_(wanted)
        )
        statement = statement.where(ev.principal_id.in_(wanted) | ev.id.in_(assigned))
    events = owned_views(conn, list(conn.execute(statement).mappings()))
    exceptions = _exceptions(conn, [event.id for event in events])
    instances = [
        instance
        for event in events
        for instance in _instances(event, start, end, exceptions.get(event.id, {}))
    ]
    instances.sort(key=itemgetter(0, 1))
    return Encoded([wire for _, _, wire in instances])


def occurs_at(event: ScheduleEventWithOwner, at: datetime) -> bool:
    """Whether `at` is one of the event's occurrences (a one-shot event's is its next)."""
    at = as_utc(at)
    if event.cron_expression is None:
        return event.next_occurrence_at is not None and as_utc(event.next_occurrence_at) == at
    for time in cron.occurrences(event.cron_expression, event.timezone, at - timedelta(minutes=1)):
        return time == at
    return False


def _instances(
    event: ScheduleEventWithOwner,
    start: datetime,
    end: datetime,
    exceptions: dict[datetime, dict[str, Any]],
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(when it happens, the event's id, the instance on the wire) for each instance in the
    window. Times are compared as their wire text, which sorts as they do (all UTC, one
    format)."""
    # Encoded to bytes once: orjson copies a Fragment as it is for each instance.
    encoded = orjson.Fragment(orjson.dumps(event.model_dump(mode="json", by_alias=True)))
    for at in _times(event, start, end):
        exception = exceptions.get(at)
        if exception is not None and exception["kind"] == "cancelled":
            continue
        modified = exception or {}
        instance_date = _wire(at)
        moved = modified.get("starts_at")
        starts_at = instance_date if moved is None else _wire(as_utc(moved))
        yield (
            starts_at,
            event.id,
            {
                "eventId": event.id,
                "instanceDate": instance_date,
                "title": modified.get("title") or event.title,
                "description": modified.get("description") or event.description,
                "startsAt": starts_at,
                "status": event.status,
                "isException": exception is not None,
                "exceptionId": modified.get("id"),
                "exceptionKind": modified.get("kind"),
                "event": encoded,
            },
        )


@lru_cache(maxsize=65_536)
def _wire(at: datetime) -> str:
    """Many events share their times (the hour, the day's start): each is written once."""
    return to_wire(at)


def _times(event: ScheduleEventWithOwner, start: datetime, end: datetime) -> Iterator[datetime]:
    """The event's occurrences in [start, end] and its active period, at most MAX_INSTANCES."""
    if event.starts_at is not None:
        start = max(start, as_utc(event.starts_at))
    if event.expires_at is not None:
        end = min(end, as_utc(event.expires_at))
    if event.cron_expression is None:
        at = event.next_occurrence_at
        if at is not None and start <= as_utc(at) <= end:
            yield as_utc(at)
        return
    found = cron.between(event.cron_expression, event.timezone, start, end)
    for count, at in enumerate(found):
        if count >= MAX_INSTANCES:
            return
        yield at


def _exceptions(
    conn: Connection, event_ids: list[str]
) -> dict[str, dict[datetime, dict[str, Any]]]:
    found: dict[str, dict[datetime, dict[str, Any]]] = {}
    if not event_ids:
        return found
    rows = conn.execute(
        sa.select(schedule_exceptions).where(schedule_exceptions.c.event_id.in_(event_ids))
    ).mappings()
    for row in rows:
        starts = row["starts_at"]
        found.setdefault(row["event_id"], {})[as_utc(row["original_date"])] = {
            "id": row["id"],
            "kind": row["kind"],
            "title": row["title"],
            "description": row["description"],
            "starts_at": as_utc(starts) if starts is not None else None,
        }
    return found
