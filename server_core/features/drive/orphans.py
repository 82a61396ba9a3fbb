"""Uploads never registered: after `drive_orphan_after_seconds` (a day by default) their bytes
and their upload row are removed. Every node may run the pass: a blob or row already removed
by another is skipped."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial

import anyio
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.features.drive.tables import drive_uploads
from server_core.kernel.blobs import blobs_for
from server_core.kernel.clock import utcnow
from server_core.kernel.platform import Platform

log = logging.getLogger(__name__)

BATCH = 500


async def remove_orphans(platform: Platform, now: datetime | None = None) -> int:
    """One pass; how many orphaned uploads it removed."""
    cutoff = (now or utcnow()) - timedelta(seconds=platform.settings.drive_orphan_after_seconds)
    query = (
        sa.select(drive_uploads.c.id, drive_uploads.c.s3_key)
        .where(drive_uploads.c.registered_at.is_(None), drive_uploads.c.created_at < cutoff)
        .order_by(drive_uploads.c.created_at)
        .limit(BATCH)
    )
    orphans = await platform.store.read(lambda conn: conn.execute(query).all())
    blobs = blobs_for(platform.settings)
    removed = 0
    for orphan in orphans:
        await blobs.delete(orphan.s3_key)
        removed += await platform.store.run_sync(partial(_forget, upload_id=orphan.id))
    return removed


def _forget(conn: Connection, *, upload_id: str) -> int:
    delete = sa.delete(drive_uploads).where(
        drive_uploads.c.id == upload_id, drive_uploads.c.registered_at.is_(None)
    )
    return conn.execute(delete).rowcount


async def remove_orphans_periodically(platform: Platform) -> None:
    while True:
        try:
            count = await remove_orphans(platform)
            if count:
                log.info("orphaned uploads removed", extra={"count": count})
        except Exception:
            log.exception("removing orphaned uploads failed; retrying next interval")
        await anyio.sleep(platform.settings.drive_orphan_sweep_seconds)
