"""Schedule events: listing (yours, the workspace's, a channel's members'), creating,
changing and deleting them.

An event with a `cronExpression` recurs (read in `timezone`, UTC by default); without one it
happens once, at `nextOccurrenceAt`. A recurring event's next occurrence is computed from the
cron (from `startsAt` when that is later than now) unless the caller gives it. Listings take
`from` / `to` on the next occurrence, so an event that will not occur again leaves a windowed
listing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.messaging.channels import access_member_channel
from server_core.features.messaging.tables import channel_members
from server_core.features.schedule.access import (
    DEFAULT_ZONE,
    access_event,
    check_can_change,
    check_timing,
    checked_assignees,
    event_views,
    next_after,
    notify_at,
    owned_views,
    reload,
    set_assignees,
)
from server_core.features.schedule.errors import ExternalIdTaken
from server_core.features.schedule.events import ScheduleAction, schedule_event
from server_core.features.schedule.schemas import (
    CreateEventRequest,
    EventFields,
    EventsQuery,
    ScheduleEvent,
    ScheduleEventWithOwner,
    UpdateEventRequest,
)
from server_core.features.schedule.tables import schedule_event_assignees, schedule_events
from server_core.kernel.auth import Caller
from server_core.kernel.clock import as_utc, utcnow
from server_core.kernel.events import Event
from server_core.kernel.ids import new_id

ev = schedule_events.c


def list_events(conn: Connection, *, caller: Caller, query: EventsQuery) -> list[ScheduleEvent]:
    rows = _listed(conn, query, ev.principal_id == caller.principal_id)
    return event_views(conn, rows)


def list_workspace_events(
    conn: Connection, *, caller: Caller, query: EventsQuery
) -> list[ScheduleEventWithOwner]:
    return owned_views(conn, _listed(conn, query, ev.workspace_id == caller.workspace_id))


def list_channel_events(
    conn: Connection, *, caller: Caller, channel_id: str, query: EventsQuery
) -> list[ScheduleEventWithOwner]:
    """Events its members own or are assigned to; for its members."""
    channel = access_member_channel(conn, caller, channel_id).channel
    members = sa.select(channel_members.c.principal_id).where(
        channel_members.c.channel_id == channel["id"]
    )
    assigned = sa.select(schedule_event_assignees.c.event_id).where(
        schedule_event_assignees.c.principal_id.in_(members)
    )
    among = ev.principal_id.in_(members) | ev.id.in_(assigned)
    return owned_views(conn, _listed(conn, query, ev.workspace_id == caller.workspace_id, among))


def _listed(conn: Connection, query: EventsQuery, *where: Any) -> list[RowMapping]:
    statement = sa.select(schedule_events).where(*where)
    if query.status is not None:
        statement = statement.where(ev.status == query.status)
    if query.start is not None:
        statement = statement.where(ev.next_occurrence_at >= as_utc(query.start))
    if query.end is not None:
        statement = statement.where(ev.next_occurrence_at <= as_utc(query.end))
    # Soonest first; those that will not occur again last, newest first.
    statement = statement.order_by(
        ev.next_occurrence_at.is_(None), ev.next_occurrence_at, ev.created_at.desc(), ev.id
    ).limit(query.limit)
    return list(conn.execute(statement).mappings())


def do_create_event(
    conn: Connection, events: list[Event], *, caller: Caller, request: CreateEventRequest
) -> ScheduleEvent:
    now = utcnow()
    event_id = new_id()
    values = {
        "id": event_id,
        "workspace_id": caller.workspace_id,
        "principal_id": caller.principal_id,
        "status": "active",
        "occurrence_count": 0,
        "last_occurrence_at": None,
        "created_at": now,
        "updated_at": now,
        **event_columns(conn, caller, request, now, {}),
    }
    conn.execute(sa.insert(schedule_events).values(**values))
    set_assignees(conn, event_id, checked_assignees(conn, caller, request.assignee_ids or []))
    return announce(conn, events, event_id, "created")


def do_update_event(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    event_id: str,
    request: UpdateEventRequest,
) -> ScheduleEvent:
    """Only what is sent changes; a new cron expression, zone or start recomputes the next
    occurrence (unless it is sent too)."""
    event = access_event(conn, caller, event_id, lock=True)
    check_can_change(caller, event)
    now = utcnow()
    changes = event_columns(conn, caller, request, now, event)
    if request.status is not None:
        changes["status"] = request.status
    conn.execute(
        sa.update(schedule_events).where(ev.id == event["id"]).values(**changes, updated_at=now)
    )
    if request.assignee_ids is not None:
        set_assignees(conn, event["id"], checked_assignees(conn, caller, request.assignee_ids))
    action: ScheduleAction = "updated"
    if request.status is not None and request.status != event["status"]:
        action = "updated" if request.status == "active" else request.status
    return announce(conn, events, event["id"], action)


def do_delete_event(
    conn: Connection, events: list[Event], *, caller: Caller, event_id: str
) -> ScheduleEvent:
    """Gone with its exceptions and run log; announced as cancelled."""
    event = access_event(conn, caller, event_id, lock=True)
    check_can_change(caller, event)
    [view] = owned_views(conn, [event])
    conn.execute(sa.delete(schedule_events).where(ev.id == event["id"]))
    events.append(schedule_event(view.model_copy(update={"status": "cancelled"}), "cancelled"))
    return ScheduleEvent(**view.model_dump(exclude={"owner"}))


def event_columns(
    conn: Connection,
    caller: Caller,
    request: EventFields,
    now: datetime,
    event: RowMapping | dict[str, Any],
) -> dict[str, Any]:
    """The columns `request` sets on `event` (`{}`: a new one), timing checked and the next
    occurrence worked out. What is not sent keeps the event's value."""
    sent = request.model_fields_set if event else set(type(request).model_fields)
    columns: dict[str, Any] = {}
    title = getattr(request, "title", None)
    if title is not None:
        columns["title"] = title
    for name in ("description", "max_occurrences", "external_id"):
        if name in sent:
            columns[name] = getattr(request, name)
    if columns.get("external_id") is not None:
        _check_external_id_free(
            conn, event.get("principal_id", caller.principal_id), event, columns
        )
    if "metadata" in sent:
        columns["metadata"] = request.metadata or {}
    for name in ("starts_at", "expires_at"):
        if name in sent:
            columns[name] = _utc(getattr(request, name))
    if "notify_channel_id" in sent:
        channel_id = request.notify_channel_id
        if channel_id is not None:
            channel_id = access_member_channel(conn, caller, channel_id).channel["id"]
        columns["notify_channel_id"] = channel_id
    minutes = event.get("notify_minutes_before", 0)
    if request.notify_minutes_before is not None:
        minutes = request.notify_minutes_before
    rule = request.cron_expression if "cron_expression" in sent else event.get("cron_expression")
    zone = request.timezone or event.get("timezone") or DEFAULT_ZONE
    check_timing(rule, zone)
    next_at = event.get("next_occurrence_at")
    if request.next_occurrence_at is not None:
        next_at = as_utc(request.next_occurrence_at)
    elif rule is not None and (not event or {"cron_expression", "timezone", "starts_at"} & sent):
        starts = columns.get("starts_at", event.get("starts_at"))
        next_at = next_after(rule, zone, max(now, as_utc(starts)) if starts else now)
    return columns | {
        "cron_expression": rule,
        "timezone": zone,
        "notify_minutes_before": minutes,
        "next_occurrence_at": next_at,
        "notify_at": notify_at(next_at, minutes),
    }


