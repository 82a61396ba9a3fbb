"""Lease expiry: active vault leases past their `expiresAt` become `expired`.

Reads already treat an overdue lease as expired and a use can never pass its time (the use is
a conditional UPDATE on `expires_at > now`); this loop stores the status so lists filtered by
status stay cheap. Safe on several nodes: the UPDATE only touches leases still active.
"""

from __future__ import annotations

from datetime import datetime

from server_core.features.vault.leases import expire_due
from server_core.kernel.clock import utcnow
from server_core.kernel.store import Store

INTERVAL_SECONDS = 30.0


async def run_once(store: Store, now: datetime | None = None) -> int:
    moment = now or utcnow()
    count: int = await store.run_sync(lambda conn: expire_due(conn, moment))
    return count
