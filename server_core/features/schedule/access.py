"""Finding schedule events the caller may see or change, reading them as wire models (with
their assignees and owner, a query per list, not per event), and their timing: validating a
cron expression and zone, and the next occurrence."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.schedule.errors import InvalidCronExpression
from server_core.features.schedule.schemas import (
    EventOwner,
    ScheduleEvent,
    ScheduleEventWithOwner,
)
from server_core.features.schedule.tables import schedule_event_assignees, schedule_events
from server_core.kernel import cron
from server_core.kernel.auth import Caller
from server_core.kernel.clock import as_utc
from server_core.kernel.errors import Forbidden, InvalidTimezone, NotFound
from server_core.kernel.ids import parse_id
from server_core.kernel.principals import access_principal
from server_core.kernel.store.tables import principals

DEFAULT_ZONE = "UTC"


def access_event(
    conn: Connection, caller: Caller, event_id: str, *, lock: bool = False
) -> RowMapping:
    """The event `event_id` of the caller's workspace, or 404."""
    canonical = parse_id(event_id)
    row = None
    if canonical is not None:
        query = sa.select(schedule_events).where(
            schedule_events.c.id == canonical,
            schedule_events.c.workspace_id == caller.workspace_id,
        )
        row = conn.execute(query.with_for_update() if lock else query).mappings().first()
    if row is None:
        raise NotFound(f"No schedule event '{event_id}' in this workspace")
    return row


def check_can_change(caller: Caller, event: RowMapping) -> None:
    if caller.is_admin or event["principal_id"] == caller.principal_id:
        return
    raise Forbidden("Only the event's owner or a workspace admin may change it")


def check_timing(rule: str | None, zone: str) -> None:
    """400 `invalid_cron_expression` or `invalid_timezone`."""
    try:
        cron.zone_named(zone)
    except cron.ZoneError as error:
        raise InvalidTimezone(str(error)) from None
    if rule is not None:
        try:
            cron.check_rule(rule)
        except cron.CronError as error:
            raise InvalidCronExpression(str(error)) from None


def next_after(rule: str, zone: str, after: datetime) -> datetime | None:
    """The first occurrence of `rule` in `zone` strictly after `after`; None if it never
    fires again."""
    try:
        return cron.next_occurrence(rule, zone, after)
    except cron.CronError:
        return None


def notify_at(next_at: datetime | None, minutes_before: int) -> datetime | None:
    """When the notifier fires for the occurrence at `next_at`."""
    return None if next_at is None else as_utc(next_at) - timedelta(minutes=minutes_before)


def checked_assignees(conn: Connection, caller: Caller, ids: Iterable[str]) -> list[str]:
    """The principals `ids` name in the caller's workspace, once each (404 for a stranger)."""
    return list(dict.fromkeys(access_principal(conn, caller, id)["id"] for id in ids))


def set_assignees(conn: Connection, event_id: str, ids: list[str]) -> None:
    conn.execute(
        sa.delete(schedule_event_assignees).where(schedule_event_assignees.c.event_id == event_id)
    )
    if ids:
        conn.execute(
            sa.insert(schedule_event_assignees),
            [{"event_id": event_id, "principal_id": id} for id in ids],
        )


def event_views(conn: Connection, rows: list[RowMapping]) -> list[ScheduleEvent]:
    assignees = _assignees(conn, [row["id"] for row in rows])
    return [_view(row, assignees.get(row["id"], [])) for row in rows]


def owned_views(conn: Connection, rows: list[RowMapping]) -> list[ScheduleEventWithOwner]:
    """The events with their owners, read in one query."""
    events = event_views(conn, rows)
    owner_ids = {event.principal_id for event in events}
    owners = {
        row["id"]: EventOwner.model_validate(row)
        for row in conn.execute(
            sa.select(
                principals.c.id,
                principals.c.handle,
                principals.c.display_name,
                principals.c.kind,
            ).where(principals.c.id.in_(owner_ids))
        ).mappings()
    }
    return [
        ScheduleEventWithOwner(**event.model_dump(), owner=owners[event.principal_id])
        for event in events
    ]


def reload(conn: Connection, event_id: str) -> RowMapping:
    return (
        conn.execute(sa.select(schedule_events).where(schedule_events.c.id == event_id))
        .mappings()
        .one()
    )


def _assignees(conn: Connection, event_ids: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    if not event_ids:
        return found
    rows = conn.execute(
        sa.select(schedule_event_assignees.c.event_id, schedule_event_assignees.c.principal_id)
        .where(schedule_event_assignees.c.event_id.in_(event_ids))
        .order_by(schedule_event_assignees.c.principal_id)
    )
    for event_id, principal_id in rows:
        found.setdefault(event_id, []).append(principal_id)
    return found


def _view(row: RowMapping, assignee_ids: list[str]) -> ScheduleEvent:
    times = ("next_occurrence_at", "last_occurrence_at", "starts_at", "expires_at")
    fields = {name: row[name] for name in ScheduleEvent.model_fields if name in row}
    for name in (*times, "created_at", "updated_at"):
        fields[name] = as_utc(row[name]) if row[name] is not None else None
    return ScheduleEvent(**fields, assignee_ids=assignee_ids)
