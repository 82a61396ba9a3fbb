"""Tagging files to channels: every member of a tagged channel may read the file.

Only the file's uploader (or an admin) tags and untags it, and only to a channel they are a
member of: a reader of a file cannot pass it on to another channel.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.features.drive.access import access_own_file
from server_core.features.drive.records import record, render_file
from server_core.features.drive.schemas import DriveFile, TagChannelRequest
from server_core.features.drive.tables import drive_file_channels, drive_files
from server_core.features.messaging.channels import access_member_channel
from server_core.kernel.auth import Caller
from server_core.kernel.clock import utcnow
from server_core.kernel.errors import NotFound
from server_core.kernel.events import Event
from server_core.kernel.ids import parse_id


def tag(conn: Connection, caller: Caller, file_id: str, channel_id: str, now: datetime) -> bool:
    """Tag the file to the channel (membership checked by the caller); False if it was."""
    where = sa.and_(
        drive_file_channels.c.file_id == file_id, drive_file_channels.c.channel_id == channel_id
    )
    if conn.scalar(sa.select(drive_file_channels.c.file_id).where(where)) is not None:
        return False
    conn.execute(
        sa.insert(drive_file_channels).values(
            file_id=file_id, channel_id=channel_id, tagged_by=caller.principal_id, created_at=now
        )
    )
    record(conn, file_id, caller.principal_id, "shared_to_channel", now, {"channelId": channel_id})
    return True


def _touched(conn: Connection, file_id: str, now: datetime) -> DriveFile:
    conn.execute(sa.update(drive_files).where(drive_files.c.id == file_id).values(updated_at=now))
    row = conn.execute(sa.select(drive_files).where(drive_files.c.id == file_id)).mappings()
    return render_file(conn, row.one())


def do_tag_channel(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    file_id: str,
    request: TagChannelRequest,
) -> DriveFile:
    row = access_own_file(conn, caller, file_id, "tag it to channels")
    channel = access_member_channel(conn, caller, request.channel_id).channel
    now = utcnow()
    if not tag(conn, caller, row["id"], channel["id"], now):
        return render_file(conn, row)
    return _touched(conn, row["id"], now)


def do_untag_channel(
    conn: Connection, events: list[Event], *, caller: Caller, file_id: str, channel_id: str
) -> DriveFile:
    row = access_own_file(conn, caller, file_id, "untag it")
    canonical = parse_id(channel_id)
    removed = conn.execute(
        sa.delete(drive_file_channels).where(
            drive_file_channels.c.file_id == row["id"],
            drive_file_channels.c.channel_id == canonical,
        )
    ).rowcount
    if canonical is None or not removed:
        raise NotFound(f"The file is not tagged to channel '{channel_id}'")
    now = utcnow()
    record(conn, row["id"], caller.principal_id, "untagged", now, {"channelId": canonical})
    return _touched(conn, row["id"], now)
