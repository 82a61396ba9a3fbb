"""The delivery worker: turns the events this node publishes into deliveries, and sends due
attempts off the request path.

- Intake reads the bus's tap (events published on this node, so with several nodes each event
  is logged once) and writes pending deliveries; first attempts that fit in the free slots are
  claimed as they are written and sent at once, the rest wait for the sender.
- The sender keeps at most `webhook_concurrency` attempts in flight; it claims due attempts
  when woken, when an attempt ends, and every poll interval (retries come due by time).
- Deliveries older than seven days are deleted once an hour.

The worker's own writes (logging deliveries, claiming attempts, recording outcomes) go through
`_write`: on SQLite the store's write combiner, shared with requests (one writer: a transaction
of its own would queue for it all the same, and committed alone); on PostgreSQL a combiner of
the worker's own, so that a pile of deliveries to a slow receiver, each claimed and recorded,
does not lengthen the batches that requests (message sends) commit in: they run beside them
on another connection.

Time comes from `now`, which tests replace to bring retries due without waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar

import httpx2
from sqlalchemy.engine import Connection

from server_core.features.webhooks import deliveries
from server_core.features.webhooks.deliveries import Attempt, Outcome
from server_core.features.webhooks.errors import WebhookUrlRefused
from server_core.features.webhooks.signing import signed_headers
from server_core.features.webhooks.targets import check_target
from server_core.kernel.clock import utcnow
from server_core.kernel.events import Event
from server_core.kernel.platform import Platform
from server_core.kernel.store.combined import WriteCombiner

log = logging.getLogger(__name__)

T = TypeVar("T")

GC_INTERVAL_SECONDS = 3600.0


class WebhookWorker:
    def __init__(
        self,
        platform: Platform,
        *,
        now: Callable[[], datetime] = utcnow,
        http: httpx2.AsyncClient | None = None,
    ) -> None:
        self.platform = platform
        self.settings = platform.settings
        self.now = now
        self._http = http or httpx2.AsyncClient(
            timeout=self.settings.webhook_timeout_seconds, follow_redirects=False
        )
        self._own_http = http is None
        self._wake = asyncio.Event()
        self._in_flight: set[asyncio.Task[None]] = set()
        store = platform.store
        self._own_writes = None if store.is_sqlite else WriteCombiner(store.run_sync, None)

    async def _write(self, work: Callable[[Connection], T]) -> T:
        """Run `work` in a write transaction (see the module's docstring for which)."""
        if self._own_writes is None:
            return await self.platform.store.combined(lambda conn, _: work(conn))
        return await self._own_writes.submit(lambda conn, _: work(conn))

    async def aclose(self) -> None:
        for task in list(self._in_flight):
            task.cancel()
        if self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)
        if self._own_writes is not None:
            await self._own_writes.close()
        if self._own_http:
            await self._http.aclose()

    # --- intake ---------------------------------------------------------------------------

    async def intake(self, events: Sequence[Event], *, send_now: bool = False) -> int:
        """Log a pending delivery of each event for each subscription it goes to. With
        `send_now`, first attempts that fit in the free slots are claimed as they are logged
        and sent at once."""
        if not events:
            return 0
        keyring = self.platform.keyring
        now = self.now()
        free = self.settings.webhook_concurrency - len(self._in_flight) if send_now else 0

        def plan(conn: Connection) -> tuple[list[dict[str, Any]], list[Attempt]]:
            rows = deliveries.plan(conn, keyring, events, now=now)
            claimed = deliveries.claim_planned(
                conn, keyring, rows, now=now, limit=free, hold=self._hold()
            )
            return rows, claimed

        async with self.platform.store.transaction(write=False) as tx:
            rows, claimed = await tx.run(plan)
        if not rows:
            return 0
        # Group-committed with the writes around it (see `_write`): one commit for many.
        count = await self._write(lambda conn: deliveries.insert(conn, rows))
        for attempt in claimed:
            self._spawn(attempt)
        if len(claimed) < count:
            self._wake.set()
        return count

    async def _intake_forever(self) -> None:
        tap = self.platform.bus.tap()
        try:
            while (event := await tap.get()) is not None:
                try:
                    # What queued meanwhile goes in the same transactions.
                    await self.intake([event, *tap.drain()], send_now=True)
                except Exception:
                    log.exception("logging webhook deliveries of an event failed")
        finally:
            tap.close()

    # --- sending ----------------------------------------------------------------------------

    def _hold(self) -> timedelta:
        return timedelta(seconds=self.settings.webhook_timeout_seconds) + deliveries.CLAIM_MARGIN

    async def _claim(self, limit: int) -> list[Attempt]:
        keyring = self.platform.keyring
        now = self.now()
        hold = self._hold()
        return await self._write(
            lambda conn: deliveries.claim_due(conn, keyring, now=now, limit=limit, hold=hold)
        )

    async def attempt(self, attempt: Attempt) -> Outcome:
        """Send one attempt; never raises for the receiver's faults."""
        try:
            await check_target(attempt.url, allow_private=self.settings.webhooks_allow_private)
        except WebhookUrlRefused as refused:
            return Outcome(None, refused.message)
        timestamp = int(self.now().timestamp())
        headers = signed_headers(
            attempt.secret,
            delivery_id=attempt.delivery_id,
            event_type=attempt.event_type,
            timestamp=timestamp,
            body=attempt.body,
        )
        headers["Content-Type"] = "application/json"
        try:
            response = await self._http.post(attempt.url, content=attempt.body, headers=headers)
        except httpx2.TimeoutException:
            return Outcome(None, "timed out")
        except httpx2.HTTPError as error:
            return Outcome(None, f"{type(error).__name__}: {error}"[:500])
        if 200 <= response.status_code < 300:
            return Outcome(response.status_code, None)
        return Outcome(response.status_code, f"HTTP {response.status_code}")

    async def _send(self, attempt: Attempt) -> None:
        outcome = await self.attempt(attempt)
        now = self.now()
        delays = self.settings.webhook_retry_delays_seconds
        recorded = await self._write(
            lambda conn: deliveries.record(conn, attempt, outcome, now=now, retry_delays=delays)
        )
        if recorded:
            kind = deliveries.outcome_kind(outcome, attempt.attempt_number, delays)
            self.platform.counters.webhook_outcomes[kind] += 1

    async def run_once(self) -> int:
        """Claim every due attempt (in batches of the concurrency limit), send them and wait
        for their outcomes; return how many were sent."""
        sent = 0
        while attempts := await self._claim(self.settings.webhook_concurrency):
            await asyncio.gather(*(self._send(a) for a in attempts))
            sent += len(attempts)
        return sent

    def _spawn(self, attempt: Attempt) -> None:
        task = asyncio.create_task(self._send(attempt))
        self._in_flight.add(task)

        def done(finished: asyncio.Task[None]) -> None:
            self._in_flight.discard(finished)
            if not finished.cancelled() and finished.exception() is not None:
                log.error("a webhook attempt failed", exc_info=finished.exception())
            self._wake.set()  # a slot is free

        task.add_done_callback(done)

    async def _send_forever(self) -> None:
        interval = self.settings.webhook_poll_interval_seconds
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), interval)
            self._wake.clear()
            free = self.settings.webhook_concurrency - len(self._in_flight)
            if free <= 0:  # woken by intake with every slot taken: a slot's end wakes it again
                continue
            try:
                for attempt in await self._claim(free):
                    self._spawn(attempt)
            except Exception:
                log.exception("claiming webhook attempts failed")

    # --- retention --------------------------------------------------------------------------

    async def forget_old(self) -> int:
        now = self.now()
        async with self.platform.store.transaction() as tx:
            count: int = await tx.run(lambda conn: deliveries.forget_old(conn, now=now))
        return count

    async def _forget_forever(self) -> None:
        while True:
            try:
                await self.forget_old()
            except Exception:
                log.exception("deleting old webhook deliveries failed")
            await asyncio.sleep(GC_INTERVAL_SECONDS)

    async def run(self) -> None:
        """Intake, sending and retention, until cancelled."""
        try:
            async with asyncio.TaskGroup() as group:
                group.create_task(self._intake_forever())
                group.create_task(self._send_forever())
                group.create_task(self._forget_forever())
        finally:
            await self.aclose()


async def run(platform: Platform) -> None:
    await WebhookWorker(platform).run()
