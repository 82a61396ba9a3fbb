"""Per-occurrence exceptions: one occurrence of an event modified (title, description, time)
or cancelled, named by its `originalDate` — which must be an occurrence of the event (400
`not_an_occurrence`), once (409 `exception_exists`). Anyone in the workspace reads them; the
event's owner or an admin writes them."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping
from sqlalchemy.exc import IntegrityError

from server_core.features.schedule.access import access_event, check_can_change, owned_views
from server_core.features.schedule.calendar import announce
from server_core.features.schedule.errors import ExceptionExists, NotAnOccurrence
from server_core.features.schedule.expansion import occurs_at
from server_core.features.schedule.schemas import (
    CreateExceptionRequest,
    ScheduleException,
    UpdateExceptionRequest,
)
from server_core.features.schedule.tables import schedule_exceptions
from server_core.kernel.auth import Caller
from server_core.kernel.clock import as_utc, utcnow
from server_core.kernel.errors import NotFound
from server_core.kernel.events import Event
from server_core.kernel.ids import new_id, parse_id

ex = schedule_exceptions.c


def list_exceptions(conn: Connection, *, caller: Caller, event_id: str) -> list[ScheduleException]:
    event = access_event(conn, caller, event_id)
    rows = conn.execute(
        sa.select(schedule_exceptions).where(ex.event_id == event["id"]).order_by(ex.original_date)
    ).mappings()
    return [exception_view(row) for row in rows]


def do_create_exception(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    event_id: str,
    request: CreateExceptionRequest,
) -> ScheduleException:
    event = access_event(conn, caller, event_id, lock=True)
    check_can_change(caller, event)
    original = as_utc(request.original_date)
    [view] = owned_views(conn, [event])
    if not occurs_at(view, original):
        raise NotAnOccurrence(
            f"{original:%Y-%m-%dT%H:%M:%SZ} is not an occurrence of '{event['title']}'"
        )
    now = utcnow()
    values = {
        "id": new_id(),
        "event_id": event["id"],
        "original_date": original,
        "kind": request.kind,
        "title": request.title,
        "description": request.description,
        "starts_at": as_utc(request.starts_at) if request.starts_at else None,
        "metadata": request.metadata or {},
        "created_at": now,
        "updated_at": now,
    }
    try:
        with conn.begin_nested():
            conn.execute(sa.insert(schedule_exceptions).values(**values))
    except IntegrityError:
        raise ExceptionExists(
            f"The occurrence at {original:%Y-%m-%dT%H:%M:%SZ} has an exception already"
        ) from None
    announce(conn, events, event["id"], "updated")
    return exception_view(values)


def do_update_exception(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    event_id: str,
    exception_id: str,
    request: UpdateExceptionRequest,
) -> ScheduleException:
    event, exception = _access(conn, caller, event_id, exception_id)
    changes: dict[str, Any] = {
        name: getattr(request, name)
        for name in ("kind", "title", "description")
        if name in request.model_fields_set and (name != "kind" or request.kind is not None)
    }
    if "starts_at" in request.model_fields_set:
        changes["starts_at"] = as_utc(request.starts_at) if request.starts_at else None
    if "metadata" in request.model_fields_set:
        changes["metadata"] = request.metadata or {}
    conn.execute(
        sa.update(schedule_exceptions)
        .where(ex.id == exception["id"])
        .values(**changes, updated_at=utcnow())
    )
    announce(conn, events, event["id"], "updated")
    return exception_view({**exception, **changes})


def do_delete_exception(
    conn: Connection, events: list[Event], *, caller: Caller, event_id: str, exception_id: str
) -> ScheduleException:
    event, exception = _access(conn, caller, event_id, exception_id)
    conn.execute(sa.delete(schedule_exceptions).where(ex.id == exception["id"]))
    announce(conn, events, event["id"], "updated")
    return exception_view(exception)


def _access(
    conn: Connection, caller: Caller, event_id: str, exception_id: str
) -> tuple[RowMapping, RowMapping]:
    event = access_event(conn, caller, event_id, lock=True)
    check_can_change(caller, event)
    canonical = parse_id(exception_id)
    row = None
    if canonical is not None:
        row = (
            conn.execute(
                sa.select(schedule_exceptions).where(ex.id == canonical, ex.event_id == event["id"])
            )
            .mappings()
            .first()
        )
    if row is None:
        raise NotFound(f"No exception '{exception_id}' of this event")
    return event, row


def exception_view(row: RowMapping | dict[str, Any]) -> ScheduleException:
    fields = dict(row)
    for name in ("original_date", "starts_at", "created_at", "updated_at"):
        if fields.get(name) is not None:
            fields[name] = as_utc(fields[name])
    return ScheduleException.model_validate(fields)
