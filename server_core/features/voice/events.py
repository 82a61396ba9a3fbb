"""The event of voice messages, named as the WebSocket protocol reference names it."""

from __future__ import annotations

from typing import ClassVar

from server_core.kernel.events import Event


class VoiceTranscribed(Event):
    """A message's audio or video was transcribed; delivered to the channel's members (the
    message also gets `message.edited`, and shows the text in `metadata.transcript`)."""

    wire_name: ClassVar[str] = "voice.transcribed"
    channel_id: str
    message_id: str
    text: str
    duration: float | None
    language: str | None
