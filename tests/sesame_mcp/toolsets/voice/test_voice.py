"""Voice messages through a real MCP client session: `wait_for_events` reports a transcript
landing (`voice.transcribed`, the text quoted as its speaker's data) and `read_messages` shows
it, in the message's `transcript` and its line."""

from __future__ import annotations

import pytest
from mcp import Client

from tests.server_core.features.voice.conftest import tone_wav
from tests.server_core.features.voice.speech_service import SpeechService
from tests.sesame_mcp.conftest import Agent
from tests.sesame_mcp.toolsets.conftest import ok, text

pytestmark = pytest.mark.anyio


async def test_an_agent_hears_of_a_transcript_and_reads_it(
    mcp_all: Client, bob: Agent, plans: str, speech: SpeechService
) -> None:
    cursor = ok(await mcp_all.call_tool("wait_for_events", {"timeout_seconds": 1}))["next_cursor"]
    recording = await bob.client.drive.upload("note.wav", tone_wav(0.5), content_type="audio/wav")
    sent = await bob.client.messages.send(plans, "Listen", attachment_ids=[recording.id])
    assert sent.metadata["transcribing"] is True

    waited = await mcp_all.call_tool(
        "wait_for_events",
        {"cursor": cursor, "types": ["voice.transcribed"], "timeout_seconds": 30},
    )
    [event] = ok(waited)["events"]
    assert (event["type"], event["message_id"]) == ("voice.transcribed", sent.id)
    assert event["author_text"] == "Hello from the recording."
    assert f'message {sent.id} in #plans was transcribed: "Hello from the recording."' in (
        text(waited)
    )

    read = await mcp_all.call_tool("read_messages", {"channel": "#plans"})
    [message] = ok(read)["messages"]
    assert message["transcript"] == "Hello from the recording."
    assert 'transcript: "Hello from the recording."' in text(read)
    assert len(speech.uploads) == 1
