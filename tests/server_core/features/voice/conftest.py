"""Voice tests share messaging's `team` and the drive's uploads, and make their recordings:
speech when `espeak-ng` is on the machine, else a tone (16-bit PCM WAV, by the `wave` module).
The OpenAI-compatible engine talks to a real HTTP service on loopback (`speech_service`)."""

from __future__ import annotations

import io
import math
import shutil
import struct
import subprocess
import wave
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

from tests.server_core.features.drive.conftest import upload
from tests.server_core.features.messaging.conftest import team as team
from tests.server_core.features.messaging.team import Member
from tests.server_core.features.voice.speech_service import SpeechService, speech_service


@pytest.fixture
def speech() -> Iterator[SpeechService]:
    with speech_service() as service:
        yield service


@pytest.fixture
def settings_overrides(speech: SpeechService) -> dict[str, Any]:
    return {
        "open_registration": True,
        "voice_engine": "openai",
        "voice_api_url": speech.base_url,
        "voice_api_key": "sk-test",
        "voice_sweep_seconds": 0.2,
    }


def tone_wav(seconds: float = 1.0, rate: int = 16000, channels: int = 1) -> bytes:
    """A 440 Hz tone as 16-bit PCM WAV."""
    frames = bytearray()
    for i in range(int(seconds * rate)):
        sample = struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate)))
        frames += sample * channels
    out = io.BytesIO()
    with wave.open(out, "wb") as recording:
        recording.setnchannels(channels)
        recording.setsampwidth(2)
        recording.setframerate(rate)
        recording.writeframes(bytes(frames))
    return out.getvalue()


def spoken_wav(text: str) -> bytes | None:
    """`text` spoken by espeak-ng as WAV, or None when it is not installed."""
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        return None
    return subprocess.run(
        [espeak, "--stdout", "-s", "140", text], check=True, capture_output=True, timeout=30
    ).stdout


async def upload_audio(
    client: httpx2.AsyncClient,
    who: Member,
    content: bytes | None = None,
    name: str = "note.wav",
    content_type: str = "audio/wav",
    **register: Any,
) -> dict[str, Any]:
    return await upload(
        client, who, tone_wav() if content is None else content, name, content_type, **register
    )
