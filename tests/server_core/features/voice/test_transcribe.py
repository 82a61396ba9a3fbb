"""`POST /voice/transcribe`: a file the caller may read, sent to the configured engine (here
an OpenAI-compatible service on loopback), answered when the engine has; who may call, the
limits, and what each refusal answers."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from tests.helpers import data, error
from tests.server_core.features.drive.conftest import upload
from tests.server_core.features.messaging.team import Team
from tests.server_core.features.voice.conftest import tone_wav, upload_audio
from tests.server_core.features.voice.speech_service import SpeechService

pytestmark = pytest.mark.anyio


async def transcribe(
    client: httpx2.AsyncClient, headers: dict[str, str], file_id: str
) -> httpx2.Response:
    return await client.post("/voice/transcribe", json={"fileId": file_id}, headers=headers)


async def test_a_recording_is_sent_to_the_endpoint_and_its_text_answered(
    client: httpx2.AsyncClient, team: Team, speech: SpeechService
) -> None:
    recording = tone_wav(0.5)
    file = await upload_audio(client, team.bot, recording, name="standup.wav")

    answer = data(await transcribe(client, team.bot.headers, file["id"]))

    assert answer == {
        "text": "Hello from the recording.",
        "duration": round(len(recording) / 32000, 3),
        "language": "en",  # the service said "english"
    }
    [sent] = speech.uploads
    assert sent.path == "/v1/audio/transcriptions"
    assert sent.authorization == "Bearer sk-test"
    assert sent.fields == {"model": "whisper-1", "response_format": "verbose_json"}
    assert (sent.file_name, sent.content_type, sent.audio) == (
        "standup.wav",
        "audio/wav",
        recording,
    )


async def test_a_file_is_transcribed_once_and_its_transcript_shown_by_the_drive(
    client: httpx2.AsyncClient, team: Team, speech: SpeechService
) -> None:
    file = await upload_audio(client, team.bot)
    listed = data(await client.get("/drive/files", headers=team.bot.headers))
    assert [f["transcript"] for f in listed] == [None]

    first = data(await transcribe(client, team.bot.headers, file["id"]))
    speech.status = 503  # not asked again
    assert data(await transcribe(client, team.admin.headers, file["id"])) == first
    assert len(speech.uploads) == 1

    listed = data(await client.get("/drive/files", headers=team.bot.headers))
    assert [f["transcript"] for f in listed] == ["Hello from the recording."]
    detail = data(await client.get(f"/drive/files/{file['id']}", headers=team.bot.headers))
    assert detail["transcript"] == "Hello from the recording."


async def test_whoever_may_read_the_file_may_transcribe_it(
    client: httpx2.AsyncClient, team: Team
) -> None:
    file = await upload_audio(client, team.bot)
    assert error(await transcribe(client, team.other_bot.headers, file["id"]), 404, "not_found")
    data(await transcribe(client, team.admin.headers, file["id"]))  # admins see every file

    channel = await team.channel(client, members=(team.admin, team.bot, team.other_bot))
    tag = {"channelId": channel["id"]}
    path = f"/drive/files/{file['id']}/channels"
    data(await client.post(path, json=tag, headers=team.bot.headers))
    assert data(await transcribe(client, team.other_bot.headers, file["id"]))["text"]


async def test_only_audio_and_video_are_transcribed(
    client: httpx2.AsyncClient, team: Team, speech: SpeechService
) -> None:
    text = await upload(client, team.bot)
    found = error(await transcribe(client, team.bot.headers, text["id"]), 400, "not_audio")
    assert "application/pdf" in found["error"]

    video = await upload_audio(client, team.bot, b"\x00\x00\x00\x18ftyp", "clip.mp4", "video/mp4")
    data(await transcribe(client, team.bot.headers, video["id"]))
    assert speech.uploads[-1].content_type == "video/mp4"


async def test_an_unknown_or_malformed_id_is_not_found(
    client: httpx2.AsyncClient, team: Team
) -> None:
    error(await transcribe(client, team.bot.headers, "0190a000-0000-7000-8000-000000000000"), 404)
    error(await transcribe(client, team.bot.headers, "nope"), 404)
    response = await client.post("/voice/transcribe", json={}, headers=team.bot.headers)
    error(response, 400, "validation_error")


async def test_the_endpoint_refusing_the_audio_is_a_400_and_failing_a_502(
    client: httpx2.AsyncClient, team: Team, speech: SpeechService
) -> None:
    file = await upload_audio(client, team.bot)
    speech.status = 400
    error(await transcribe(client, team.bot.headers, file["id"]), 400, "audio_unreadable")
    speech.status = 503
    error(await transcribe(client, team.bot.headers, file["id"]), 502, "transcription_failed")
    speech.status, speech.answer = 200, {"no": "text"}
    error(await transcribe(client, team.bot.headers, file["id"]), 502, "transcription_failed")


class TestLimits:
    @pytest.fixture
    def settings_overrides(self, settings_overrides: dict[str, Any]) -> dict[str, Any]:
        return {**settings_overrides, "voice_max_bytes": 1000}

    async def test_a_recording_over_the_size_limit_is_refused(
        self, client: httpx2.AsyncClient, team: Team, speech: SpeechService
    ) -> None:
        small = await upload_audio(client, team.bot, tone_wav(0.01))
        large = await upload_audio(client, team.bot, tone_wav(0.1))
        data(await transcribe(client, team.bot.headers, small["id"]))
        error(await transcribe(client, team.bot.headers, large["id"]), 413, "audio_too_large")
        assert len(speech.uploads) == 1


class TestUnreachable:
    @pytest.fixture
    def settings_overrides(self, settings_overrides: dict[str, Any]) -> dict[str, Any]:
        return {**settings_overrides, "voice_api_url": "http://127.0.0.1:9/v1"}

    async def test_an_endpoint_that_cannot_be_reached_is_a_502(
        self, client: httpx2.AsyncClient, team: Team
    ) -> None:
        file = await upload_audio(client, team.bot)
        found = error(await transcribe(client, team.bot.headers, file["id"]), 502)
        assert found["code"] == "transcription_failed"
        assert "unreachable" in found["error"]


class TestNoEngine:
    @pytest.fixture
    def settings_overrides(self, settings_overrides: dict[str, Any]) -> dict[str, Any]:
        return {**settings_overrides, "voice_engine": "none"}

    async def test_transcription_is_unavailable(
        self, client: httpx2.AsyncClient, team: Team
    ) -> None:
        file = await upload_audio(client, team.bot)
        found = error(await transcribe(client, team.bot.headers, file["id"]), 503)
        assert found["code"] == "transcription_unavailable"
        # Refusals that do not depend on the engine come first.
        text = await upload(client, team.bot)
        error(await transcribe(client, team.bot.headers, text["id"]), 400, "not_audio")
