"""Write combining ("group commit") for hot write paths such as message sends.

Sent one transaction each, concurrent small writes queue on SQLite's single writer, and every
statement costs an event-loop round trip while the writer waits. Instead, callers submit a
synchronous unit of work; one task runs all units waiting at that moment in one transaction on
the writer, in one thread hop, each unit in its own savepoint so a refused unit (an `ApiError`)
rolls back alone. After the commit the units' events are published and each caller gets its
result or its error.

A unit is a plain function `(connection, events) -> result` that appends the events it wants
published to `events`. Units are ordered by `order_key` (stable) within a batch, so row locks
taken by units (PostgreSQL) are always acquired in the same order on every node.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy.engine import Connection

from server_core.kernel.events import Event

T = TypeVar("T")
Unit = Callable[[Connection, list[Event]], T]
RunSync = Callable[[Callable[[Connection], Any]], Awaitable[Any]]
Publish = Callable[[Sequence[Event]], Awaitable[None]]

log = logging.getLogger(__name__)

MAX_BATCH = 256


@dataclass
class _Pending(Generic[T]):
    unit: Unit[T]
    order_key: str
    future: asyncio.Future[T]
    # Filled in by the batch: (succeeded, result or exception, events)
    outcome: tuple[bool, Any, list[Event]] = field(default=(False, None, []))


def _run_units(batch: list[_Pending[Any]], conn: Connection) -> None:
    for pending in batch:
        events: list[Event] = []
        try:
            with conn.begin_nested():
                result = pending.unit(conn, events)
        except Exception as exc:  # the savepoint rolled back; the unit's caller gets the error
            pending.outcome = (False, exc, [])
        else:
            pending.outcome = (True, result, events)


class WriteCombiner:
    """Runs submitted units of work in shared transactions, one batch at a time."""

    def __init__(self, run_sync: RunSync, publish: Publish | None) -> None:
        self._run_sync = run_sync
        self._publish = publish
        self._queue: list[_Pending[Any]] = []
        self._runner: asyncio.Task[None] | None = None

    async def submit(self, unit: Unit[T], order_key: str = "") -> T:
        """Run `unit` in the next batch; return its result once its batch has committed and
        its events are published. A cancelled caller does not cancel the unit."""
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.append(_Pending(unit, order_key, future))
        if self._runner is None or self._runner.done():
            self._runner = asyncio.create_task(self._drain(), name="write-combiner")
        return await future

    async def _drain(self) -> None:
        while self._queue:
            batch = sorted(self._queue[:MAX_BATCH], key=lambda pending: pending.order_key)
            del self._queue[:MAX_BATCH]
            try:
                await asyncio.shield(self._run_sync(functools.partial(_run_units, batch)))
            except BaseException as exc:  # the commit failed: nothing in the batch happened
                for pending in batch:
                    if not pending.future.done():
                        pending.future.set_exception(
                            exc if isinstance(exc, Exception) else RuntimeError("shut down")
                        )
                if not isinstance(exc, Exception):
                    raise
                continue
            events = [
                event for pending in batch if pending.outcome[0] for event in pending.outcome[2]
            ]
            if events and self._publish is not None:
                try:
                    await self._publish(events)
                except Exception:
                    # Committed either way: callers get their results; subscribers catch up
                    # through replay.
                    log.exception("publishing events of a committed batch failed")
            for pending in batch:
                if pending.future.done():
                    continue
                succeeded, value, _ = pending.outcome
                if succeeded:
                    pending.future.set_result(value)
                else:
                    pending.future.set_exception(value)

    async def close(self) -> None:
        """Let queued work finish."""
        if self._runner is not None:
            with contextlib.suppress(Exception):
                await self._runner
