"""Background loops, each safe to run on several nodes at once."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

import anyio

from server_core.kernel.platform import Platform
from server_core.kernel.store import Store
from server_core.workers import auto_archive, lease_expiry

log = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def run_workers(platform: Platform) -> AsyncIterator[None]:
    """Run every background loop while the app serves."""
    store = platform.store
    async with anyio.create_task_group() as group:
        group.start_soon(
            periodically,
            "auto-archived channels",
            auto_archive.run_once,
            store,
            platform.settings.auto_archive_interval_seconds,
        )
        group.start_soon(
            periodically,
            "expired vault leases",
            lease_expiry.run_once,
            store,
            lease_expiry.INTERVAL_SECONDS,
        )
        yield
        group.cancel_scope.cancel()


async def periodically(
    what: str, run_once: Callable[[Store], Awaitable[int]], store: Store, interval: float
) -> None:
    """Run a pass every `interval` seconds, logging how many things it changed; a pass that
    fails is logged and tried again at the next interval."""
    while True:
        try:
            count = await run_once(store)
            if count:
                log.info(what, extra={"count": count})
        except Exception:
            log.exception("%s: the pass failed; retrying next interval", what)
        await anyio.sleep(interval)
