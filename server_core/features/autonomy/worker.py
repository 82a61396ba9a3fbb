"""The timer worker: fires due task timers, each exactly once across processes.

Every poll (`timer_poll_interval_seconds`, and sooner when a timer is due before the next poll)
it takes the pending timers whose `fireAt` has passed, a batch per transaction, and for each
one claims it (`UPDATE … WHERE status = 'pending'`: a timer cancelled or fired meanwhile is
left alone) and posts the wake message (see `agents/wake_messages.py`) in the same
transaction. On PostgreSQL the batch is read `FOR UPDATE SKIP LOCKED`, so a second node skips
the rows the first holds; on SQLite's one writer the read and the claim are one transaction.
A timer that came due while no server ran fires at the next start.

Who is woken: the one who set the timer when it is (still) an assignee of the task; else the
task's assignees; else its creator. Time comes from `now`, which tests replace.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.agents.wake_messages import deliver_wake
from server_core.features.autonomy.tables import task_timers
from server_core.features.autonomy.timers import assignee_ids
from server_core.features.tasks.access import key_of
from server_core.features.tasks.tables import tasks
from server_core.kernel.clock import as_utc, to_wire, utcnow
from server_core.kernel.events import Event
from server_core.kernel.keyring import Keyring
from server_core.kernel.platform import Platform

log = logging.getLogger(__name__)

BATCH = 200  # timers fired per transaction
tt = task_timers.c


def _due(now: datetime, skip_locked: bool) -> sa.Select[Any]:
    query = (
        sa.select(task_timers)
        .where(tt.status == "pending", tt.fire_at <= now)
        .order_by(tt.fire_at, tt.id)
        .limit(BATCH)
    )
    return query.with_for_update(skip_locked=True) if skip_locked else query


def fire_due(
    conn: Connection, events: list[Event], keyring: Keyring, now: datetime, skip_locked: bool
) -> int:
    """Fire up to `BATCH` due timers in this transaction; how many were fired."""
    fired = 0
    for timer in conn.execute(_due(now, skip_locked)).mappings().all():
        claimed = conn.execute(
            sa.update(task_timers)
            .where(tt.id == timer["id"], tt.status == "pending")
            .values(status="fired", fired_at=now)
        )
        if claimed.rowcount == 1:
            woken = _fire(conn, events, keyring, timer)
            conn.execute(sa.update(task_timers).where(tt.id == timer["id"]).values(woken_ids=woken))
            fired += 1
    return fired


def wake_targets(conn: Connection, timer: RowMapping, task: RowMapping) -> list[str]:
    assigned = assignee_ids(conn, task["id"])
    if timer["principal_id"] in assigned:
        return [timer["principal_id"]]
    if assigned:
        return assigned
    return [task["created_by"]] if task["created_by"] else []


def _fire(conn: Connection, events: list[Event], keyring: Keyring, timer: RowMapping) -> list[str]:
    task = conn.execute(sa.select(tasks).where(tasks.c.id == timer["task_id"])).mappings().one()
    key = key_of(task["number"])
    text = f"⏰ Timer on {key} “{task['title']}” ({task['status']}): {timer['message']}"
    metadata = {
        "reason": "timer",
        "taskId": task["id"],
        "taskKey": key,
        "taskTitle": task["title"],
        "timerId": timer["id"],
        "fireAt": to_wire(as_utc(timer["fire_at"])),
        "setBy": timer["principal_id"],
    }
    woken = []
    for principal_id in wake_targets(conn, timer, task):
        posted = deliver_wake(
            conn, events, keyring, principal_id=principal_id, text=text, metadata=metadata
        )
        if posted is not None:
            woken.append(principal_id)
    return woken


class TimerWorker:
    """Fires due timers until cancelled; `run_once` fires what is due now."""

    def __init__(self, platform: Platform, *, now: Callable[[], datetime] = utcnow) -> None:
        self.platform = platform
        self.now = now

    async def run_once(self) -> int:
        """Fire every timer due now, batch by batch; how many were fired."""
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
        """Seconds until the next timer, capped by the poll interval."""
        interval = self.platform.settings.timer_poll_interval_seconds
        async with self.platform.store.transaction(write=False) as tx:
            soonest = await tx.scalar(
                sa.select(sa.func.min(tt.fire_at)).where(tt.status == "pending")
            )
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
                log.exception("the timer worker failed; retrying")
                pause = self.platform.settings.timer_poll_interval_seconds
            await asyncio.sleep(pause)


async def run(platform: Platform) -> None:
    await TimerWorker(platform).run()
