"""The schedule's notifier: wakes an event's owner and assignees when it comes round.

Every poll (`schedule_poll_interval_seconds`, and sooner when an event is due before the next
poll) it takes the active events whose `notify_at` (next occurrence minus
`notifyMinutesBefore`) has passed, a batch per transaction, and for each one:

1. reads the occurrence's exception: a cancelled one skips the wake messages, a modified one
   lends its title and description;
2. wakes the owner (see `agents/wake_messages.py`) — in `notifyChannelId` when it is a
   member, else in its control channel — and each assignee in theirs; the batch's wake
   messages are posted together at its end, one append per principal and channel;
3. records the occurrence (`completed`, or `skipped` when cancelled) and advances the event
   past now, so an event that was due many times while no server ran fires once, not once per
   missed interval.

Exactly once across processes: the batch is read `FOR UPDATE SKIP LOCKED` on PostgreSQL (a
second node skips the rows the first holds, and re-reads a row changed meanwhile against the
`notify_at` condition, so it no longer matches), and on SQLite's one writer the read and the
advance are one transaction.

Which events notify: those created directly (`POST /schedule`) always; cron jobs mirrored by
sync (`externalId` set) only when they name a `notifyChannelId` — the agent's own cron runs
them already, and a wake for every run of every mirrored job would drown its control channel.

Time comes from `now`, which tests replace.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.agents.wake_messages import WakeBatch
from server_core.features.schedule.calendar import announce_many
from server_core.features.schedule.events import ScheduleAction
from server_core.features.schedule.occurrences import Run, record_many
from server_core.features.schedule.tables import (
    schedule_event_assignees,
    schedule_events,
    schedule_exceptions,
)
from server_core.kernel.clock import as_utc, utcnow
from server_core.kernel.events import Event
from server_core.kernel.keyring import Keyring
from server_core.kernel.platform import Platform

log = logging.getLogger(__name__)

BATCH = 500  # events fired per transaction
ev = schedule_events.c


NOTIFYING = (ev.status == "active", ev.external_id.is_(None) | ev.notify_channel_id.is_not(None))


def _due(now: datetime, skip_locked: bool) -> sa.Select[Any]:
    query = (
        sa.select(schedule_events)
        .where(*NOTIFYING, ev.notify_at <= now)
        .order_by(ev.notify_at, ev.id)
        .limit(BATCH)
    )
    return query.with_for_update(skip_locked=True) if skip_locked else query


def fire_due(
    conn: Connection, events: list[Event], keyring: Keyring, now: datetime, skip_locked: bool
) -> int:
    """Fire up to `BATCH` due events in this transaction; how many were fired. Exceptions,
    assignees and the announcements are read for the whole batch at once."""
    rows = conn.execute(_due(now, skip_locked)).mappings().all()
    if not rows:
        return 0
    ids = [row["id"] for row in rows]
    exceptions = _exceptions(conn, rows)
    assignees = _assignees(conn, ids)
    wakes = WakeBatch()
    runs = []
    for row in rows:
        occurrence = as_utc(row["next_occurrence_at"])
        exception = exceptions.get((row["id"], occurrence))
        _fire(conn, events, wakes, row, occurrence, exception, assignees.get(row["id"], []))
        cancelled = _cancelled(exception)
        runs.append(
            Run(
                row,
                scheduled_at=occurrence,
                status="skipped" if cancelled else "completed",
                metadata={"notified": not cancelled},
            )
        )
    record_many(conn, runs, now=now)
    wakes.post(conn, events, keyring)
    announce_many(conn, events, ids, lambda view: _action(view.status))
    return len(rows)


def _fire(
    conn: Connection,
    events: list[Event],
    wakes: WakeBatch,
    event: RowMapping,
    occurrence: datetime,
    exception: RowMapping | None,
    assignees: list[str],
) -> None:
    """The wake messages of one occurrence (none when it is cancelled)."""
    if _cancelled(exception):
        return
    title = (exception and exception["title"]) or event["title"]
    description = (exception and exception["description"]) or event["description"]
    text = wake_text(event, title, description)
    metadata = {
        "reason": "schedule",
        "scheduleEventId": event["id"],
        "scheduleEventTitle": title,
        "occurrenceTime": occurrence.isoformat().replace("+00:00", "Z"),
    }
    owner = event["principal_id"]
    wakes.add(
        conn,
        events,
        principal_id=owner,
        text=text,
        metadata=metadata,
        channel_id=event["notify_channel_id"],
    )
    for assignee in assignees:
        if assignee != owner:
            wakes.add(conn, events, principal_id=assignee, text=text, metadata=metadata)


def _cancelled(exception: RowMapping | None) -> bool:
    return exception is not None and exception["kind"] == "cancelled"


def _action(status: str) -> ScheduleAction:
    return "completed" if status == "completed" else "occurrence"


def wake_text(event: RowMapping, title: str, description: str | None) -> str:
    """The spec's wake message: title, description, context from metadata, recurrence."""
    parts = [f"📅 Schedule: {title}"]
    if description:
        parts.append(description)
    context = {k: v for k, v in (event["metadata"] or {}).items() if k != "source"}
    if context:
        parts.append("Context: " + ", ".join(f"{k}: {v}" for k, v in context.items()))
    if event["cron_expression"]:
        parts.append(f"Recurring: `{event['cron_expression']}` ({event['timezone']})")
    return "\n\n".join(parts)


