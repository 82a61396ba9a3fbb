"""The voice MCP tests run the server on a port chosen before it starts (its signed upload
links name it), with an OpenAI-compatible transcription service on loopback as its engine."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.server_core.features.voice.speech_service import SpeechService, speech_service
from tests.sesame_mcp.toolsets.drive.conftest import live as live
from tests.sesame_mcp.toolsets.drive.conftest import port as port


@pytest.fixture
def speech() -> Iterator[SpeechService]:
    with speech_service() as service:
        yield service


@pytest.fixture
def settings_overrides(port: int, speech: SpeechService) -> dict[str, Any]:
    return {
        "port": port,
        "voice_engine": "openai",
        "voice_api_url": speech.base_url,
        "voice_sweep_seconds": 0.2,
    }
