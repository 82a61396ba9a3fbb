"""Binary pages: a page whose content is a drive file, not markdown.

The page holds a reference (`binary_file_id`), not the bytes: they live once, in the drive,
and a page may only name a file its writer may read there (its uploader, an admin, or a member
of a channel the file is tagged or attached to). Readers of the library then get the file
through the page, with a download link signed as the drive signs its own.

A binary page's body is empty and its title comes from its path. Its sha hashes the file's
identity and size (the drive keeps no content hash, and a drive file's bytes never change once
registered), so pushing the same file again changes nothing and naming another file is a new
version. Writing text at its path (a PUT, a patch, a sync upsert) makes it a text page again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.config import Settings
from server_core.features.drive.access import access_file
from server_core.features.drive.links import Links
from server_core.features.drive.tables import drive_files
from server_core.features.library.errors import BinaryFileNotFound
from server_core.features.library.schemas import BinaryContent
from server_core.kernel.auth import Caller
from server_core.kernel.errors import NotFound
from server_core.kernel.keyring import Keyring

# `library_pages.size_bytes` is an INTEGER; the drive's sizes are BIGINTs.
MAX_STORED_SIZE = 2**31 - 1


@dataclass(frozen=True)
class BinaryFile:
    """The drive file a binary page names, as the page keeps it: its id, its size (as the
    page's `size_bytes` holds it) and the page's sha."""

    file_id: str
    size_bytes: int
    sha: str

    @staticmethod
    def of(file_id: str, size: int) -> BinaryFile:
        sha = hashlib.sha256(f"drive-file\n{file_id}\n{size}".encode()).hexdigest()
        return BinaryFile(file_id, min(size, MAX_STORED_SIZE), sha)


def access_binary_file(conn: Connection, caller: Caller, file_id: str) -> BinaryFile:
    """The drive file the caller may read, for a page to name (else 404 binary_file_not_found)."""
    try:
        row = access_file(conn, caller, file_id)
    except NotFound:
        raise BinaryFileNotFound(
            f"No file with id '{file_id}' in the drive that you may read: a binary page names "
            "a file its writer may read (its uploader, an admin, or a member of a channel it "
            "is tagged to)",
            details={"fileId": file_id},
        ) from None
    return BinaryFile.of(row["id"], int(row["size"]))


def drive_rows(
    conn: Connection, workspace_id: str, file_ids: Iterable[str]
) -> dict[str, RowMapping]:
    """The drive rows of these files of the workspace (deleted ones included), by id."""
    wanted = sorted(set(file_ids))
    if not wanted:
        return {}
    rows = conn.execute(
        sa.select(drive_files).where(
            drive_files.c.workspace_id == workspace_id, drive_files.c.id.in_(wanted)
        )
    ).mappings()
    return {row["id"]: row for row in rows}


def binary_content(
    file_id: str, row: RowMapping | None, *, keyring: Keyring, settings: Settings
) -> BinaryContent:
    """What a reader is told of a binary page's file: no download link once the drive has
    deleted it."""
    if row is None or row["is_deleted"]:
        return BinaryContent(file_id=file_id, content_type=None, size_bytes=None, download_url=None)
    link = Links.of(keyring, settings).download(row["s3_key"], row["content_type"], row["name"])
    return BinaryContent(
        file_id=file_id,
        content_type=row["content_type"],
        size_bytes=int(row["size"]),
        download_url=link.url,
    )
