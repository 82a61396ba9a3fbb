"""What is coming up for a principal: its active events (owned or assigned) whose next
occurrence falls within a window from now, soonest first — wake's `schedule.upcoming` and the
MCP `sesame://schedule/upcoming` resource."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.features.schedule.access import event_views
from server_core.features.schedule.tables import schedule_event_assignees, schedule_events

UPCOMING_WINDOW = timedelta(hours=24)
MAX_UPCOMING = 100
ev = schedule_events.c


def upcoming_for(
    conn: Connection, principal_id: str, now: datetime, window: timedelta = UPCOMING_WINDOW
) -> list[dict[str, Any]]:
    """Wire dicts of the principal's active events due in `[now, now + window]`."""
    assigned = sa.select(schedule_event_assignees.c.event_id).where(
        schedule_event_assignees.c.principal_id == principal_id
    )
    rows = (
        conn.execute(
            sa.select(schedule_events)
            .where(
                (ev.principal_id == principal_id) | ev.id.in_(assigned),
                ev.status == "active",
                ev.next_occurrence_at.between(now, now + window),
            )
            .order_by(ev.next_occurrence_at, ev.id)
            .limit(MAX_UPCOMING)
        )
        .mappings()
        .all()
    )
    return [view.model_dump(mode="json", by_alias=True) for view in event_views(conn, list(rows))]
