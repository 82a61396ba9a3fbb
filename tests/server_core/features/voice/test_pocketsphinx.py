"""The offline engine: CMU PocketSphinx with the English model its wheel ships. Recordings are
made here: a tone (nothing to recognise: PocketSphinx hears no words in it) and, where
`espeak-ng` is installed, speech."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from server_core.features.voice.engines import (
    SPHINX_RATE,
    AudioUnreadable,
    Pocketsphinx,
    read_wav,
)
from tests.helpers import data, error
from tests.server_core.features.messaging.team import Team
from tests.server_core.features.voice.conftest import spoken_wav, tone_wav, upload_audio

pytestmark = pytest.mark.anyio

pytest.importorskip("pocketsphinx")


@pytest.fixture
def settings_overrides(settings_overrides: dict[str, Any]) -> dict[str, Any]:
    return {**settings_overrides, "voice_engine": "pocketsphinx"}


def test_wav_is_read_as_mono_16_khz_whatever_its_rate_and_channels() -> None:
    samples, rate, duration = read_wav(tone_wav(0.5, rate=44100, channels=2))
    assert (rate, duration) == (44100, 0.5)
    assert len(samples) == SPHINX_RATE // 2

    samples, rate, duration = read_wav(tone_wav(0.25))
    assert (len(samples), rate, duration) == (4000, 16000, 0.25)

    samples, rate, duration = read_wav(tone_wav(0.25, rate=48000))
    assert (len(samples), rate, duration) == (4000, 48000, 0.25)


@pytest.mark.parametrize("audio", [b"", b"OggS\x00\x02not a wav", b"RIFF\x24\x00\x00\x00WAVEjunk"])
def test_anything_but_pcm_wav_is_unreadable(audio: bytes) -> None:
    with pytest.raises(AudioUnreadable, match="16-bit PCM WAV"):
        read_wav(audio)


async def test_a_tone_has_no_words_and_its_length() -> None:
    engine = Pocketsphinx(max_seconds=60)
    transcript = await engine.transcribe(tone_wav(2.0), file_name="a.wav", content_type="audio/wav")
    assert (transcript.text, transcript.duration, transcript.language) == ("", 2.0, "en")
    # Again on the same decoder, at another rate.
    again = await engine.transcribe(
        tone_wav(1.0, rate=8000), file_name="b.wav", content_type="audio/wav"
    )
    assert (again.text, again.duration) == ("", 1.0)


async def test_a_recording_past_the_length_limit_is_not_read() -> None:
    engine = Pocketsphinx(max_seconds=1)
    with pytest.raises(AudioUnreadable, match="longer than 1 s"):
        await engine.transcribe(tone_wav(1.5), file_name="a.wav", content_type="audio/wav")


async def test_speech_is_heard_as_words() -> None:
    """The shipped model hears espeak-ng's synthetic voice poorly ("hello world" comes out as
    other words), so this checks that speech, unlike a tone, is heard as dictionary words
    over the recording's whole length, not which words."""
    spoken = spoken_wav("hello world")
    if spoken is None:
        pytest.skip("espeak-ng is not installed: no speech to recognise")
    engine = Pocketsphinx(max_seconds=60)
    transcript = await engine.transcribe(spoken, file_name="a.wav", content_type="audio/wav")
    words = transcript.text.split()
    assert words, transcript
    assert all(word.replace("'", "").isalpha() for word in words), transcript
    assert transcript.duration is not None
    assert 0.8 < transcript.duration < 3, transcript
    assert transcript.language == "en"


async def test_the_api_answers_what_pocketsphinx_hears(
    client: httpx2.AsyncClient, team: Team
) -> None:
    file = await upload_audio(client, team.bot, tone_wav(1.0))
    body = {"fileId": file["id"]}
    answer = data(await client.post("/voice/transcribe", json=body, headers=team.bot.headers))
    assert answer == {"text": "", "duration": 1.0, "language": "en"}

    webm = await upload_audio(client, team.bot, b"\x1aE\xdf\xa3webm", "note.webm", "audio/webm")
    body = {"fileId": webm["id"]}
    response = await client.post("/voice/transcribe", json=body, headers=team.bot.headers)
    assert "16-bit PCM WAV" in error(response, 400, "audio_unreadable")["error"]