def announce(
    conn: Connection, events: list[Event], event_id: str, action: ScheduleAction
) -> ScheduleEvent:
    """The event as it is now, announced to the workspace."""
    [view] = owned_views(conn, [reload(conn, event_id)])
    events.append(schedule_event(view, action))
    return ScheduleEvent(**view.model_dump(exclude={"owner"}))


def announce_many(
    conn: Connection,
    events: list[Event],
    event_ids: list[str],
    action_of: Callable[[ScheduleEventWithOwner], ScheduleAction],
) -> None:
    """Several events as they are now, announced, read in one go."""
    found = conn.execute(sa.select(schedule_events).where(schedule_events.c.id.in_(event_ids)))
    views = {view.id: view for view in owned_views(conn, list(found.mappings()))}
    for event_id in event_ids:
        events.append(schedule_event(views[event_id], action_of(views[event_id])))


def _utc(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value)


def _check_external_id_free(
    conn: Connection, principal_id: str, event: RowMapping | dict[str, Any], columns: dict[str, Any]
) -> None:
    """An externalId names one event of its principal (what sync matches on)."""
    taken = conn.execute(
        sa.select(ev.id).where(
            ev.principal_id == principal_id,
            ev.external_id == columns["external_id"],
            ev.id != event.get("id", ""),
        )
    ).first()
    if taken is not None:
        raise ExternalIdTaken()
