"""`client.voice`: speech to text (`/voice`). Its methods are the declared operations."""

from __future__ import annotations

from server_core.features.voice import operations
from sesame_mcp.client.area import Area


class Voice(Area, operations.Voice):
    """Transcribe an audio or video file the caller may read."""
