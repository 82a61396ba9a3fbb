"""Reading and changing registered files: list, get, download URL, update, soft delete, and
saving a channel's attachment into the caller's drive."""

from __future__ import annotations

import contextlib
from functools import partial
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.config import Settings
from server_core.features.drive.access import access_file, access_own_file, readable
from server_core.features.drive.folders import ROOT, access_folder, check_own_folder
from server_core.features.drive.links import Links
from server_core.features.drive.quota import check_room
from server_core.features.drive.records import (
    activity_of,
    channels_of,
    record,
    render_file,
    render_files,
    wire_file,
)
from server_core.features.drive.schemas import (
    DownloadUrl,
    DriveFile,
    DriveFileDetail,
    ListFilesQuery,
    SaveFromChannelRequest,
    UpdateFileRequest,
)
from server_core.features.drive.tables import drive_attachments, drive_file_channels, drive_files
from server_core.features.drive.transcripts import transcripts_of
from server_core.features.drive.uploads import blob_key
from server_core.features.messaging.channels import access_member_channel
from server_core.kernel.auth import Caller
from server_core.kernel.blobs import blobs_for
from server_core.kernel.clock import utcnow
from server_core.kernel.errors import NotFound
from server_core.kernel.events import Event
from server_core.kernel.ids import new_id, parse_id
from server_core.kernel.keyring import Keyring
from server_core.kernel.platform import Platform

_SORTS = {
    "name": drive_files.c.name,
    "size": drive_files.c.size,
    "contentType": drive_files.c.content_type,
    "createdAt": drive_files.c.created_at,
}


def list_files(
    conn: Connection, *, caller: Caller, keyring: Keyring, query: ListFilesQuery
) -> list[DriveFile]:
    select = sa.select(drive_files).where(
        drive_files.c.workspace_id == caller.workspace_id,
        drive_files.c.is_deleted.is_(False),
        readable(caller),
    )
    if query.channel_id is not None:
        channel = access_member_channel(conn, caller, query.channel_id).channel
        tagged = sa.select(drive_file_channels.c.file_id).where(
            drive_file_channels.c.channel_id == channel["id"]
        )
        select = select.where(drive_files.c.id.in_(tagged))
    if query.folder_id == ROOT:
        select = select.where(drive_files.c.folder_id.is_(None))
    elif query.folder_id is not None:
        folder = access_folder(conn, caller, query.folder_id)
        select = select.where(drive_files.c.folder_id == folder["id"])
    column = _SORTS[query.sort_by]
    order = (column.asc(), drive_files.c.id.asc())
    if query.sort_order == "desc":
        order = (column.desc(), drive_files.c.id.desc())
    rows = conn.execute(select.order_by(*order).limit(query.limit)).mappings().all()
    return render_files(conn, rows, keyring)


def get_file(
    conn: Connection, *, caller: Caller, keyring: Keyring, file_id: str
) -> DriveFileDetail:
    row = access_file(conn, caller, file_id)
    tagged = channels_of(conn, [row["id"]]).get(row["id"], [])
    said = transcripts_of(conn, keyring, [row["id"]]).get(row["id"])
    return DriveFileDetail.model_validate(
        {**wire_file(row, tagged, said), "activity": activity_of(conn, row["id"])}
    )


def get_download_url(
    conn: Connection, *, caller: Caller, keyring: Keyring, settings: Settings, file_id: str
) -> DownloadUrl:
    row = access_file(conn, caller, file_id)
    link = Links.of(keyring, settings).download(row["s3_key"], row["content_type"], row["name"])
    return DownloadUrl(download_url=link.url, expires_at=link.expires_at)


def do_update(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    file_id: str,
    request: UpdateFileRequest,
) -> DriveFile:
    row = access_own_file(conn, caller, file_id, "change it")
    given = request.model_fields_set
    now = utcnow()
    changes: dict[str, Any] = {}
    if request.name is not None and request.name != row["name"]:
        changes["name"] = request.name
        record(
            conn,
            row["id"],
            caller.principal_id,
            "renamed",
            now,
            {"from": row["name"], "to": request.name},
        )
    if "folder_id" in given:
        folder_id = check_own_folder(conn, caller, request.folder_id)
        if folder_id != row["folder_id"]:
            changes["folder_id"] = folder_id
            record(
                conn,
                row["id"],
                caller.principal_id,
                "moved",
                now,
                {"from": row["folder_id"], "to": folder_id},
            )
    updated: dict[str, Any] = {}
    if "description" in given and request.description != row["description"]:
        updated["description"] = request.description
    if request.tags is not None and request.tags != list(row["tags"] or []):
        updated["tags"] = list(dict.fromkeys(request.tags))
    if updated:
        record(conn, row["id"], caller.principal_id, "updated", now, {"fields": sorted(updated)})
    changes.update(updated)
    if changes:
        changes["updated_at"] = now
        conn.execute(sa.update(drive_files).where(drive_files.c.id == row["id"]).values(**changes))
    return render_file(conn, {**row, **changes})  # type: ignore[arg-type]


