"""Transcribers: the engines that turn recorded speech into text, behind one interface.

    Transcriber.transcribe(audio, file_name=, content_type=) -> Transcript(text, duration, language)
    ├── Pocketsphinx   offline, English; reads PCM WAV (the `voice` extra ships its model)
    └── OpenAICompatible   POST {voice_api_url}/audio/transcriptions (Whisper and its kin)

`transcriber_for(settings)` picks the configured one, or None when transcription is off. An
engine raises `AudioUnreadable` for audio it will never read (trying again cannot help) and
`EngineFailed` when it could not answer now (unreachable, overloaded: worth another try).
"""

from __future__ import annotations

import array
import io
import sys
import threading
import wave
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol

import anyio
import httpx2

from server_core.config import Settings

if TYPE_CHECKING:
    from pocketsphinx import Decoder

SPHINX_RATE = 16000  # the shipped English model's sample rate
PERMANENT = (400, 413, 415, 422)  # the endpoint refuses this audio whatever the moment
# Whisper's verbose answer names the language in English words; the platform shows codes.
LANGUAGE_CODES = {
    "english": "en",
    "german": "de",
    "french": "fr",
    "spanish": "es",
    "italian": "it",
    "portuguese": "pt",
    "dutch": "nl",
    "polish": "pl",
    "russian": "ru",
    "ukrainian": "uk",
    "turkish": "tr",
    "arabic": "ar",
    "hindi": "hi",
    "japanese": "ja",
    "korean": "ko",
    "chinese": "zh",
    "swedish": "sv",
    "danish": "da",
    "norwegian": "no",
    "finnish": "fi",
}


@dataclass(frozen=True)
class Transcript:
    text: str
    duration: float | None
    language: str | None


class AudioUnreadable(Exception):
    """The engine cannot read this recording (format, length, content)."""


class EngineFailed(Exception):
    """The engine did not answer now; the same recording may succeed later."""


class Transcriber(Protocol):
    name: str

    async def transcribe(self, audio: bytes, *, file_name: str, content_type: str) -> Transcript:
        """The recording's text; raises `AudioUnreadable` or `EngineFailed`."""
        ...


def transcriber_for(settings: Settings) -> Transcriber | None:
    """The configured engine (one per setting values), or None: transcription is off."""
    if settings.voice_engine == "pocketsphinx":
        return _pocketsphinx(settings.voice_max_seconds)
    if settings.voice_engine == "openai":
        key = settings.voice_api_key.get_secret_value() if settings.voice_api_key else None
        return _openai(
            settings.voice_api_url, key, settings.voice_model, settings.voice_timeout_seconds
        )
    return None


@cache
def _pocketsphinx(max_seconds: float) -> Pocketsphinx:
    return Pocketsphinx(max_seconds)


@cache
def _openai(url: str, key: str | None, model: str, timeout: float) -> OpenAICompatible:
    return OpenAICompatible(url, key, model, timeout)


# --- offline ------------------------------------------------------------------------------


def read_wav(audio: bytes) -> tuple[array.array[int], int, float]:
    """16-bit PCM WAV → (mono samples at SPHINX_RATE, source rate, duration in seconds)."""
    try:
        with wave.open(io.BytesIO(audio)) as recording:
            width, channels = recording.getsampwidth(), recording.getnchannels()
            rate, frames = recording.getframerate(), recording.getnframes()
            raw = recording.readframes(frames)
    except (wave.Error, EOFError) as error:
        raise AudioUnreadable("The offline engine reads 16-bit PCM WAV only") from error
    if width != 2 or rate <= 0:
        raise AudioUnreadable("The offline engine reads 16-bit PCM WAV only")
    samples = array.array("h")
    samples.frombytes(raw[: len(raw) - len(raw) % 2])
    if sys.byteorder == "big":
        samples.byteswap()  # WAV is little-endian; the decoder takes native order
    if channels > 1:
        samples = samples[::channels]  # the first channel: speech is on every one
    duration = len(samples) / rate
    if rate % SPHINX_RATE == 0:
        samples = samples[:: rate // SPHINX_RATE]  # 32 and 48 kHz: a slice, no loop
    else:
        step = rate / SPHINX_RATE
        count = int(len(samples) / step)
        samples = array.array("h", (samples[int(i * step)] for i in range(count)))
    return samples, rate, duration


class Pocketsphinx:
    """CMU PocketSphinx with the US English model its wheel ships; one decoder, used by one
    thread at a time."""

    name = "pocketsphinx"

    def __init__(self, max_seconds: float) -> None:
        self.max_seconds = max_seconds
        self._lock = threading.Lock()
        self._decoder: Decoder | None = None

    async def transcribe(self, audio: bytes, *, file_name: str, content_type: str) -> Transcript:
        return await anyio.to_thread.run_sync(self._transcribe, audio)

    def _transcribe(self, audio: bytes) -> Transcript:
        samples, _, duration = read_wav(audio)
        if duration > self.max_seconds:
            raise AudioUnreadable(f"Recordings longer than {self.max_seconds:g} s are not read")
        with self._lock:
            decoder = self._open()
            decoder.start_utt()
            decoder.process_raw(samples.tobytes(), full_utt=True)
            decoder.end_utt()
            hypothesis = decoder.hyp()
        text = hypothesis.hypstr if hypothesis is not None else ""
        return Transcript(text=text.strip(), duration=round(duration, 3), language="en")

    def _open(self) -> Decoder:
        if self._decoder is None:
            try:
                from pocketsphinx import Decoder
            except ImportError as error:
                raise EngineFailed(
                    "pocketsphinx is not installed: install sesame-mcp[voice]"
                ) from error
            self._decoder = Decoder(samprate=SPHINX_RATE, loglevel="FATAL")
        return self._decoder


# --- OpenAI-compatible endpoint -----------------------------------------------------------


class OpenAICompatible:
    """`POST {base}/audio/transcriptions` (multipart: file, model, response_format) as
    OpenAI, Groq, LocalAI, faster-whisper servers and others answer it."""

    name = "openai"

    def __init__(self, base_url: str, key: str | None, model: str, timeout: float) -> None:
        self.url = base_url.rstrip("/") + "/audio/transcriptions"
        self.headers = {"Authorization": f"Bearer {key}"} if key else {}
        self.model = model
        self.timeout = timeout

    async def transcribe(self, audio: bytes, *, file_name: str, content_type: str) -> Transcript:
        try:
            async with httpx2.AsyncClient(timeout=self.timeout) as http:
                response = await http.post(
                    self.url,
                    headers=self.headers,
                    data={"model": self.model, "response_format": "verbose_json"},
                    files={"file": (file_name, audio, content_type)},
                )
        except httpx2.HTTPError as error:
            raise EngineFailed(f"The transcription endpoint is unreachable: {error}") from error
        if response.status_code in PERMANENT:
            raise AudioUnreadable(
                f"The transcription endpoint refused the recording ({response.status_code})"
            )
        if response.status_code != 200:
            raise EngineFailed(f"The transcription endpoint answered {response.status_code}")
        try:
            answer = response.json()
            text = answer["text"]
        except (ValueError, KeyError, TypeError) as error:
            raise EngineFailed("The transcription endpoint's answer has no text") from error
        return Transcript(
            text=str(text).strip(),
            duration=_number(answer.get("duration")),
            language=_language(answer.get("language")),
        )


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
        return round(float(value), 3)
    return None


def _language(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    name = value.strip().lower()
    return LANGUAGE_CODES.get(name, name)
