"""Transcribing one recording: read its bytes from the blob store within the limits and hand
them to the configured engine. `POST /voice/transcribe` answers with the result; the worker
(`worker.py`) uses the same steps for messages' attachments."""

from __future__ import annotations

from sqlalchemy.engine import Connection, RowMapping

from server_core.config import Settings
from server_core.features.drive.access import access_file
from server_core.features.voice import engines
from server_core.features.voice.errors import (
    AudioTooLarge,
    AudioUnreadable,
    NotAudio,
    TranscriptionFailed,
    TranscriptionUnavailable,
)
from server_core.features.voice.files import keep_transcript, kept_transcripts
from server_core.features.voice.schemas import TranscribeRequest, Transcription
from server_core.features.voice.watcher import is_media
from server_core.kernel.auth import Caller
from server_core.kernel.blobs import blobs_for
from server_core.kernel.platform import Platform


async def read_recording(settings: Settings, s3_key: str, size: int) -> bytes:
    """The recording's bytes; raises `AudioTooLarge` past `voice_max_bytes`."""
    if size > settings.voice_max_bytes:
        raise AudioTooLarge(
            f"Recordings up to {settings.voice_max_bytes} bytes are transcribed; this one has "
            f"{size}"
        )
    received = bytearray()
    async for chunk in blobs_for(settings).open_range(s3_key):
        received += chunk
        if len(received) > settings.voice_max_bytes:
            raise AudioTooLarge()
    return bytes(received)


async def transcribe_recording(
    settings: Settings,
    transcriber: engines.Transcriber,
    *,
    s3_key: str,
    size: int,
    file_name: str,
    content_type: str,
) -> engines.Transcript:
    """One stored recording's transcript; the engine's refusals as API errors."""
    try:
        audio = await read_recording(settings, s3_key, size)
    except FileNotFoundError as missing:
        raise AudioUnreadable("The recording's bytes are missing from the store") from missing
    try:
        return await transcriber.transcribe(audio, file_name=file_name, content_type=content_type)
    except engines.AudioUnreadable as refused:
        raise AudioUnreadable(str(refused)) from refused
    except engines.EngineFailed as failed:
        raise TranscriptionFailed(str(failed)) from failed


async def do_transcribe(
    platform: Platform, *, caller: Caller, request: TranscribeRequest
) -> Transcription:
    """Transcribe a file the caller may read, and answer once the engine has; a file
    transcribed before is answered from its kept transcript."""
    keyring = platform.keyring

    def read(conn: Connection) -> tuple[RowMapping, engines.Transcript | None]:
        row = access_file(conn, caller, request.file_id)
        return row, kept_transcripts(conn, keyring, [row["id"]]).get(row["id"])

    row, kept = await platform.store.read(read)
    if not is_media(row["content_type"]):
        raise NotAudio(f"'{row['name']}' is {row['content_type']}, not audio or video")
    if kept is not None:
        return Transcription(text=kept.text, duration=kept.duration, language=kept.language)
    settings = platform.settings
    if row["size"] > settings.voice_max_bytes:
        raise AudioTooLarge(
            f"Recordings up to {settings.voice_max_bytes} bytes are transcribed; this one has "
            f"{row['size']}"
        )
    transcriber = engines.transcriber_for(settings)
    if transcriber is None:
        raise TranscriptionUnavailable()
    transcript = await transcribe_recording(
        settings,
        transcriber,
        s3_key=row["s3_key"],
        size=row["size"],
        file_name=row["name"],
        content_type=row["content_type"],
    )
    await platform.store.run_sync(
        lambda conn: keep_transcript(conn, keyring, row["workspace_id"], row["id"], transcript)
    )
    return Transcription(
        text=transcript.text, duration=transcript.duration, language=transcript.language
    )
