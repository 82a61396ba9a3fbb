"""Transcripts of single files (`voice_file_transcripts`): kept sealed when a recording is
transcribed, shown by the drive (`drive.transcripts`), and answered again by
`POST /voice/transcribe` instead of asking the engine twice."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.features.voice.engines import Transcript
from server_core.features.voice.tables import voice_file_transcripts
from server_core.kernel.clock import utcnow
from server_core.kernel.keyring import Keyring


def bound_to(file_id: str) -> str:
    """What a file's transcript is sealed to (see `keyring`)."""
    return f"file-transcript:{file_id}"


def keep_transcript(
    conn: Connection, keyring: Keyring, workspace_id: str, file_id: str, transcript: Transcript
) -> None:
    """Store (or replace) a file's transcript."""
    key_id = keyring.current_key_id(conn, workspace_id)
    conn.execute(
        sa.delete(voice_file_transcripts).where(voice_file_transcripts.c.file_id == file_id)
    )
    conn.execute(
        sa.insert(voice_file_transcripts).values(
            file_id=file_id,
            workspace_id=workspace_id,
            ciphertext=keyring.seal(conn, key_id, transcript.text, bound_to(file_id)),
            key_id=key_id,
            duration=transcript.duration,
            language=transcript.language,
            created_at=utcnow(),
        )
    )


def kept_transcripts(
    conn: Connection, keyring: Keyring, file_ids: Sequence[str]
) -> dict[str, Transcript]:
    rows = conn.execute(
        sa.select(voice_file_transcripts).where(
            voice_file_transcripts.c.file_id.in_(list(file_ids))
        )
    ).mappings()
    return {
        row["file_id"]: Transcript(
            text=keyring.open(conn, row["key_id"], row["ciphertext"], bound_to(row["file_id"])),
            duration=row["duration"],
            language=row["language"],
        )
        for row in rows
    }


class FileTranscripts:
    """The drive's transcript provider."""

    def transcripts(
        self, conn: Connection, *, keyring: Keyring, file_ids: Sequence[str]
    ) -> dict[str, str]:
        kept = kept_transcripts(conn, keyring, file_ids)
        return {file_id: transcript.text for file_id, transcript in kept.items()}


PROVIDER = FileTranscripts()
