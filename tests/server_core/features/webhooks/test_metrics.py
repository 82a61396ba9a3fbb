"""Webhook delivery in /metrics: outcomes counted as recorded, and the lag of due attempts."""

from __future__ import annotations

import httpx2
import pytest

from server_core.app import create_app
from server_core.features.webhooks import deliveries as stored
from server_core.kernel.platform import Platform
from tests.helpers import data
from tests.metrics_text import sample
from tests.server_core.features.messaging.team import Team, send
from tests.server_core.features.webhooks.conftest import Pump
from tests.server_core.features.webhooks.receiver import Receiver
from tests.server_core.features.webhooks.test_delivery import subscribe

pytestmark = pytest.mark.anyio


async def _scrape(platform: Platform) -> str:
    app = create_app(platform=platform)
    transport = httpx2.ASGITransport(app=app)
    async with httpx2.AsyncClient(transport=transport, base_url="http://test") as http:
        response = await http.get("/metrics")
    assert response.status_code == 200
    return response.text


def _outcomes(text: str) -> dict[str, float | None]:
    return {
        outcome: sample(text, "sesame_webhook_deliveries_total", outcome=outcome)
        for outcome in ("success", "retry", "failure")
    }


@pytest.mark.both_engines
async def test_outcomes_are_counted_retries_and_all(
    client: httpx2.AsyncClient, team: Team, receiver: Receiver, pump: Pump, platform: Platform
) -> None:
    receiver.status = 500
    await subscribe(client, team.bot, team.bot, receiver.url)
    channel = await team.channel(client)
    data(await send(client, channel["id"], team.admin), 201)
    assert await pump() == 2  # the first attempt and the immediate retry
    assert _outcomes(await _scrape(platform)) == {"success": 0, "retry": 2, "failure": 0}
    for delay in (10, 60, 300):
        pump.clock.advance(delay)
        assert await pump() == 1
    assert _outcomes(await _scrape(platform)) == {"success": 0, "retry": 4, "failure": 1}

    receiver.status = 204
    data(await send(client, channel["id"], team.admin), 201)
    assert await pump() == 1
    assert _outcomes(await _scrape(platform)) == {"success": 1, "retry": 4, "failure": 1}


@pytest.mark.both_engines
async def test_the_lag_is_the_age_of_the_oldest_due_attempt(
    client: httpx2.AsyncClient, team: Team, receiver: Receiver, pump: Pump, platform: Platform
) -> None:
    await subscribe(client, team.bot, team.bot, receiver.url)
    channel = await team.channel(client)
    data(await send(client, channel["id"], team.admin), 201)
    pump.clock.advance(-120)  # logged as due two minutes ago
    await pump.worker.intake(pump.tap.drain())
    lag = sample(await _scrape(platform), "sesame_webhook_lag_seconds")
    assert lag is not None
    assert 120 <= lag < 180

    async with platform.store.transaction(write=False) as tx:
        due = await tx.run(lambda conn: stored.oldest_due(conn, now=pump.clock.at))
    assert due == pump.clock.at
    assert await pump.worker.run_once() == 1
    assert sample(await _scrape(platform), "sesame_webhook_lag_seconds") == 0
