"""Background loops, each safe to run on several nodes at once."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import anyio

from server_core.kernel.platform import Platform
from server_core.workers.auto_archive import auto_archive_loop
from server_core.workers.lease_expiry import lease_expiry_loop


@contextlib.asynccontextmanager
async def run_workers(platform: Platform) -> AsyncIterator[None]:
    """Run every background loop while the app serves."""
    async with anyio.create_task_group() as group:
        group.start_soon(
            auto_archive_loop, platform.store, platform.settings.auto_archive_interval_seconds
        )
        group.start_soon(lease_expiry_loop, platform.store)
        yield
        group.cancel_scope.cancel()