def do_delete(conn: Connection, events: list[Event], *, caller: Caller, file_id: str) -> DriveFile:
    """Soft: the row and the blob stay (its activity too); lists and links leave it out."""
    row = access_own_file(conn, caller, file_id, "delete it")
    now = utcnow()
    changes = {"is_deleted": True, "updated_at": now}
    conn.execute(sa.update(drive_files).where(drive_files.c.id == row["id"]).values(**changes))
    record(conn, row["id"], caller.principal_id, "deleted", now)
    return render_file(conn, {**row, **changes})  # type: ignore[arg-type]


def access_channel_attachment(
    conn: Connection, caller: Caller, request: SaveFromChannelRequest
) -> RowMapping:
    """A live file attached to a message in (or tagged to) a channel the caller is in."""
    channel = access_member_channel(conn, caller, request.channel_id).channel
    canonical = parse_id(request.attachment_id)
    in_channel = sa.or_(
        drive_files.c.id.in_(
            sa.select(drive_attachments.c.file_id).where(
                drive_attachments.c.channel_id == channel["id"]
            )
        ),
        drive_files.c.id.in_(
            sa.select(drive_file_channels.c.file_id).where(
                drive_file_channels.c.channel_id == channel["id"]
            )
        ),
    )
    row = (
        conn.execute(
            sa.select(drive_files).where(
                drive_files.c.id == canonical,
                drive_files.c.workspace_id == caller.workspace_id,
                drive_files.c.is_deleted.is_(False),
                in_channel,
            )
        )
        .mappings()
        .first()
    )
    if canonical is None or row is None:
        raise NotFound(f"No attachment '{request.attachment_id}' in this channel")
    check_own_folder(conn, caller, request.folder_id)
    return row


async def do_save_from_channel(
    platform: Platform, *, caller: Caller, request: SaveFromChannelRequest
) -> DriveFile:
    """Copy the attachment's bytes to a new file of the caller's (its own id and key)."""

    def fits(conn: Connection) -> RowMapping:
        found = access_channel_attachment(conn, caller, request)
        check_room(conn, platform.settings, caller.workspace_id, found["size"])
        return found

    source = await platform.store.read(fits)  # before copying bytes that would not fit
    file_id = new_id()
    key = blob_key(caller.workspace_id, file_id, source["name"])
    blobs = blobs_for(platform.settings)
    await blobs.copy(source["s3_key"], key)
    try:
        async with platform.store.transaction() as tx:
            return await tx.unit(
                partial(
                    _saved,
                    caller=caller,
                    settings=platform.settings,
                    request=request,
                    source=source,
                    file_id=file_id,
                    key=key,
                )
            )
    except BaseException:
        with contextlib.suppress(OSError):
            await blobs.delete(key)
        raise


def _saved(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    settings: Settings,
    request: SaveFromChannelRequest,
    source: RowMapping,
    file_id: str,
    key: str,
) -> DriveFile:
    access_channel_attachment(conn, caller, request)
    check_room(conn, settings, caller.workspace_id, source["size"])
    now = utcnow()
    values = {
        "id": file_id,
        "workspace_id": caller.workspace_id,
        "folder_id": check_own_folder(conn, caller, request.folder_id),
        "uploaded_by": caller.principal_id,
        "name": source["name"],
        "s3_key": key,
        "content_type": source["content_type"],
        "size": source["size"],
        "description": source["description"],
        "tags": list(source["tags"] or []),
        "is_deleted": False,
        "created_at": now,
        "updated_at": now,
    }
    conn.execute(sa.insert(drive_files).values(**values))
    details = {"channelId": parse_id(request.channel_id), "sourceFileId": source["id"]}
    record(conn, file_id, caller.principal_id, "saved_from_channel", now, details)
    return render_file(conn, values)  # type: ignore[arg-type]
