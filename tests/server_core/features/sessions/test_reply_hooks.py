"""Reply webhooks of async sends, to a real receiver: the reply signed, found by a worker that
started after it came (the state is in the database, not in the process that took the send),
a timeout when no reply comes, retries then failure, each reply sent once by two workers, and
the app's own loop delivering."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx2
import pytest
import sqlalchemy as sa

from server_core.features.sessions.reply_hooks import WAIT
from server_core.features.sessions.reply_worker import ReplyHookWorker
from server_core.features.sessions.tables import session_reply_hooks
from server_core.features.webhooks.signing import sesame_signature
from server_core.kernel.clock import utcnow
from server_core.kernel.platform import Platform
from server_core.workers import run_workers
from tests.helpers import data
from tests.server_core.features.messaging.team import Team
from tests.server_core.features.sessions.conftest import say, start
from tests.server_core.features.webhooks.conftest import Clock
from tests.server_core.features.webhooks.receiver import Receiver

pytestmark = pytest.mark.anyio


@pytest.fixture
async def worker(platform: Platform) -> AsyncIterator[ReplyHookWorker]:
    made = ReplyHookWorker(platform, now=Clock(utcnow()))
    yield made
    await made.aclose()


async def reply(client: httpx2.AsyncClient, team: Team, session: dict[str, Any], text: str) -> None:
    data(
        await client.post(
            f"/channels/{session['channelId']}/messages",
            json={"content": text},
            headers=team.bot.headers,
        ),
        201,
    )


async def hooks(platform: Platform) -> list[dict[str, Any]]:
    async with platform.store.transaction(write=False) as tx:
        rows = await tx.run(
            lambda conn: conn.execute(sa.select(session_reply_hooks)).mappings().all()
        )
    return [dict(row) for row in rows]


@pytest.mark.both_engines
async def test_the_reply_is_posted_signed_once(
    client: httpx2.AsyncClient, team: Team, receiver: Receiver, worker: ReplyHookWorker
) -> None:
    made = await start(client, team.bot, externalId="hooked", userId=team.human.id)
    webhook = {"url": receiver.url, "secret": "s3cret"}
    sent = await say(client, "hooked", team.human, "build it", webhook=webhook)
    assert (sent["reply"], sent["timedOut"]) == (None, False)
    assert await worker.run_once() == 0  # no reply yet
    await reply(client, team, made, "built")
    await say(client, "hooked", team.human, "thanks")  # the sender's own messages are no reply
    assert await worker.run_once() == 1
    assert await worker.run_once() == 0
    [delivered] = receiver.received
    body = delivered.json()
    assert body["type"] == "session.reply"
    assert body["sessionId"] == made["id"]
    assert (body["message"]["plaintext"], body["reply"]["plaintext"]) == ("build it", "built")
    assert body["timedOut"] is False
    assert delivered.headers["x-sesame-event"] == "session.reply"
    assert delivered.headers["x-sesame-delivery"] == body["id"]
    timestamp = int(delivered.headers["x-sesame-timestamp"])
    assert delivered.headers["x-sesame-signature"] == sesame_signature(
        "s3cret", timestamp, delivered.body
    )
    [row] = await hooks(worker.platform)
    assert (row["status"], row["attempt_number"], row["status_code"]) == ("delivered", 1, 200)
    assert b"s3cret" not in row["secret_sealed"]  # sealed, not stored in clear


async def test_a_worker_started_after_the_reply_still_delivers_it(
    client: httpx2.AsyncClient, team: Team, receiver: Receiver, platform: Platform
) -> None:
    made = await start(client, team.bot, externalId="later", userId=team.human.id)
    await say(client, "later", team.human, "while you were out", webhook={"url": receiver.url})
    await reply(client, team, made, "back now")
    # Nothing of the send is left in this process but the database: a worker that never saw
    # the events finds the reply there.
    worker = ReplyHookWorker(platform)
    try:
        assert await worker.run_once() == 1
    finally:
        await worker.aclose()
    [delivered] = receiver.received
    assert delivered.json()["reply"]["plaintext"] == "back now"
    assert "x-sesame-signature" not in delivered.headers  # no secret, no signature


async def test_no_reply_within_the_wait_posts_a_timeout(
    client: httpx2.AsyncClient, team: Team, receiver: Receiver, worker: ReplyHookWorker
) -> None:
    await start(client, team.bot, externalId="silent", userId=team.human.id)
    await say(client, "silent", team.human, "hello?", webhook={"url": receiver.url})
    clock = worker.now
    assert isinstance(clock, Clock)
    clock.advance(WAIT.total_seconds() - 5)
    assert await worker.run_once() == 0
    clock.advance(10)
    assert await worker.run_once() == 1
    body = receiver.received[0].json()
    assert (body["message"]["plaintext"], body["reply"], body["timedOut"]) == (
        "hello?",
        None,
        True,
    )


async def test_a_failing_receiver_is_retried_then_given_up(
    client: httpx2.AsyncClient,
    team: Team,
    receiver: Receiver,
    worker: ReplyHookWorker,
    platform: Platform,
) -> None:
    made = await start(client, team.bot, externalId="flaky", userId=team.human.id)
    await say(client, "flaky", team.human, "ping", webhook={"url": receiver.url})
    await reply(client, team, made, "pong")
    receiver.status = 503
    clock = worker.now
    assert isinstance(clock, Clock)
    delays = platform.settings.webhook_retry_delays_seconds
    sent = await worker.run_once()  # the first attempt, and the retries due at once
    for delay in delays:
        if delay:
            assert await worker.run_once() == 0  # not due before its time
            clock.advance(delay)
            sent += await worker.run_once()
    assert sent == len(delays) + 1
    assert platform.counters.session_reply_outcomes == {
        "success": 0,
        "retry": len(delays),
        "failure": 1,
    }
    assert len(receiver.received) == len(delays) + 1
    assert len({r.headers["x-sesame-delivery"] for r in receiver.received}) == 1
    [row] = await hooks(platform)
    assert (row["status"], row["attempt_number"], row["status_code"]) == (
        "failed",
        len(delays) + 1,
        503,
    )
    clock.advance(3600)
    assert await worker.run_once() == 0


@pytest.mark.both_engines
async def test_two_workers_send_each_reply_once(
    client: httpx2.AsyncClient, team: Team, receiver: Receiver, platform: Platform
) -> None:
    receiver.delay = 0.05
    for n in range(12):
        made = await start(client, team.bot, externalId=f"s{n}", userId=team.human.id)
        await say(client, f"s{n}", team.human, f"q{n}", webhook={"url": receiver.url})
        await reply(client, team, made, f"a{n}")
    platform.settings.webhook_concurrency = 3
    first, second = ReplyHookWorker(platform), ReplyHookWorker(platform)
    try:
        sent = await asyncio.gather(first.run_once(), second.run_once())
    finally:
        await first.aclose()
        await second.aclose()
    assert sum(sent) == 12
    assert sorted(r.json()["reply"]["plaintext"] for r in receiver.received) == sorted(
        f"a{n}" for n in range(12)
    )
    assert len({r.headers["x-sesame-delivery"] for r in receiver.received}) == 12


async def test_a_sync_send_leaves_no_hook(
    client: httpx2.AsyncClient, team: Team, receiver: Receiver, platform: Platform
) -> None:
    await start(client, team.bot, externalId="direct", userId=team.human.id)
    await say(
        client, "direct", team.human, "x", mode="sync", timeout=0.05, webhook={"url": receiver.url}
    )
    assert await hooks(platform) == []


async def test_the_app_runs_the_reply_worker(
    client: httpx2.AsyncClient, team: Team, receiver: Receiver, platform: Platform
) -> None:
    platform.settings.webhook_poll_interval_seconds = 0.05
    made = await start(client, team.bot, externalId="live", userId=team.human.id)
    async with run_workers(platform):
        await say(client, "live", team.human, "are you there", webhook={"url": receiver.url})
        await asyncio.sleep(0.2)  # a pass sees the hook: its channel is watched from then on
        await reply(client, team, made, "here")
        for _ in range(300):
            if receiver.received:
                break
            await asyncio.sleep(0.01)
    assert [r.json()["reply"]["plaintext"] for r in receiver.received] == ["here"]
