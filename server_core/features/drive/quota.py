"""The workspace's drive quota (`SESAME_DRIVE_WORKSPACE_QUOTA_BYTES`; none by default).

What counts: the sizes of the workspace's live files and of the uploads issued and not yet
registered (their bytes may be on their way; an upload never registered stops counting when
the orphan sweep removes it). Deleted files do not count. It is checked when an upload URL is
issued and when a file is saved from a channel; on PostgreSQL two uploads issued at the same
instant may both fit the room that only one of them had.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.config import Settings
from server_core.features.drive.errors import QuotaExceeded
from server_core.features.drive.tables import drive_files, drive_uploads


def used_bytes(conn: Connection, workspace_id: str) -> int:
    files = sa.select(sa.func.coalesce(sa.func.sum(drive_files.c.size), 0)).where(
        drive_files.c.workspace_id == workspace_id, drive_files.c.is_deleted.is_(False)
    )
    pending = sa.select(sa.func.coalesce(sa.func.sum(drive_uploads.c.size), 0)).where(
        drive_uploads.c.workspace_id == workspace_id, drive_uploads.c.registered_at.is_(None)
    )
    return int(conn.scalar(files) or 0) + int(conn.scalar(pending) or 0)


def check_room(conn: Connection, settings: Settings, workspace_id: str, size: int) -> None:
    """Refuse `size` more bytes when they would take the workspace past its quota."""
    quota = settings.drive_workspace_quota_bytes
    if quota is None:
        return
    used = used_bytes(conn, workspace_id)
    if used + size > quota:
        raise QuotaExceeded(
            f"The workspace's drive holds {used} of its {quota} bytes, so a file of {size} "
            "bytes does not fit: delete files, or ask an admin to raise "
            "SESAME_DRIVE_WORKSPACE_QUOTA_BYTES"
        )
