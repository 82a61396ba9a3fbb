"""Uploading a file: an upload URL fixes its id and key, the bytes go to the signed link, and
registering puts the file in the caller's drive once the bytes are all there.

Register accepts only an upload issued to the caller, with the same name, type and size it
was issued for and its bytes present in full; registering again answers the file as it is.
"""

from __future__ import annotations

from functools import partial

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.config import Settings
from server_core.features.drive.errors import (
    FileTooLarge,
    NotYourUpload,
    UploadIncomplete,
    UploadMismatch,
    UploadNotFound,
)
from server_core.features.drive.folders import check_own_folder
from server_core.features.drive.links import Links
from server_core.features.drive.quota import check_room
from server_core.features.drive.records import auto_tags, record, render_file, wire_file
from server_core.features.drive.schemas import (
    DriveFile,
    FileChannel,
    RegisterFileRequest,
    UploadUrl,
    UploadUrlRequest,
)
from server_core.features.drive.tables import drive_files, drive_uploads
from server_core.features.drive.tagging import tag
from server_core.features.messaging.channels import access_member_channel
from server_core.kernel.auth import Caller
from server_core.kernel.blobs import BlobKeyInvalid, blobs_for
from server_core.kernel.clock import utcnow
from server_core.kernel.events import Event
from server_core.kernel.ids import new_id, parse_id
from server_core.kernel.keyring import Keyring
from server_core.kernel.operations import Created
from server_core.kernel.platform import Platform


def blob_key(workspace_id: str, file_id: str, file_name: str) -> str:
    return f"drive/{workspace_id}/{file_id}/{file_name}"


def do_upload_url(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    keyring: Keyring,
    settings: Settings,
    request: UploadUrlRequest,
) -> UploadUrl:
    if request.size > settings.drive_max_file_bytes:
        raise FileTooLarge(f"Files may be at most {settings.drive_max_file_bytes} bytes")
    check_room(conn, settings, caller.workspace_id, request.size)
    file_id = new_id()
    key = blob_key(caller.workspace_id, file_id, request.file_name)
    conn.execute(
        sa.insert(drive_uploads).values(
            id=file_id,
            workspace_id=caller.workspace_id,
            principal_id=caller.principal_id,
            s3_key=key,
            file_name=request.file_name,
            content_type=request.content_type,
            size=request.size,
            created_at=utcnow(),
        )
    )
    link = Links.of(keyring, settings).upload(key, request.size, request.content_type)
    return UploadUrl(upload_url=link.url, file_id=file_id, s3_key=key, expires_at=link.expires_at)


def access_upload(conn: Connection, caller: Caller, request: RegisterFileRequest) -> RowMapping:
    """The upload the request names, issued to the caller for exactly this file."""
    canonical = parse_id(request.file_id)
    row = (
        conn.execute(
            sa.select(drive_uploads).where(
                drive_uploads.c.id == canonical,
                drive_uploads.c.workspace_id == caller.workspace_id,
            )
        )
        .mappings()
        .first()
    )
    if canonical is None or row is None:
        raise UploadNotFound(f"No upload with file id '{request.file_id}'")
    if row["principal_id"] != caller.principal_id:
        raise NotYourUpload()
    issued = (row["s3_key"], row["file_name"], row["content_type"], row["size"])
    given = (request.s3_key, request.file_name, request.content_type, request.size)
    for field, want, got in zip(
        ("s3Key", "fileName", "contentType", "size"), issued, given, strict=True
    ):
        if want != got:
            raise UploadMismatch(f"{field} differs from the upload URL's: {want!r}")
    return row


async def do_register(
    platform: Platform, *, caller: Caller, request: RegisterFileRequest
) -> Created[DriveFile]:
    # The bytes are looked at before the transaction (a blob store may be a network away), by
    # the key the request names: the transaction then checks that it is the caller's upload's.
    try:
        found = await blobs_for(platform.settings).stat(request.s3_key)
    except BlobKeyInvalid:
        found = None  # not the upload's key: refused as a mismatch in the transaction
    stored = found is not None and found.size == request.size
    async with platform.store.transaction() as tx:
        return await tx.unit(partial(_register, caller=caller, request=request, stored=stored))


def _register(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    request: RegisterFileRequest,
    stored: bool,
) -> Created[DriveFile]:
    upload = access_upload(conn, caller, request)
    file_id = upload["id"]
    if upload["registered_at"] is not None:
        row = conn.execute(sa.select(drive_files).where(drive_files.c.id == file_id)).mappings()
        return Created(render_file(conn, row.one()), created=False)
    if not stored:
        raise UploadIncomplete()
    folder_id = check_own_folder(conn, caller, request.folder_id)
    channel = None
    if request.channel_id is not None:
        channel = access_member_channel(conn, caller, request.channel_id).channel
    now = utcnow()
    conn.execute(
        sa.update(drive_uploads).where(drive_uploads.c.id == file_id).values(registered_at=now)
    )
    values = {
        "id": file_id,
        "workspace_id": caller.workspace_id,
        "folder_id": folder_id,
        "uploaded_by": caller.principal_id,
        "name": upload["file_name"],
        "s3_key": upload["s3_key"],
        "content_type": upload["content_type"],
        "size": upload["size"],
        "description": None,
        "tags": auto_tags(upload["file_name"], upload["content_type"]),
        "is_deleted": False,
        "created_at": now,
        "updated_at": now,
    }
    conn.execute(sa.insert(drive_files).values(**values))
    record(conn, file_id, caller.principal_id, "uploaded", now)
    tagged: list[FileChannel] = []
    if channel is not None:
        tag(conn, caller, file_id, channel["id"], now)
        tagged.append(FileChannel(id=channel["id"], name=channel["name"]))
    # Answered from what was written: reading the new row and its one channel back is not
    # needed.
    return Created(DriveFile.model_validate(wire_file(values, tagged)), created=True)
