"""The loop that delivers reply webhooks (see `reply_hooks` for their life).

A pass resolves waiting hooks, then claims and sends every due one, at most
`webhook_concurrency` at a time. Passes run every `webhook_poll_interval_seconds` and at once
when a message arrives in a channel with waiting hooks (the bus carries every node's
messages). A hook written on this node is noticed at the next pass, so a reply within that
interval waits for it.

Time comes from `now`, which tests replace to bring retries and timeouts due without waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta

import httpx2

from server_core.features.messaging.events import MessageCreated
from server_core.features.sessions import reply_hooks
from server_core.features.sessions.reply_hooks import ReplyAttempt
from server_core.features.webhooks.deliveries import CLAIM_MARGIN, Outcome, outcome_kind
from server_core.features.webhooks.errors import WebhookUrlRefused
from server_core.features.webhooks.signing import sesame_signature
from server_core.features.webhooks.targets import check_target
from server_core.kernel.bus import Subscription
from server_core.kernel.clock import utcnow
from server_core.kernel.platform import Platform

log = logging.getLogger(__name__)

GC_INTERVAL_SECONDS = 3600.0


class ReplyHookWorker:
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
        self.watched: set[str] = set()  # channels with waiting hooks, as of the last pass

    async def aclose(self) -> None:
        if self._own_http:
            await self._http.aclose()

    async def resolve(self) -> int:
        """Mark the hooks whose reply came or whose wait ran out due; return how many."""
        now = self.now()
        async with self.platform.store.transaction(write=False) as tx:
            waiting = await tx.run(lambda conn: reply_hooks.find_resolved(conn, now=now))
        self.watched = waiting.channels
        if not waiting.resolved:
            return 0
        async with self.platform.store.transaction() as tx:
            changed: int = await tx.run(
                lambda conn: reply_hooks.mark_due(conn, waiting.resolved, now=now)
            )
        return changed

    async def _claim(self, limit: int) -> list[ReplyAttempt]:
        keyring, settings, now = self.platform.keyring, self.settings, self.now()
        hold = timedelta(seconds=settings.webhook_timeout_seconds) + CLAIM_MARGIN
        async with self.platform.store.transaction() as tx:
            attempts: list[ReplyAttempt] = await tx.run(
                lambda conn: reply_hooks.claim_due(
                    conn, keyring, settings, now=now, limit=limit, hold=hold
                )
            )
        return attempts

    async def attempt(self, attempt: ReplyAttempt) -> Outcome:
        """Send one attempt; never raises for the receiver's faults."""
        try:
            await check_target(attempt.url, allow_private=self.settings.webhooks_allow_private)
        except WebhookUrlRefused as refused:
            return Outcome(None, refused.message)
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "X-Sesame-Event": "session.reply",
            "X-Sesame-Delivery": attempt.hook_id,
            "X-Sesame-Timestamp": str(timestamp),
        }
        if attempt.secret:
            headers["X-Sesame-Signature"] = sesame_signature(
                attempt.secret, timestamp, attempt.body
            )
        try:
            response = await self._http.post(attempt.url, content=attempt.body, headers=headers)
        except httpx2.TimeoutException:
            return Outcome(None, "timed out")
        except httpx2.HTTPError as error:
            return Outcome(None, f"{type(error).__name__}: {error}"[:500])
        if 200 <= response.status_code < 300:
            return Outcome(response.status_code, None)
        return Outcome(response.status_code, f"HTTP {response.status_code}")

    async def _send(self, attempt: ReplyAttempt) -> None:
        outcome = await self.attempt(attempt)
        now, delays = self.now(), self.settings.webhook_retry_delays_seconds
        async with self.platform.store.transaction() as tx:
            recorded = await tx.run(
                lambda conn: reply_hooks.record(
                    conn, attempt, outcome, now=now, retry_delays=delays
                )
            )
        if recorded:
            kind = outcome_kind(outcome, attempt.attempt_number, delays)
            self.platform.counters.session_reply_outcomes[kind] += 1

    async def run_once(self) -> int:
        """Resolve, then claim every due hook (in batches of the concurrency limit), send them
        and wait for their outcomes; return how many were sent."""
        await self.resolve()
        sent = 0
        while attempts := await self._claim(self.settings.webhook_concurrency):
            await asyncio.gather(*(self._send(a) for a in attempts))
            sent += len(attempts)
        return sent

    async def forget_old(self) -> int:
        now = self.now()
        async with self.platform.store.transaction() as tx:
            count: int = await tx.run(lambda conn: reply_hooks.forget_old(conn, now=now))
        return count

    # --- the loop -------------------------------------------------------------------------

    async def _listen(self, subscription: Subscription) -> None:
        while (event := await subscription.get()) is not None:
            if isinstance(event, MessageCreated) and event.message.channel_id in self.watched:
                self._wake.set()

    async def _pass_forever(self) -> None:
        interval = self.settings.webhook_poll_interval_seconds
        last_gc = 0.0
        while True:
            try:
                await self.run_once()
                if time.monotonic() - last_gc > GC_INTERVAL_SECONDS:
                    await self.forget_old()
                    last_gc = time.monotonic()
            except Exception:
                log.exception("delivering session replies failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), interval)
            self._wake.clear()

    async def run(self) -> None:
        subscription = self.platform.bus.subscribe()
        try:
            async with asyncio.TaskGroup() as group:
                group.create_task(self._listen(subscription))
                group.create_task(self._pass_forever())
        finally:
            subscription.close()
            await self.aclose()


async def run(platform: Platform) -> None:
    await ReplyHookWorker(platform).run()
