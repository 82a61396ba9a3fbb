"""Background loops: every feature's workers, each safe to run on several nodes at once, and
its long-running loops (consumers of the bus)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

import anyio

from server_core.features import features
from server_core.kernel.feature import Loop, Worker
from server_core.kernel.platform import Platform

log = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def run_workers(platform: Platform) -> AsyncIterator[None]:
    """Run every feature's background loops while the app serves."""
    async with anyio.create_task_group() as group:
        for feature in features():
            for worker in feature.workers:
                group.start_soon(periodically, worker, platform)
            for loop in feature.loops:
                group.start_soon(looping, loop, platform, name=loop.what)
        yield
        group.cancel_scope.cancel()


async def periodically(worker: Worker, platform: Platform) -> None:
    """Run a pass every interval, logging how many things it changed; a pass that fails is
    logged and tried again at the next interval."""
    interval = worker.interval(platform.settings)
    while True:
        try:
            count = await worker.run_once(platform.store)
            if count:
                log.info(worker.what, extra={"count": count})
        except Exception:
            log.exception("%s: the pass failed; retrying next interval", worker.what)
        await anyio.sleep(interval)


async def looping(loop: Loop, platform: Platform) -> None:
    """Run a loop; one that fails is logged and started again after a pause."""
    while True:
        try:
            await loop.run(platform)
            return
        except Exception:
            log.exception("%s: the loop failed; restarting", loop.what)
        await anyio.sleep(1.0)
