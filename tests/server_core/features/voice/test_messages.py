"""Voice messages: audio and video attached to a message are transcribed in the background.
The message shows `metadata.transcribing: true` from its send, then its transcript; the
channel hears `message.edited` and `voice.transcribed`. What waits survives restarts, an
engine that fails is tried again, and one that cannot read the audio is not."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import anyio
import httpx2
import pytest
import sqlalchemy as sa

from server_core.features.messaging.events import MessageEdited
from server_core.features.voice.events import VoiceTranscribed
from server_core.features.voice.tables import voice_transcripts
from server_core.features.voice.worker import transcribe_next
from server_core.kernel.clock import utcnow
from server_core.kernel.platform import Platform
from server_core.workers import run_workers
from tests.helpers import data
from tests.server_core.captured import Captured
from tests.server_core.features.drive.conftest import upload
from tests.server_core.features.messaging.team import Member, Team, send
from tests.server_core.features.voice.conftest import tone_wav, upload_audio
from tests.server_core.features.voice.speech_service import SpeechService
from tests.server_core.gateway.conftest import peer, running

pytestmark = pytest.mark.anyio

LATER = timedelta(hours=1)  # past any retry delay


async def until(condition: Callable[[], Awaitable[bool]], seconds: float = 15.0) -> None:
    """Poll until `condition` holds: the worker runs in the background."""
    with anyio.fail_after(seconds):
        while not await condition():  # noqa: ASYNC110 - state to poll, no event to wait on
            await anyio.sleep(0.05)


async def send_voice(
    client: httpx2.AsyncClient, channel_id: str, who: Member, *files: dict[str, Any]
) -> dict[str, Any]:
    attached = [file["id"] for file in files]
    response = await send(client, channel_id, who, "listen", kind="voice", attachmentIds=attached)
    message: dict[str, Any] = data(response, 201)
    return message


async def shown(
    client: httpx2.AsyncClient, channel_id: str, who: Member, message_id: str
) -> dict[str, Any]:
    """The message as history shows it to `who`."""
    page = data(await client.get(f"/channels/{channel_id}/messages", headers=who.headers))
    [message] = [m for m in page if m["id"] == message_id]
    return message


@pytest.mark.both_engines
async def test_a_voice_message_is_transcribed_and_its_channel_told(
    client: httpx2.AsyncClient, platform: Platform, team: Team, speech: SpeechService
) -> None:
    channel = await team.channel(client, members=(team.admin, team.bot, team.human))
    key = team.human.headers["Authorization"].removeprefix("Bearer ")
    async with running(platform) as live, peer(live, {"token": key}) as listener:
        file = await upload_audio(client, team.bot, tone_wav(0.5), name="standup.wav")
        sent = await send_voice(client, channel["id"], team.bot, file)
        assert sent["metadata"]["transcribing"] is True
        assert "transcript" not in sent["metadata"]

        created = await listener.expect("message")
        assert created["message"]["metadata"]["transcribing"] is True
        edited = await listener.expect("message.edited", messageId=sent["id"])
        transcribed = await listener.expect("voice.transcribed", messageId=sent["id"])

    assert edited["plaintext"] == "listen"
    assert transcribed == {
        "type": "voice.transcribed",
        "channelId": channel["id"],
        "messageId": sent["id"],
        "text": "Hello from the recording.",
        "duration": round(len(tone_wav(0.5)) / 32000, 3),
        "language": "en",
    }
    message = await shown(client, channel["id"], team.human, sent["id"])
    assert {k: message["metadata"].get(k) for k in TRANSCRIPT_FIELDS} == {
        "transcribing": False,
        "transcript": "Hello from the recording.",
        "transcriptDuration": transcribed["duration"],
        "transcriptLanguage": "en",
    }
    assert (message["plaintext"], message["isEdited"]) == ("listen", False)
    assert message["updatedAt"] > message["createdAt"]
    [stored] = await platform.store.read(
        lambda conn: conn.execute(sa.select(voice_transcripts.c.ciphertext)).scalars().all()
    )
    assert b"Hello" not in stored  # sealed, as message text is
    # The drive shows the file's transcript to whoever may read it: the channel's members.
    found = data(await client.get(f"/drive/files/{file['id']}", headers=team.human.headers))
    assert found["transcript"] == "Hello from the recording."


TRANSCRIPT_FIELDS = ("transcribing", "transcript", "transcriptDuration", "transcriptLanguage")


async def test_waiting_messages_are_picked_up_when_the_workers_start(
    client: httpx2.AsyncClient, platform: Platform, team: Team, speech: SpeechService
) -> None:
    # Sent while no worker runs (as before a restart): it waits, marked.
    channel = await team.channel(client)
    sent = await send_voice(client, channel["id"], team.bot, await upload_audio(client, team.bot))
    assert (await shown(client, channel["id"], team.admin, sent["id"]))["metadata"][
        "transcribing"
    ] is True

    async def landed() -> bool:
        message = await shown(client, channel["id"], team.admin, sent["id"])
        return message["metadata"].get("transcript") is not None

    async with run_workers(platform):
        await until(landed)
    assert len(speech.uploads) == 1


async def test_every_recording_of_a_message_is_transcribed_in_order(
    client: httpx2.AsyncClient, platform: Platform, team: Team, speech: SpeechService
) -> None:
    channel = await team.channel(client)
    files = [
        await upload_audio(client, team.bot, tone_wav(0.25), name="one.wav"),
        await upload(client, team.bot),  # a PDF: not transcribed
        await upload_audio(client, team.bot, tone_wav(0.5), name="two.wav"),
    ]
    sent = await send_voice(client, channel["id"], team.bot, *files)
    assert await transcribe_next(platform)
    assert not await transcribe_next(platform)

    assert [upload.file_name for upload in speech.uploads] == ["one.wav", "two.wav"]
    metadata = (await shown(client, channel["id"], team.bot, sent["id"]))["metadata"]
    assert metadata["transcript"] == "Hello from the recording.\n\nHello from the recording."
    each = [round(len(tone_wav(seconds)) / 32000, 3) for seconds in (0.25, 0.5)]
    assert metadata["transcriptDuration"] == round(sum(each), 3)


async def test_a_failing_engine_is_tried_again_then_given_up(
    client: httpx2.AsyncClient,
    platform: Platform,
    team: Team,
    speech: SpeechService,
    captured_events: Callable[[], Any],
) -> None:
    channel = await team.channel(client)
    sent = await send_voice(client, channel["id"], team.bot, await upload_audio(client, team.bot))
    speech.status = 503
    assert await transcribe_next(platform)
    assert not await transcribe_next(platform)  # not due again yet
    speech.status = 200
    captured: Captured
    async with captured_events() as captured:
        assert await transcribe_next(platform, utcnow() + LATER)
    assert [type(event) for event in captured.events] == [MessageEdited, VoiceTranscribed]
    assert len(speech.uploads) == 2
    landed = (await shown(client, channel["id"], team.bot, sent["id"]))["metadata"]
    assert landed["transcript"] == "Hello from the recording."

    # From another agent: the bot's own second message could fall in the channel's cooldown.
    recording = await upload_audio(client, team.other_bot)
    other = await send_voice(client, channel["id"], team.other_bot, recording)
    speech.status = 500
    for _ in range(platform.settings.voice_max_attempts):
        assert await transcribe_next(platform, utcnow() + LATER)
    assert not await transcribe_next(platform, utcnow() + LATER)
    metadata = (await shown(client, channel["id"], team.bot, other["id"]))["metadata"]
    assert (metadata["transcribing"], metadata["transcriptionFailed"]) == (False, True)
    assert "transcript" not in metadata


async def test_a_message_whose_tries_ran_out_midway_is_given_up(
    client: httpx2.AsyncClient, platform: Platform, team: Team, speech: SpeechService
) -> None:
    # Every try was claimed by a node that stopped before finishing (its claim ran out).
    channel = await team.channel(client)
    sent = await send_voice(client, channel["id"], team.bot, await upload_audio(client, team.bot))
    spent = (
        sa.update(voice_transcripts)
        .where(voice_transcripts.c.message_id == sent["id"])
        .values(attempts=platform.settings.voice_max_attempts, claimed_until=utcnow())
    )
    await platform.store.run_sync(lambda conn: conn.execute(spent))
    assert await transcribe_next(platform, utcnow() + LATER)
    metadata = (await shown(client, channel["id"], team.bot, sent["id"]))["metadata"]
    assert metadata["transcriptionFailed"] is True
    assert speech.uploads == []


async def test_audio_the_engine_refuses_is_not_tried_again(
    client: httpx2.AsyncClient, platform: Platform, team: Team, speech: SpeechService
) -> None:
    channel = await team.channel(client)
    sent = await send_voice(client, channel["id"], team.bot, await upload_audio(client, team.bot))
    speech.status = 400
    assert await transcribe_next(platform)
    assert not await transcribe_next(platform, utcnow() + LATER)
    metadata = (await shown(client, channel["id"], team.bot, sent["id"]))["metadata"]
    assert metadata["transcriptionFailed"] is True
    assert len(speech.uploads) == 1


async def test_a_message_deleted_before_its_transcript_lands_stays_quiet(
    client: httpx2.AsyncClient,
    platform: Platform,
    team: Team,
    captured_events: Callable[[], Any],
) -> None:
    channel = await team.channel(client)
    sent = await send_voice(client, channel["id"], team.bot, await upload_audio(client, team.bot))
    path = f"/channels/{channel['id']}/messages/{sent['id']}"
    data(await client.delete(path, headers=team.bot.headers))
    captured: Captured
    async with captured_events() as captured:
        assert not await transcribe_next(platform)
    assert captured.events == []
    rows = await platform.store.read(lambda conn: conn.execute(sa.select(voice_transcripts)).all())
    assert rows == []


async def test_other_attachments_are_not_transcribed(
    client: httpx2.AsyncClient, platform: Platform, team: Team
) -> None:
    channel = await team.channel(client)
    response = await send(
        client,
        channel["id"],
        team.bot,
        "the report",
        attachmentIds=[(await upload(client, team.bot))["id"]],
    )
    sent = data(response, 201)
    assert "transcribing" not in sent["metadata"]
    assert not await transcribe_next(platform)


async def test_a_sender_cannot_claim_a_transcript(
    client: httpx2.AsyncClient, platform: Platform, team: Team
) -> None:
    channel = await team.channel(client)
    file = await upload_audio(client, team.bot)
    fake = {"transcript": "I never said that", "transcribing": False}
    response = await send(
        client, channel["id"], team.bot, "listen", attachmentIds=[file["id"]], metadata=fake
    )
    assert data(response, 201)["metadata"]["transcribing"] is True
    assert await transcribe_next(platform)
    metadata = (await shown(client, channel["id"], team.bot, data(response, 201)["id"]))["metadata"]
    assert metadata["transcript"] == "Hello from the recording."


class TestNoEngine:
    @pytest.fixture
    def settings_overrides(self, settings_overrides: dict[str, Any]) -> dict[str, Any]:
        return {**settings_overrides, "voice_engine": "none"}

    async def test_voice_messages_simply_carry_no_transcript(
        self, client: httpx2.AsyncClient, platform: Platform, team: Team
    ) -> None:
        channel = await team.channel(client)
        file = await upload_audio(client, team.bot)
        sent = await send_voice(client, channel["id"], team.bot, file)
        shown_now = await shown(client, channel["id"], team.bot, sent["id"])
        for metadata in (sent["metadata"], shown_now["metadata"]):
            assert not set(TRANSCRIPT_FIELDS) & set(metadata)
        assert not await transcribe_next(platform)
