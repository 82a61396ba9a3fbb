"""Lease expiry: active vault leases past their `expiresAt` become `expired`.

Reads already treat an overdue lease as expired and a use can never pass its time (the use is
a conditional UPDATE on `expires_at > now`); this loop stores the status so lists filtered by
status stay cheap. Safe on several nodes: the UPDATE only touches leases still active.
"""

from __future__ import annotations

import logging
from datetime import datetime

import anyio

from server_core.features.vault.leases import expire_due
from server_core.kernel.clock import utcnow
from server_core.kernel.store import Store

log = logging.getLogger(__name__)

INTERVAL_SECONDS = 30.0


async def run_once(store: Store, now: datetime | None = None) -> int:
    moment = now or utcnow()
    count: int = await store.run_sync(lambda conn: expire_due(conn, moment))
    return count


async def lease_expiry_loop(store: Store, interval_seconds: float = INTERVAL_SECONDS) -> None:
    while True:
        try:
            count = await run_once(store)
            if count:
                log.info("expired vault leases", extra={"count": count})
        except Exception:
            log.exception("lease expiry pass failed; retrying next interval")
        await anyio.sleep(interval_seconds)
