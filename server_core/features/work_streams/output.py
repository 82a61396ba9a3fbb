"""A work stream's output: appending a batch of events and reading them after a seq.

Each event gets the stream's next seq (1, 2, 3… without gaps: the stream's row is locked
while its counter moves on). Only the newest `work_stream_event_retention` events of a stream
are kept: an append drops those that fall out, so a reader that asks for `after` a dropped
seq gets the oldest kept one first (its seq says how many it missed)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.config import Settings
from server_core.features.work_streams.access import (
    access_stream,
    check_owner,
    check_running,
    reload,
    stream_view,
)
from server_core.features.work_streams.events import stream_event
from server_core.features.work_streams.schemas import (
    AppendEventsRequest,
    EventsQuery,
    WorkStreamEvent,
)
from server_core.features.work_streams.tables import work_stream_events, work_streams
from server_core.kernel.auth import Caller
from server_core.kernel.clock import as_utc, utcnow
from server_core.kernel.events import Event

wse = work_stream_events.c


def do_append_events(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    settings: Settings,
    stream_id: str,
    request: AppendEventsRequest,
) -> list[WorkStreamEvent]:
    """The owner appends output to its running stream; the events as stored."""
    stream = access_stream(conn, caller, stream_id, lock=True)
    check_owner(caller, stream)
    check_running(stream)
    now = utcnow()
    first = stream["last_seq"] + 1
    rows = [
        {
            "stream_id": stream["id"],
            "seq": first + index,
            "event_type": event.event_type,
            "content": event.content,
            "created_at": now,
        }
        for index, event in enumerate(request.events)
    ]
    conn.execute(sa.insert(work_stream_events), rows)
    last = first + len(rows) - 1
    conn.execute(
        sa.update(work_streams)
        .where(work_streams.c.id == stream["id"])
        .values(last_seq=last, updated_at=now)
    )
    keep_from = last - settings.work_stream_event_retention + 1
    if keep_from > 1:
        conn.execute(
            sa.delete(work_stream_events).where(wse.stream_id == stream["id"], wse.seq < keep_from)
        )
    appended = [_view(row) for row in rows]
    events.append(stream_event(stream_view(reload(conn, stream["id"])), "output", appended))
    return appended


def list_events(
    conn: Connection, *, caller: Caller, stream_id: str, query: EventsQuery
) -> list[WorkStreamEvent]:
    """Oldest first, from the first kept seq after `after`."""
    stream = access_stream(conn, caller, stream_id)
    rows = conn.execute(
        sa.select(work_stream_events)
        .where(wse.stream_id == stream["id"], wse.seq > query.after)
        .order_by(wse.seq)
        .limit(query.limit)
    ).mappings()
    return [_view(row) for row in rows]


def _view(row: Mapping[str, Any] | sa.RowMapping) -> WorkStreamEvent:
    return WorkStreamEvent(
        seq=row["seq"],
        event_type=row["event_type"],
        content=row["content"],
        created_at=as_utc(row["created_at"]),
    )
