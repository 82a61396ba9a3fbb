"""The background transcriber: voice messages waiting (`pending` rows of `voice_transcripts`)
are claimed one at a time, their recordings transcribed, and the transcript landed.

A node claims a row by moving its `claimed_until` forward in one conditional update, so
several nodes share the work and none transcribes a message twice at once; a claim left by a
node that died runs out and the row is taken again, and rows survive restarts. The loop wakes
for each voice message this node sends and every `voice_sweep_seconds` for the rest.

Landing: the row becomes `done` with the transcript sealed, the message's `updatedAt` moves,
and its channel gets `message.edited` (the text unchanged) and `voice.transcribed`. An engine
that does not answer is tried again later (after 30 s, 60 s, …) up to `voice_max_attempts`
times (also when the nodes that tried stopped midway); a recording it cannot read is not
tried again. Either way the row ends `failed`.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

import anyio
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.features.messaging.events import MessageCreated
from server_core.features.messaging.messages import do_announce_metadata
from server_core.features.voice import engines
from server_core.features.voice.errors import AudioTooLarge, AudioUnreadable, TranscriptionFailed
from server_core.features.voice.events import VoiceTranscribed
from server_core.features.voice.files import keep_transcript, kept_transcripts
from server_core.features.voice.tables import voice_transcripts
from server_core.features.voice.transcribe import transcribe_recording
from server_core.features.voice.watcher import bound_to
from server_core.kernel.clock import utcnow
from server_core.kernel.events import Event, EventRoute
from server_core.kernel.platform import Platform

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30.0  # times the attempts made: 30 s, 60 s, …
CANDIDATES = 20


async def transcribe_voice_messages(platform: Platform) -> None:
    """Run for the platform's lifetime (nothing to do while no engine is configured)."""
    if engines.transcriber_for(platform.settings) is None:
        return
    subscription = platform.bus.tap()
    try:
        while True:
            try:
                while await transcribe_next(platform):
                    pass
            except Exception:
                log.exception("transcribing voice messages failed; retrying next sweep")
            with anyio.move_on_after(platform.settings.voice_sweep_seconds):
                while (event := await subscription.get()) is not None:
                    if isinstance(event, MessageCreated) and event.message.metadata.get(
                        "transcribing"
                    ):
                        break
    finally:
        subscription.close()


async def transcribe_next(platform: Platform, now: datetime | None = None) -> bool:
    """Claim one waiting voice message and transcribe it; False when none is due."""
    settings = platform.settings
    transcriber = engines.transcriber_for(settings)
    if transcriber is None:
        return False
    now = now or utcnow()
    lease = timedelta(seconds=settings.voice_timeout_seconds * 2 + 60)
    claimed = await platform.store.run_sync(lambda conn: _claim(conn, now, now + lease))
    if claimed is None:
        return False
    message_id = claimed["message_id"]
    if claimed["attempts"] > settings.voice_max_attempts:
        # Its tries were spent by nodes that stopped midway: given up as any other failure.
        await platform.store.run_sync(lambda conn: _fail(conn, message_id))
        return True
    texts: list[str] = []
    durations: list[float] = []
    languages: list[str] = []
    heard: dict[str, engines.Transcript] = {}
    retry = False
    file_ids = [media["fileId"] for media in claimed["media"]]
    kept = await platform.store.read(
        lambda conn: kept_transcripts(conn, platform.keyring, file_ids)
    )
    for media in claimed["media"]:
        try:
            transcript = kept.get(media["fileId"]) or await transcribe_recording(
                settings,
                transcriber,
                s3_key=media["s3Key"],
                size=media["size"],
                file_name=media["fileName"],
                content_type=media["contentType"],
            )
        except (AudioUnreadable, AudioTooLarge) as refused:
            log.info("a voice attachment cannot be transcribed: %s", refused.message)
            continue
        except TranscriptionFailed as failed:
            log.warning("transcription failed: %s", failed.message)
            retry = True
            break
        heard[media["fileId"]] = transcript
        if transcript.text:
            texts.append(transcript.text)
        if transcript.duration is not None:
            durations.append(transcript.duration)
        if transcript.language:
            languages.append(transcript.language)
    if retry:
        attempts = claimed["attempts"]
        if attempts < settings.voice_max_attempts:
            again = utcnow() + timedelta(seconds=RETRY_AFTER_SECONDS * attempts)
            await platform.store.run_sync(lambda conn: _release(conn, message_id, again))
        else:
            await platform.store.run_sync(lambda conn: _fail(conn, message_id))
        return True
    if not texts and not durations:
        await platform.store.run_sync(lambda conn: _fail(conn, message_id))
        return True
    landed = {
        "text": "\n\n".join(texts),
        "duration": round(sum(durations), 3) if durations else None,
        "language": languages[0] if languages else None,
    }
    async with platform.store.transaction() as tx:
        await tx.run(lambda conn: _land(conn, tx.events, platform, claimed, landed, heard))
    return True


