"""Reconnect replay: clients reading a stream of messages, 30% of them dropped mid-stream
(sockets aborted) and reconnecting with `replay` cursors: for every client, missing 0 and
duplicates 0 across the whole stream."""

from __future__ import annotations

import pytest

from tests.helpers import bearer
from tests.reliability.replay import replay_after_drops
from tests.server_core.gateway.conftest import Live, World

pytestmark = pytest.mark.anyio

CLIENTS = 10
MESSAGES = 60
DROPPED = 0.3


async def test_dropped_clients_replay_and_miss_or_repeat_nothing(live: Live, world: World) -> None:
    report = await replay_after_drops(
        world.http,
        bearer(world.admin_token),
        live.ws_url,
        clients=CLIENTS,
        messages=MESSAGES,
        drop_share=DROPPED,
    )
    print(f"reliability: replay: {report.summary()}")
    assert report.dropped == 3
    assert report.reconnected == report.mid_stream == report.dropped
    assert (report.missing, report.duplicates) == (0, 0)