def _exceptions(
    conn: Connection, rows: Sequence[RowMapping]
) -> dict[tuple[str, datetime], RowMapping]:
    """The exceptions of the batch's occurrences, by (event id, original date)."""
    wanted = {(row["id"], as_utc(row["next_occurrence_at"])) for row in rows}
    found = conn.execute(
        sa.select(schedule_exceptions).where(
            schedule_exceptions.c.event_id.in_([event_id for event_id, _ in wanted])
        )
    ).mappings()
    return {
        key: row
        for row in found
        if (key := (row["event_id"], as_utc(row["original_date"]))) in wanted
    }


def _assignees(conn: Connection, event_ids: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    rows = conn.execute(
        sa.select(schedule_event_assignees.c.event_id, schedule_event_assignees.c.principal_id)
        .where(schedule_event_assignees.c.event_id.in_(event_ids))
        .order_by(schedule_event_assignees.c.principal_id)
    )
    for event_id, principal_id in rows:
        found.setdefault(event_id, []).append(principal_id)
    return found


class ScheduleNotifier:
    """Fires due events until cancelled; `run_once` fires what is due now."""

    def __init__(self, platform: Platform, *, now: Callable[[], datetime] = utcnow) -> None:
        self.platform = platform
        self.now = now

    async def run_once(self) -> int:
        """Fire every event due now, batch by batch; how many were fired."""
        store, keyring = self.platform.store, self.platform.keyring
        skip_locked = not store.is_sqlite
        fired = 0
        while True:
            now = self.now()
            async with store.transaction() as tx:
                fire = functools.partial(
                    fire_due, events=tx.events, keyring=keyring, now=now, skip_locked=skip_locked
                )
                batch = await tx.run(fire)
            fired += batch
            if batch < BATCH:
                return fired

    async def next_due_in(self) -> float:
        """Seconds until the next notification, capped by the poll interval."""
        interval = self.platform.settings.schedule_poll_interval_seconds
        async with self.platform.store.transaction(write=False) as tx:
            soonest = await tx.scalar(sa.select(sa.func.min(ev.notify_at)).where(*NOTIFYING))
        if soonest is None:
            return interval
        wait = (as_utc(soonest) - self.now()) / timedelta(seconds=1)
        return min(interval, max(wait, 0.0))

    async def run(self) -> None:
        while True:
            try:
                await self.run_once()
                pause = await self.next_due_in()
            except Exception:
                log.exception("the schedule notifier failed; retrying")
                pause = self.platform.settings.schedule_poll_interval_seconds
            await asyncio.sleep(pause)


async def run(platform: Platform) -> None:
    await ScheduleNotifier(platform).run()