def _claim(conn: Connection, now: datetime, until: datetime) -> dict[str, Any] | None:
    due = sa.and_(
        voice_transcripts.c.status == "pending",
        sa.or_(
            voice_transcripts.c.claimed_until.is_(None), voice_transcripts.c.claimed_until < now
        ),
    )
    candidates = conn.execute(
        sa.select(voice_transcripts.c.message_id)
        .where(due)
        .order_by(voice_transcripts.c.created_at)
        .limit(CANDIDATES)
    ).scalars()
    for message_id in list(candidates):
        taken = conn.execute(
            sa.update(voice_transcripts)
            .where(voice_transcripts.c.message_id == message_id, due)
            .values(claimed_until=until, attempts=voice_transcripts.c.attempts + 1)
        ).rowcount
        if taken:
            row = conn.execute(
                sa.select(voice_transcripts).where(voice_transcripts.c.message_id == message_id)
            ).mappings()
            return dict(row.one())
    return None


def _release(conn: Connection, message_id: str, again: datetime) -> None:
    conn.execute(
        sa.update(voice_transcripts)
        .where(voice_transcripts.c.message_id == message_id)
        .values(claimed_until=again, updated_at=utcnow())
    )


def _fail(conn: Connection, message_id: str) -> None:
    conn.execute(
        sa.update(voice_transcripts)
        .where(voice_transcripts.c.message_id == message_id)
        .values(status="failed", claimed_until=None, updated_at=utcnow())
    )


def _land(
    conn: Connection,
    events: list[Event],
    platform: Platform,
    claimed: dict[str, Any],
    landed: dict[str, Any],
    heard: dict[str, engines.Transcript],
) -> None:
    message_id = claimed["message_id"]
    keyring = platform.keyring
    for file_id, transcript in heard.items():
        keep_transcript(conn, keyring, claimed["workspace_id"], file_id, transcript)
    key_id = keyring.current_key_id(conn, claimed["workspace_id"])
    updated = conn.execute(
        sa.update(voice_transcripts)
        .where(voice_transcripts.c.message_id == message_id)
        .values(
            status="done",
            claimed_until=None,
            ciphertext=keyring.seal(conn, key_id, landed["text"], bound_to(message_id)),
            key_id=key_id,
            duration=landed["duration"],
            language=landed["language"],
            updated_at=utcnow(),
        )
    ).rowcount
    # Deleted meanwhile: the row went with the message, and nothing is announced.
    if not updated or not do_announce_metadata(
        conn, events, keyring=keyring, message_id=message_id
    ):
        return
    events.append(
        VoiceTranscribed(
            channel_id=claimed["channel_id"],
            message_id=message_id,
            route=EventRoute(
                workspace_id=claimed["workspace_id"], channel_id=claimed["channel_id"]
            ),
            **landed,
        )
    )
