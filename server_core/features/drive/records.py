"""File rows as the wire shows them, and the file activity trail."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.drive.schemas import DriveFile, FileActivity, FileChannel
from server_core.features.drive.tables import drive_file_activity, drive_file_channels
from server_core.features.drive.transcripts import transcripts_of
from server_core.features.messaging.tables import channels
from server_core.kernel.ids import new_id
from server_core.kernel.keyring import Keyring

ACTIVITY_SHOWN = 50


def auto_tags(file_name: str, content_type: str) -> list[str]:
    """The extension and the MIME type's kind: `report.PDF`, `application/pdf` → pdf,
    application."""
    tags: list[str] = []
    stem, dot, extension = file_name.rpartition(".")
    if dot and stem and extension and len(extension) <= 16:
        tags.append(extension.lower())
    kind = content_type.split("/", 1)[0].strip().lower()
    if kind and kind not in tags:
        tags.append(kind)
    return tags


def record(
    conn: Connection,
    file_id: str,
    actor_id: str,
    action: str,
    now: datetime,
    details: dict[str, Any] | None = None,
) -> None:
    conn.execute(
        sa.insert(drive_file_activity).values(
            id=new_id(),
            file_id=file_id,
            actor_id=actor_id,
            action=action,
            details=details,
            created_at=now,
        )
    )


def activity_of(conn: Connection, file_id: str) -> list[FileActivity]:
    rows = conn.execute(
        sa.select(drive_file_activity)
        .where(drive_file_activity.c.file_id == file_id)
        .order_by(drive_file_activity.c.created_at.desc(), drive_file_activity.c.id.desc())
        .limit(ACTIVITY_SHOWN)
    ).mappings()
    return [FileActivity.model_validate(dict(row)) for row in rows]


def channels_of(conn: Connection, file_ids: Sequence[str]) -> dict[str, list[FileChannel]]:
    if not file_ids:
        return {}
    rows = conn.execute(
        sa.select(drive_file_channels.c.file_id, channels.c.id, channels.c.name)
        .join(channels, channels.c.id == drive_file_channels.c.channel_id)
        .where(drive_file_channels.c.file_id.in_(list(file_ids)))
        .order_by(drive_file_channels.c.created_at, channels.c.id)
    )
    found: dict[str, list[FileChannel]] = {}
    for row in rows:
        found.setdefault(row.file_id, []).append(FileChannel(id=row.id, name=row.name))
    return found


def wire_file(
    row: Mapping[Any, Any], tagged: list[FileChannel], transcript: str | None = None
) -> dict[str, Any]:
    return {
        **{key: row[key] for key in DriveFile.model_fields if key in row},
        "tags": list(row["tags"] or []),
        "is_deleted": bool(row["is_deleted"]),
        "channels": tagged,
        "transcript": transcript,
    }


def render_files(
    conn: Connection, rows: Sequence[RowMapping], keyring: Keyring | None = None
) -> list[DriveFile]:
    """Files as the wire shows them; with `keyring`, their transcripts too (`transcripts`)."""
    ids = [row["id"] for row in rows]
    tagged = channels_of(conn, ids)
    said = transcripts_of(conn, keyring, ids) if keyring is not None else {}
    return [
        DriveFile.model_validate(wire_file(row, tagged.get(row["id"], []), said.get(row["id"])))
        for row in rows
    ]


def render_file(conn: Connection, row: RowMapping) -> DriveFile:
    return render_files(conn, [row])[0]
