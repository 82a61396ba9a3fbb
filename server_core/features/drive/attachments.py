"""The drive as messaging's attachment provider (`messaging.attachments`).

An attachment is a drive file referenced by its id: `attachmentIds` on a send names files,
and `metadata.attachments[]` shows them (`id` is the file's id, which save-from-channel takes
as `attachmentId`). Only a file's uploader may attach it (403 `not_your_file` otherwise, and
for an id that names no live file of the workspace, so ids cannot be probed). Once attached,
the channel's members may read the file. Each attachment's `downloadUrl` is signed when the
message is read, and is null for a file deleted since.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.config import Settings
from server_core.features.drive.errors import NotYourFile
from server_core.features.drive.links import Links
from server_core.features.drive.tables import drive_attachments, drive_files
from server_core.kernel.auth import Caller
from server_core.kernel.clock import utcnow
from server_core.kernel.ids import parse_id
from server_core.kernel.keyring import Keyring


class DriveAttachments:
    def check(
        self, conn: Connection, *, caller: Caller, channel_id: str, file_ids: Sequence[str]
    ) -> list[str]:
        wanted: list[str] = []
        for file_id in file_ids:
            canonical = parse_id(file_id)
            if canonical is None:
                raise NotYourFile(f"No file of yours with id '{file_id}'")
            if canonical not in wanted:
                wanted.append(canonical)
        owned = set(
            conn.execute(
                sa.select(drive_files.c.id).where(
                    drive_files.c.id.in_(wanted),
                    drive_files.c.workspace_id == caller.workspace_id,
                    drive_files.c.uploaded_by == caller.principal_id,
                    drive_files.c.is_deleted.is_(False),
                )
            ).scalars()
        )
        for file_id in wanted:
            if file_id not in owned:
                raise NotYourFile(
                    f"No file of yours with id '{file_id}': only its uploader may attach it"
                )
        return wanted

    def record(
        self,
        conn: Connection,
        *,
        channel_id: str,
        message_id: str,
        file_ids: Sequence[str],
        now: datetime | None = None,
    ) -> None:
        at = now or utcnow()
        conn.execute(
            sa.insert(drive_attachments),
            [
                {"file_id": f, "message_id": message_id, "channel_id": channel_id, "created_at": at}
                for f in file_ids
            ],
        )

    def describe(
        self,
        conn: Connection,
        *,
        keyring: Keyring,
        settings: Settings | None,
        file_ids: Sequence[str],
    ) -> dict[str, dict[str, Any]]:
        rows = conn.execute(
            sa.select(drive_files).where(drive_files.c.id.in_(list(set(file_ids))))
        ).mappings()
        links = Links.of(keyring, settings) if settings is not None else None
        described: dict[str, dict[str, Any]] = {}
        for row in rows:
            url = None
            if links is not None and not row["is_deleted"]:
                url = links.download(row["s3_key"], row["content_type"], row["name"]).url
            described[row["id"]] = {
                "id": row["id"],
                "fileName": row["name"],
                "name": row["name"],
                "contentType": row["content_type"],
                "size": row["size"],
                "s3Key": row["s3_key"],
                "downloadUrl": url,
            }
        return described


PROVIDER = DriveAttachments()
