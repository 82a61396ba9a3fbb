"""Wire models of voice transcription."""

from __future__ import annotations

from pydantic import Field

from server_core.kernel.wire import RequestModel, WireModel


class TranscribeRequest(RequestModel):
    file_id: str = Field(
        max_length=64,
        description="An audio or video file you may read: yours, tagged to or attached in one "
        "of your channels (a message's attachment id is its file id)",
    )


class Transcription(WireModel):
    text: str = Field(description="What was said (empty when nothing was recognised)")
    duration: float | None = Field(description="Length of the recording in seconds, if known")
    language: str | None = Field(description="Language code (e.g. en), if known")
