"""Event buses: every subscriber gets each committed event once, in one process or across
processes through Redis."""

from __future__ import annotations

import anyio
import pytest

from server_core.kernel.bus import InProcessBus, RedisBus
from server_core.kernel.events import Event, EventRoute
from server_core.kernel.ids import new_id

pytestmark = pytest.mark.anyio


class Pinged(Event):
    wire_name = "test.pinged"
    n: int
    channel_id: str | None = None


def _route() -> EventRoute:
    return EventRoute(workspace_id="w1", channel_id="c1", principal_ids=("p1",))


async def test_in_process_bus_fans_out_to_every_subscriber() -> None:
    bus = InProcessBus()
    first, second = bus.subscribe(), bus.subscribe()
    await bus.publish([Pinged(route=_route(), n=1), Pinged(route=_route(), n=2)])
    for subscription in (first, second):
        with anyio.fail_after(5):
            got = [await subscription.get(), await subscription.get()]
        assert [e.n for e in got if isinstance(e, Pinged)] == [1, 2]
    second.close()
    await bus.publish([Pinged(route=_route(), n=3)])
    with anyio.fail_after(5):
        third = await first.get()
    assert isinstance(third, Pinged)
    assert third.n == 3
    assert await second.get() is None  # closed
    await bus.close()


def test_events_survive_serialization() -> None:
    event = Pinged(route=_route(), n=7, channel_id="c9")
    again = Event.from_json(event.to_json())
    assert isinstance(again, Pinged)
    assert again == event
    assert again.route == event.route
    assert again.frame() == {"type": "test.pinged", "n": 7, "channelId": "c9"}


async def test_redis_bus_delivers_between_nodes_once(redis_url: str) -> None:
    channel = f"sesame:test:{new_id()}"  # private to this test run
    node_a, node_b = RedisBus(redis_url, channel), RedisBus(redis_url, channel)
    await node_a.start()
    await node_b.start()
    try:
        on_a, on_b = node_a.subscribe(), node_b.subscribe()
        await node_a.publish([Pinged(route=_route(), n=1)])
        await node_b.publish([Pinged(route=_route(), n=2)])
        for subscription in (on_a, on_b):
            with anyio.fail_after(5):
                got = [await subscription.get(), await subscription.get()]
            assert sorted(e.n for e in got if isinstance(e, Pinged)) == [1, 2]
            assert subscription._queue.empty()
    finally:
        await node_a.close()
        await node_b.close()


async def test_in_process_taps_see_what_is_published_and_drain_keeps_the_close() -> None:
    bus = InProcessBus()
    tap = bus.tap()
    await bus.publish([Pinged(route=_route(), n=1), Pinged(route=_route(), n=2)])
    assert [e.n for e in tap.drain() if isinstance(e, Pinged)] == [1, 2]
    assert tap.drain() == []
    tap.close()
    assert tap.drain() == []
    assert await tap.get() is None  # the close survives a drain
    await bus.close()


async def test_redis_taps_see_only_their_own_node(redis_url: str) -> None:
    channel = f"sesame:test:{new_id()}"
    node_a, node_b = RedisBus(redis_url, channel), RedisBus(redis_url, channel)
    await node_a.start()
    await node_b.start()
    try:
        tap_a, tap_b, on_b = node_a.tap(), node_b.tap(), node_b.subscribe()
        await node_a.publish([Pinged(route=_route(), n=1)])
        await node_b.publish([Pinged(route=_route(), n=2)])
        with anyio.fail_after(5):
            got = [await on_b.get(), await on_b.get()]
        assert sorted(e.n for e in got if isinstance(e, Pinged)) == [1, 2]
        assert [e.n for e in tap_a.drain() if isinstance(e, Pinged)] == [1]
        assert [e.n for e in tap_b.drain() if isinstance(e, Pinged)] == [2]
    finally:
        await node_a.close()
        await node_b.close()
