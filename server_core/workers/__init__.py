"""Background loops, each safe to run on several nodes at once."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from server_core.kernel.platform import Platform


@contextlib.asynccontextmanager
async def run_workers(platform: Platform) -> AsyncIterator[None]:
    """Run every background loop while the app serves."""
    yield
