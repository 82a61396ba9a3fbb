"""Voice messages as messaging sees them (`messaging.attachment_watchers`).

A message sent with audio or video attached, while an engine is configured, gets a `pending`
row in the sending transaction; from then on it shows `metadata.transcribing: true` until the
worker lands its transcript (`transcript`, `transcriptDuration`, `transcriptLanguage`) or gives
up (`transcriptionFailed: true`). With no engine, messages carry none of these fields. The
transcript is stored sealed, as message text is, and goes with its message when that is
deleted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.config import Settings
from server_core.features.messaging.schemas import Message
from server_core.features.voice.tables import voice_transcripts
from server_core.kernel.clock import utcnow
from server_core.kernel.keyring import Keyring


def is_media(content_type: str | None) -> bool:
    """Audio or video, by MIME type (parameters such as `;codecs=opus` aside)."""
    kind = (content_type or "").split(";", 1)[0].strip().lower()
    return kind.startswith(("audio/", "video/"))


def bound_to(message_id: str) -> str:
    """What a transcript is sealed to (see `keyring`)."""
    return f"transcript:{message_id}"


class VoiceAttachments:
    def sent(
        self,
        conn: Connection,
        *,
        settings: Settings | None,
        workspace_id: str,
        message: Message,
    ) -> None:
        if settings is None or settings.voice_engine == "none":
            return
        media = [
            {
                "fileId": attachment["id"],
                "s3Key": attachment["s3Key"],
                "contentType": attachment["contentType"],
                "fileName": attachment.get("fileName") or attachment.get("name") or "audio",
                "size": attachment["size"],
            }
            for attachment in message.metadata.get("attachments", [])
            if is_media(attachment.get("contentType"))
        ]
        if not media:
            return
        now = utcnow()
        conn.execute(
            sa.insert(voice_transcripts).values(
                message_id=message.id,
                workspace_id=workspace_id,
                channel_id=message.channel_id,
                media=media,
                status="pending",
                attempts=0,
                created_at=now,
                updated_at=now,
            )
        )

    def shown(
        self, conn: Connection, *, keyring: Keyring, message_ids: Sequence[str]
    ) -> dict[str, dict[str, Any]]:
        rows = conn.execute(
            sa.select(
                voice_transcripts.c.message_id,
                voice_transcripts.c.status,
                voice_transcripts.c.ciphertext,
                voice_transcripts.c.key_id,
                voice_transcripts.c.duration,
                voice_transcripts.c.language,
            ).where(voice_transcripts.c.message_id.in_(list(message_ids)))
        ).mappings()
        shown: dict[str, dict[str, Any]] = {}
        for row in rows:
            if row["status"] == "pending":
                shown[row["message_id"]] = {"transcribing": True}
            elif row["status"] == "failed":
                shown[row["message_id"]] = {"transcribing": False, "transcriptionFailed": True}
            else:
                text = keyring.open(
                    conn, row["key_id"], row["ciphertext"], bound_to(row["message_id"])
                )
                shown[row["message_id"]] = {
                    "transcribing": False,
                    "transcript": text,
                    "transcriptDuration": row["duration"],
                    "transcriptLanguage": row["language"],
                }
        return shown

    def deleted(self, conn: Connection, *, message_id: str) -> None:
        conn.execute(
            sa.delete(voice_transcripts).where(voice_transcripts.c.message_id == message_id)
        )


WATCHER = VoiceAttachments()
