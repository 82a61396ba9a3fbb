"""Who may see a file, and the file rows a caller may touch.

A file is readable by its uploader, by the workspace's admins, and by the members of every
channel it is tagged to or attached to a message in. A file the caller may not read answers
404, as one that does not exist. Changing a file (rename, move, tags, delete, untag) is for
its uploader and admins.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.drive.tables import drive_attachments, drive_file_channels, drive_files
from server_core.features.messaging.tables import channel_members
from server_core.kernel.auth import Caller
from server_core.kernel.errors import Forbidden, NotFound
from server_core.kernel.ids import parse_id


def channels_of_member(principal_id: str) -> sa.Select[tuple[str]]:
    return sa.select(channel_members.c.channel_id).where(
        channel_members.c.principal_id == principal_id
    )


def readable(caller: Caller) -> sa.ColumnElement[bool]:
    """The condition on `drive_files` rows the caller may read."""
    if caller.is_admin:
        return sa.true()
    mine = channels_of_member(caller.principal_id)
    tagged = sa.select(drive_file_channels.c.file_id).where(
        drive_file_channels.c.channel_id.in_(mine)
    )
    attached = sa.select(drive_attachments.c.file_id).where(
        drive_attachments.c.channel_id.in_(mine)
    )
    return sa.or_(
        drive_files.c.uploaded_by == caller.principal_id,
        drive_files.c.id.in_(tagged),
        drive_files.c.id.in_(attached),
    )


def access_file(
    conn: Connection, caller: Caller, file_id: str, *, lock: bool = False
) -> RowMapping:
    """A file of the caller's workspace, not deleted, that the caller may read (else 404)."""
    canonical = parse_id(file_id)
    query = sa.select(drive_files).where(
        drive_files.c.id == canonical,
        drive_files.c.workspace_id == caller.workspace_id,
        drive_files.c.is_deleted.is_(False),
        readable(caller),
    )
    row = conn.execute(query.with_for_update() if lock else query).mappings().first()
    if canonical is None or row is None:
        raise NotFound(f"No file with id '{file_id}' in your drive")
    return row


def access_own_file(conn: Connection, caller: Caller, file_id: str, action: str) -> RowMapping:
    """A file the caller may change: theirs, or any readable one for an admin."""
    row = access_file(conn, caller, file_id, lock=True)
    if row["uploaded_by"] != caller.principal_id and not caller.is_admin:
        raise Forbidden(f"Only the file's uploader or an admin may {action}")
    return row


def is_member(conn: Connection, principal_id: str, channel_id: str) -> bool:
    found = conn.scalar(
        sa.select(channel_members.c.channel_id).where(
            channel_members.c.principal_id == principal_id,
            channel_members.c.channel_id == channel_id,
        )
    )
    return found is not None
