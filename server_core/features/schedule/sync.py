"""`PUT /schedule/sync`: an agent pushes the whole list of its cron jobs.

Events are matched on (caller, `externalId`): a match is updated with what the list says (and
made active again if sync had cancelled it), the rest are created. The caller's events that
carry an `externalId` but are not in the list are cancelled and counted as `removed` — never
one whose `metadata.source` is `manual`, and never one made without an external id (sync
manages what sync made). Every listed event counts as `updated` when it existed, so the same
list twice answers `created: 0, updated: n, removed: 0`; only those that differ are written
and announced. The answer lists all the caller's events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.schedule.access import checked_assignees, event_views, set_assignees
from server_core.features.schedule.calendar import announce, event_columns
from server_core.features.schedule.schemas import SyncRequest, SyncResult
from server_core.features.schedule.tables import schedule_events
from server_core.kernel.auth import Caller
from server_core.kernel.clock import as_utc, utcnow
from server_core.kernel.errors import ValidationFailed
from server_core.kernel.events import Event
from server_core.kernel.ids import new_id

ev = schedule_events.c


def do_sync(
    conn: Connection, events: list[Event], *, caller: Caller, request: SyncRequest
) -> SyncResult:
    listed = [item.external_id for item in request.events]
    if len(set(listed)) != len(listed):
        repeated = sorted({id for id in listed if listed.count(id) > 1})
        raise ValidationFailed(f"externalId listed twice: {', '.join(repeated)}")
    now = utcnow()
    mine = {
        row["external_id"]: row
        for row in conn.execute(
            sa.select(schedule_events)
            .where(ev.principal_id == caller.principal_id, ev.external_id.is_not(None))
            .with_for_update()
        ).mappings()
    }
    created = updated = removed = 0
    changes: dict[str, Any] = {}
    for item in request.events:
        existing = mine.get(item.external_id)
        if existing is None:
            event_id = new_id()
            values = event_columns(conn, caller, item, now, {})
            conn.execute(
                sa.insert(schedule_events).values(
                    id=event_id,
                    workspace_id=caller.workspace_id,
                    principal_id=caller.principal_id,
                    status="active",
                    occurrence_count=0,
                    created_at=now,
                    updated_at=now,
                    **values,
                )
            )
            created += 1
        else:
            event_id = existing["id"]
            values = event_columns(conn, caller, item, now, existing)
            if existing["status"] == "cancelled":
                values["status"] = "active"  # listed again: back on
            changes = _changed(existing, values)
            if changes:
                conn.execute(
                    sa.update(schedule_events)
                    .where(ev.id == event_id)
                    .values(**changes, updated_at=now)
                )
            updated += 1
        if item.assignee_ids is not None or existing is None:
            set_assignees(conn, event_id, checked_assignees(conn, caller, item.assignee_ids or []))
        # A job listed as it already is changes nothing, and is not announced: agents sync
        # their whole list after every edit.
        if existing is None or changes or item.assignee_ids is not None:
            announce(conn, events, event_id, "created" if existing is None else "updated")
    for external_id, row in mine.items():
        manual = (row["metadata"] or {}).get("source") == "manual"
        if external_id in listed or manual or row["status"] == "cancelled":
            continue
        conn.execute(
            sa.update(schedule_events)
            .where(ev.id == row["id"])
            .values(status="cancelled", notify_at=None, updated_at=now)
        )
        announce(conn, events, row["id"], "cancelled")
        removed += 1
    rows = conn.execute(
        sa.select(schedule_events)
        .where(ev.principal_id == caller.principal_id)
        .order_by(ev.next_occurrence_at.is_(None), ev.next_occurrence_at, ev.id)
    ).mappings()
    return SyncResult(
        created=created, updated=updated, removed=removed, events=event_views(conn, list(rows))
    )


def _changed(existing: RowMapping, values: dict[str, Any]) -> dict[str, Any]:
    """The columns whose new value differs from the stored one."""
    return {
        name: value
        for name, value in values.items()
        if _comparable(existing[name]) != _comparable(value)
    }


def _comparable(value: Any) -> Any:
    return as_utc(value) if isinstance(value, datetime) else value
