"""Concurrent senders into one channel (REST and WebSocket mixed) and concurrent retries of
one send, on both engines: every acknowledged send is in the history exactly once, with seqs
1..N and no gap; a retried send makes one message."""

from __future__ import annotations

import pytest

from tests.helpers import bearer
from tests.reliability.sends import concurrent_retries, concurrent_senders
from tests.server_core.gateway.conftest import Live, World

pytestmark = [pytest.mark.anyio, pytest.mark.both_engines]

SENDERS = 20
MESSAGES_EACH = 5
RETRIES = 20


async def test_concurrent_senders_lose_duplicate_and_skip_nothing(live: Live, world: World) -> None:
    report = await concurrent_senders(
        world.http, bearer(world.admin_token), live.ws_url, SENDERS, MESSAGES_EACH
    )
    print(f"reliability: concurrent sends: {report.summary()}")
    assert not report.refused
    assert len(report.acknowledged) == SENDERS * MESSAGES_EACH
    assert report.stored == SENDERS * MESSAGES_EACH
    assert (report.gaps, report.duplicates, report.lost) == (0, 0, 0)


async def test_concurrent_retries_of_one_send_make_one_message(live: Live, world: World) -> None:
    report = await concurrent_retries(world.http, bearer(world.admin_token), RETRIES)
    print(f"reliability: retries: {dict(report.statuses)}, {report.messages} message(s)")
    assert report.statuses == {201: 1, 200: RETRIES - 1}
    assert report.distinct_ids == 1
    assert report.messages == 1
    assert report.reuse_status == 409
