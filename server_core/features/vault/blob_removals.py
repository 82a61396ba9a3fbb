"""Removing the sealed blobs of deleted attachments from the blob store.

    delete (one attachment, an item, a vault)          ── one transaction ──
      ├── the attachment rows go (with the item or vault: by cascade)
      └── their blob keys are queued in `vault_blob_removals`
    after it commits: each blob removed, then its queued row      (`remove_now`)
    every `drive_orphan_sweep_seconds`: whatever is still queued   (`sweep`)

A blob is never removed before the rows that name it are gone for good (the queue is written
by the deleting transaction, so a rolled-back delete queues nothing), and a blob store that
fails does not fail the request: its row stays queued for the sweep. Every node may sweep;
removing a blob or a row already removed by another is a no-op.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from functools import partial
from typing import TypeVar

import anyio
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.features.vault.tables import vault_attachments, vault_blob_removals
from server_core.kernel.blobs import blobs_for
from server_core.kernel.errors import ApiError
from server_core.kernel.ids import new_id
from server_core.kernel.platform import Platform
from server_core.kernel.store.combined import Unit

log = logging.getLogger(__name__)

T = TypeVar("T")
BATCH = 500


def queue_removals(
    conn: Connection, where: sa.ColumnElement[bool], now: datetime
) -> list[tuple[str, str]]:
    """Queue the blobs of the attachments `where` selects (before their rows are deleted);
    the queued `(removal id, blob key)` pairs, for `remove_now` once the deletion commits."""
    keys = conn.execute(sa.select(vault_attachments.c.blob_key).where(where)).scalars().all()
    queued = [(new_id(), key) for key in keys]
    if queued:
        conn.execute(
            sa.insert(vault_blob_removals),
            [{"id": rid, "blob_key": key, "created_at": now} for rid, key in queued],
        )
    return queued


async def remove_now(platform: Platform, queued: Iterable[tuple[str, str]]) -> int:
    """Remove the queued blobs, and their rows; a failure is logged and left to the sweep.
    How many were removed."""
    blobs = blobs_for(platform.settings)
    removed = 0
    for removal_id, key in queued:
        try:
            await blobs.delete(key)
            await platform.store.run_sync(partial(_forget, removal_id=removal_id))
        except Exception:
            log.warning("a vault blob is left for the sweep", exc_info=True)
            continue
        removed += 1
    return removed


def _forget(conn: Connection, *, removal_id: str) -> None:
    conn.execute(sa.delete(vault_blob_removals).where(vault_blob_removals.c.id == removal_id))


async def sweep(platform: Platform) -> int:
    """One pass over the queue; how many blobs it removed."""
    query = (
        sa.select(vault_blob_removals.c.id, vault_blob_removals.c.blob_key)
        .order_by(vault_blob_removals.c.created_at)
        .limit(BATCH)
    )
    queued = await platform.store.read(lambda conn: conn.execute(query).all())
    return await remove_now(platform, [(row.id, row.blob_key) for row in queued])


async def sweep_periodically(platform: Platform) -> None:
    while True:
        try:
            count = await sweep(platform)
            if count:
                log.info("blobs of deleted vault attachments removed", extra={"count": count})
        except Exception:
            log.exception("removing blobs of deleted vault attachments failed; retrying later")
        await anyio.sleep(platform.settings.drive_orphan_sweep_seconds)


async def committed(platform: Platform, unit: Unit[T]) -> T:
    """Run a unit of work in a write transaction as the API adapter does (an error that keeps
    its writes, a recorded denial, commits them before it is raised), for a service that has
    more to do once it commits."""
    kept: ApiError | None = None
    async with platform.store.transaction() as tx:
        try:
            return await tx.unit(unit)
        except ApiError as error:
            if not error.keeps_writes:
                raise
            kept = error
    raise kept
