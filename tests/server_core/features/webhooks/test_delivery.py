"""Delivery to a real local receiver: signatures (ours and Standard Webhooks), routing and
filters, retries on the worker's clock, auto-disable, rotation, the delivery log, retention,
and no double sends with two workers on one database."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

import httpx2
import orjson
import pytest
import sqlalchemy as sa
from standardwebhooks import Webhook as StandardWebhook

from server_core.features import features
from server_core.features.webhooks.deliveries import CONSECUTIVE_FAILURE_LIMIT
from server_core.features.webhooks.event_types import EVENT_TYPES
from server_core.features.webhooks.signing import verify_sesame_signature
from server_core.features.webhooks.worker import WebhookWorker
from server_core.kernel.platform import Platform
from server_core.workers import run_workers
from tests.helpers import data
from tests.server_core.features.messaging.team import Member, Team, send
from tests.server_core.features.webhooks.conftest import Pump
from tests.server_core.features.webhooks.receiver import Receiver

pytestmark = pytest.mark.anyio


async def subscribe(
    client: httpx2.AsyncClient, who: Member, agent: Member, url: str, **body: Any
) -> dict[str, Any]:
    payload = {"url": url, "eventTypes": ["message"], **body}
    created: dict[str, Any] = data(
        await client.post(f"/agents/{agent.id}/webhooks", json=payload, headers=who.headers), 201
    )
    return created


async def deliveries(
    client: httpx2.AsyncClient, agent: Member, webhook_id: str, **query: Any
) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = data(
        await client.get(
            f"/agents/{agent.id}/webhooks/{webhook_id}/deliveries",
            params=query,
            headers=agent.headers,
        )
    )
    return listed


@pytest.mark.both_engines
async def test_a_message_arrives_signed_both_ways(
    client: httpx2.AsyncClient, team: Team, receiver: Receiver, pump: Pump
) -> None:
    hook = await subscribe(client, team.bot, team.bot, receiver.url)
    channel = await team.channel(client)
    data(await send(client, channel["id"], team.admin, "hello hooks"), 201)

    assert await pump() == 1
    [got] = receiver.received
    body = got.json()
    assert body["type"] == "message"
    assert body["channelId"] == channel["id"]
    assert body["workspaceId"]
    assert body["data"]["type"] == "message"
    assert got.headers["x-sesame-event"] == "message"
    assert got.headers["x-sesame-delivery"] == body["id"] == got.headers["webhook-id"]
    assert verify_sesame_signature(
        hook["secret"],
        got.headers["x-sesame-signature"],
        got.headers["x-sesame-timestamp"],
        got.body,
        now=time.time(),
    )
    assert not verify_sesame_signature(
        hook["secret"],
        got.headers["x-sesame-signature"],
        got.headers["x-sesame-timestamp"],
        got.body + b" ",
        now=time.time(),
    )
    verified = StandardWebhook(hook["secret"]).verify(got.body, got.headers)
    assert verified["id"] == body["id"]

    [logged] = await deliveries(client, team.bot, hook["id"])
    assert logged["id"] == body["id"]
    assert logged["status"] == "success"
    assert logged["statusCode"] == 200
    assert logged["attemptNumber"] == 1
    assert logged["eventType"] == "message"


async def test_message_text_is_not_stored_in_clear(
    client: httpx2.AsyncClient, team: Team, receiver: Receiver, pump: Pump, platform: Platform
) -> None:
    await subscribe(client, team.bot, team.bot, receiver.url)
    channel = await team.channel(client)
    data(await send(client, channel["id"], team.admin, "a rather unique phrase"), 201)
    await pump.worker.intake(pump.tap.drain())
    async with platform.store.transaction(write=False) as tx:
        rows = await tx.all(sa.text("SELECT body_sealed FROM webhook_deliveries"))
    assert len(rows) == 1
    assert b"a rather unique phrase" not in bytes(rows[0]["body_sealed"])


async def test_only_events_the_agent_may_see(
    client: httpx2.AsyncClient, team: Team, receiver: Receiver, pump: Pump
) -> None:
    await subscribe(client, team.bot, team.bot, receiver.url, eventTypes=["message", "presence"])
    without_bot = await team.channel(client, members=(team.admin, team.human))
    with_bot = await team.channel(client, name="with-bot")
    data(await send(client, without_bot["id"], team.admin, "secret plans"), 201)
    data(await send(client, with_bot["id"], team.admin, "for the bot"), 201)
    data(
        await client.put(
            f"/agents/{team.other_bot.id}/status",
            json={"status": "online"},
            headers=team.other_bot.headers,
        )
    )
    await pump()
    kinds = sorted((r.json()["type"], r.json()["channelId"]) for r in receiver.received)
    assert kinds == sorted([("message", with_bot["id"]), ("presence", None)])


async def test_channel_filter(
    client: httpx2.AsyncClient, team: Team, receiver: Receiver, pump: Pump
) -> None:
    first = await team.channel(client)
    second = await team.channel(client, name="second")
    await subscribe(
        client,
        team.bot,
        team.bot,
        receiver.url,
        eventTypes=["message", "presence"],
        channelIds=[second["id"]],
    )
    data(await send(client, first["id"], team.admin, "one"), 201)
    data(await send(client, second["id"], team.admin, "two"), 201)
    data(
        await client.put(
            f"/agents/{team.bot.id}/status", json={"status": "busy"}, headers=team.bot.headers
        )
    )
    await pump()
    got = sorted((r.json()["type"], r.json()["channelId"]) for r in receiver.received)
    # Events of no channel pass the filter.
    assert got == sorted([("message", second["id"]), ("presence", None)])


async def test_paused_subscriptions_get_nothing(
    client: httpx2.AsyncClient, team: Team, receiver: Receiver, pump: Pump
) -> None:
    await subscribe(client, team.bot, team.bot, receiver.url, active=False)
    channel = await team.channel(client)
    data(await send(client, channel["id"], team.admin), 201)
    assert await pump() == 0
    assert receiver.received == []


async def test_retries_follow_the_schedule_then_fail(
    client: httpx2.AsyncClient, team: Team, receiver: Receiver, pump: Pump
) -> None:
    receiver.status = 500
    hook = await subscribe(client, team.bot, team.bot, receiver.url)
    channel = await team.channel(client)
    data(await send(client, channel["id"], team.admin), 201)

    assert await pump() == 2  # the first attempt, and the immediate retry
    assert await pump() == 0
    pump.clock.advance(9)
    assert await pump() == 0
    pump.clock.advance(1)
    assert await pump() == 1  # after 10 s
    pump.clock.advance(59)
    assert await pump() == 0
    pump.clock.advance(1)
    assert await pump() == 1  # after 60 s
    [pending] = await deliveries(client, team.bot, hook["id"], status="pending")
    assert pending["attemptNumber"] == 4
    assert pending["statusCode"] == 500
    pump.clock.advance(300)
    assert await pump() == 1  # after 5 minutes: the last
    pump.clock.advance(3600)
    assert await pump() == 0

    assert len(receiver.received) == 5
    assert len({r.headers["x-sesame-delivery"] for r in receiver.received}) == 1
    [failed] = await deliveries(client, team.bot, hook["id"], status="failed")
    assert failed["attemptNumber"] == 5
    assert await deliveries(client, team.bot, hook["id"], status="pending") == []
    again = data(
        await client.get(f"/agents/{team.bot.id}/webhooks/{hook['id']}", headers=team.bot.headers)
    )
    assert again["consecutiveFailures"] == 1
    assert again["active"] is True


async def test_a_retry_that_succeeds(
    client: httpx2.AsyncClient, team: Team, receiver: Receiver, pump: Pump
) -> None:
    receiver.status = 503
    hook = await subscribe(client, team.bot, team.bot, receiver.url)
    channel = await team.channel(client)
    data(await send(client, channel["id"], team.admin), 201)
    await pump()
    receiver.status = 204
    pump.clock.advance(10)
    assert await pump() == 1
    [done] = await deliveries(client, team.bot, hook["id"])
    assert done["status"] == "success"
    assert done["attemptNumber"] == 3
    assert done["statusCode"] == 204


@pytest.mark.both_engines
async def test_ten_failed_deliveries_pause_the_subscription(
    client: httpx2.AsyncClient, team: Team, receiver: Receiver, pump: Pump
) -> None:
    receiver.status = 410
    hook = await subscribe(client, team.bot, team.bot, receiver.url)
    path = f"/agents/{team.bot.id}/webhooks/{hook['id']}"
    channel = await team.channel(client)
    for n in range(CONSECUTIVE_FAILURE_LIMIT):
        data(await send(client, channel["id"], team.admin, f"m{n}"), 201)
    await pump()
    for delay in (10, 60, 300):
        pump.clock.advance(delay)
        await pump()
    paused = data(await client.get(path, headers=team.bot.headers))
    assert paused["active"] is False
    assert paused["consecutiveFailures"] == CONSECUTIVE_FAILURE_LIMIT
    assert len(await deliveries(client, team.bot, hook["id"], status="failed")) == 10

    sent = len(receiver.received)
    data(await send(client, channel["id"], team.admin, "while paused"), 201)
    assert await pump() == 0
    assert len(receiver.received) == sent

    receiver.status = 200
    resumed = data(await client.patch(path, json={"active": True}, headers=team.bot.headers))
    assert resumed["consecutiveFailures"] == 0
    data(await send(client, channel["id"], team.admin, "back"), 201)
    assert await pump() == 1
    assert receiver.received[-1].json()["data"]["message"]["plaintext"] == "back"


async def test_a_success_resets_the_failure_count(
    client: httpx2.AsyncClient, team: Team, receiver: Receiver, pump: Pump
) -> None:
    receiver.status = 500
    hook = await subscribe(client, team.bot, team.bot, receiver.url)
    channel = await team.channel(client)
    data(await send(client, channel["id"], team.admin), 201)
    await pump()
    for delay in (10, 60, 300):
        pump.clock.advance(delay)
        await pump()
    path = f"/agents/{team.bot.id}/webhooks/{hook['id']}"
    assert data(await client.get(path, headers=team.bot.headers))["consecutiveFailures"] == 1
    receiver.status = 200
    data(await send(client, channel["id"], team.admin), 201)
    await pump()
    assert data(await client.get(path, headers=team.bot.headers))["consecutiveFailures"] == 0


async def test_rotation_signs_with_the_new_secret_at_once(
    client: httpx2.AsyncClient, team: Team, receiver: Receiver, pump: Pump
) -> None:
    hook = await subscribe(client, team.bot, team.bot, receiver.url)
    rotated = data(
        await client.post(
            f"/agents/{team.bot.id}/webhooks/{hook['id']}/rotate-secret", headers=team.bot.headers
        )
    )
    channel = await team.channel(client)
    data(await send(client, channel["id"], team.admin), 201)
    await pump()
    [got] = receiver.received
    args = (got.headers["x-sesame-signature"], got.headers["x-sesame-timestamp"], got.body)
    assert verify_sesame_signature(rotated["secret"], *args, now=time.time())
    assert not verify_sesame_signature(hook["secret"], *args, now=time.time())
    StandardWebhook(rotated["secret"]).verify(got.body, got.headers)


async def test_old_timestamps_fail_verification(
    client: httpx2.AsyncClient, team: Team, receiver: Receiver, pump: Pump
) -> None:
    hook = await subscribe(client, team.bot, team.bot, receiver.url)
    channel = await team.channel(client)
    data(await send(client, channel["id"], team.admin), 201)
    await pump()
    [got] = receiver.received
    args = (got.headers["x-sesame-signature"], got.headers["x-sesame-timestamp"], got.body)
    sent = int(got.headers["x-sesame-timestamp"])
    assert verify_sesame_signature(hook["secret"], *args, now=sent + 300)
    assert not verify_sesame_signature(hook["secret"], *args, now=sent + 301)


async def test_deliveries_listing_filters_and_limits(
    client: httpx2.AsyncClient, team: Team, receiver: Receiver, pump: Pump
) -> None:
    hook = await subscribe(client, team.bot, team.bot, receiver.url)
    channel = await team.channel(client)
    for n in range(3):
        data(await send(client, channel["id"], team.admin, f"m{n}"), 201)
    await pump()
    everything = await deliveries(client, team.bot, hook["id"])
    assert [d["status"] for d in everything] == ["success"] * 3
    assert [d["id"] for d in everything] == sorted((d["id"] for d in everything), reverse=True)
    assert len(await deliveries(client, team.bot, hook["id"], limit=2)) == 2
    assert await deliveries(client, team.bot, hook["id"], status="failed") == []


async def test_old_deliveries_are_forgotten(
    client: httpx2.AsyncClient, team: Team, receiver: Receiver, pump: Pump
) -> None:
    hook = await subscribe(client, team.bot, team.bot, receiver.url)
    channel = await team.channel(client)
    data(await send(client, channel["id"], team.admin), 201)
    await pump()
    pump.clock.advance(6 * 86400)
    assert await pump.worker.forget_old() == 0
    pump.clock.advance(86400 + 1)
    assert await pump.worker.forget_old() == 1
    assert await deliveries(client, team.bot, hook["id"]) == []


async def test_a_target_that_turns_private_is_not_called(
    client: httpx2.AsyncClient, team: Team, receiver: Receiver, pump: Pump, platform: Platform
) -> None:
    hook = await subscribe(client, team.bot, team.bot, receiver.url)
    channel = await team.channel(client)
    data(await send(client, channel["id"], team.admin), 201)
    # The same URL, now judged without the allowance: checked again at send time.
    platform.settings.webhooks_allow_private = False
    await pump()
    assert receiver.received == []
    [logged] = await deliveries(client, team.bot, hook["id"])
    assert logged["statusCode"] is None
    assert "non-public" in logged["error"]


async def test_a_slow_receiver_times_out(
    client: httpx2.AsyncClient, team: Team, receiver: Receiver, pump: Pump, platform: Platform
) -> None:
    platform.settings.webhook_timeout_seconds = 0.2
    receiver.delay = 1.0
    worker = WebhookWorker(platform, now=pump.clock)
    try:
        hook = await subscribe(client, team.bot, team.bot, receiver.url)
        channel = await team.channel(client)
        data(await send(client, channel["id"], team.admin), 201)
        await worker.intake(pump.tap.drain())
        started = time.perf_counter()
        assert await worker.run_once() == 2
        assert time.perf_counter() - started < 1.5
    finally:
        await worker.aclose()
    [logged] = await deliveries(client, team.bot, hook["id"])
    assert logged["error"] == "timed out"
    assert logged["status"] == "pending"


@pytest.mark.both_engines
async def test_two_workers_send_each_attempt_once(
    client: httpx2.AsyncClient, team: Team, receiver: Receiver, pump: Pump, platform: Platform
) -> None:
    receiver.delay = 0.05
    await subscribe(client, team.bot, team.bot, receiver.url)
    channel = await team.channel(client)
    for n in range(20):
        data(await send(client, channel["id"], team.admin, f"m{n}"), 201)
    await pump.worker.intake(pump.tap.drain())
    platform.settings.webhook_concurrency = 3
    other = WebhookWorker(platform, now=pump.clock)
    try:
        sent = await asyncio.gather(pump.worker.run_once(), other.run_once())
    finally:
        await other.aclose()
    assert sum(sent) == 20
    assert all(count > 0 for count in sent)
    ids = [r.headers["x-sesame-delivery"] for r in receiver.received]
    assert len(ids) == 20
    assert len(set(ids)) == 20
    contents = sorted(
        orjson.loads(r.body)["data"]["message"]["plaintext"] for r in receiver.received
    )
    assert contents == sorted(f"m{n}" for n in range(20))


async def test_the_running_worker_delivers_what_is_published(
    client: httpx2.AsyncClient, team: Team, receiver: Receiver, platform: Platform
) -> None:
    hook = await subscribe(client, team.bot, team.bot, receiver.url)
    channel = await team.channel(client)
    worker = WebhookWorker(platform)
    running = asyncio.create_task(worker.run())
    try:
        await asyncio.sleep(0)  # the worker taps the bus
        data(await send(client, channel["id"], team.admin, "live"), 201)
        # The outcome is logged after the receiver answers: wait for the log while the
        # worker still runs, or cancelling it could cut that write short.
        statuses: list[str] = []
        for _ in range(500):
            statuses = [d["status"] for d in await deliveries(client, team.bot, hook["id"])]
            if statuses == ["success"]:
                break
            await asyncio.sleep(0.01)
    finally:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
    assert statuses == ["success"]
    [got] = receiver.received
    assert got.json()["data"]["message"]["plaintext"] == "live"
    StandardWebhook(hook["secret"]).verify(got.body, got.headers)


def test_every_published_event_type_can_be_subscribed() -> None:
    published = {
        event.wire_name
        for feature in features()
        for event in feature.events
        if event.wire_name != "credentials.revoked"
    }
    assert published
    assert published <= EVENT_TYPES


async def test_the_app_workers_include_the_delivery_loop(
    client: httpx2.AsyncClient, team: Team, receiver: Receiver, platform: Platform
) -> None:
    await subscribe(client, team.bot, team.bot, receiver.url)
    channel = await team.channel(client)
    async with run_workers(platform):
        await asyncio.sleep(0.05)  # the loops start and tap the bus
        data(await send(client, channel["id"], team.admin, "via the app"), 201)
        for _ in range(300):
            if receiver.received:
                break
            await asyncio.sleep(0.01)
    assert [r.json()["data"]["message"]["plaintext"] for r in receiver.received] == ["via the app"]
