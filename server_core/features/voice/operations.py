"""`/voice`: transcribe a recording on request (messages' audio is transcribed by itself)."""

from __future__ import annotations

from server_core.features.voice.errors import (
    AudioTooLarge,
    AudioUnreadable,
    NotAudio,
    TranscriptionFailed,
    TranscriptionUnavailable,
)
from server_core.features.voice.schemas import TranscribeRequest, Transcription
from server_core.kernel.errors import NotFound
from server_core.kernel.operations import Operation, Operations


class Voice(Operations):
    """Speech to text: audio and video attachments get `metadata.transcript` in the
    background; any readable audio file can be transcribed on request."""

    area = "voice"

    transcribe = Operation(
        "POST",
        "/voice/transcribe",
        body=TranscribeRequest,
        response=Transcription,
        errors=[
            NotFound,
            NotAudio,
            AudioUnreadable,
            AudioTooLarge,
            TranscriptionFailed,
            TranscriptionUnavailable,
        ],
        idempotent=True,
        summary="Transcribe an audio or video file you may read (answers when done)",
    )
