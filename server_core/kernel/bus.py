"""The event bus: services hand it events after their transaction commits; every subscriber on
every node receives each event once.

`InProcessBus` serves one process; `RedisBus` carries events between processes over Redis
pub/sub so several server nodes can serve one workspace.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Sequence

from server_core.kernel.events import Event

log = logging.getLogger(__name__)


class Subscription:
    """A subscriber's queue of events; iterate it, close it when done."""

    def __init__(self, bus: EventBus) -> None:
        self._bus = bus
        self._queue: asyncio.Queue[Event | None] = asyncio.Queue()

    def deliver(self, event: Event) -> None:
        self._queue.put_nowait(event)

    def close(self) -> None:
        self._bus._detach(self)
        self._queue.put_nowait(None)

    def drain(self) -> list[Event]:
        """The events queued now, without waiting."""
        events = []
        while not self._queue.empty():
            event = self._queue.get_nowait()
            if event is None:  # closed: leave the mark for `get`
                self._queue.put_nowait(None)
                break
            events.append(event)
        return events

    async def get(self) -> Event | None:
        """The next event, or None once the subscription is closed."""
        return await self._queue.get()

    async def __aiter__(self) -> AsyncIterator[Event]:
        while (event := await self._queue.get()) is not None:
            yield event


class EventBus(ABC):
    """Fan-out of committed events to every subscriber on every node."""

    def __init__(self) -> None:
        self._subscriptions: set[Subscription] = set()
        self._taps: set[Subscription] = set()

    def subscribe(self) -> Subscription:
        subscription = Subscription(self)
        self._subscriptions.add(subscription)
        return subscription

    def tap(self) -> Subscription:
        """The events published by this node only: each event reaches the taps of exactly one
        node, for work that must happen once per event (webhook deliveries)."""
        subscription = Subscription(self)
        self._taps.add(subscription)
        return subscription

    def _detach(self, subscription: Subscription) -> None:
        self._subscriptions.discard(subscription)
        self._taps.discard(subscription)

    def _deliver_to_taps(self, event: Event) -> None:
        for subscription in list(self._taps):
            subscription.deliver(event)

    def _deliver_locally(self, event: Event) -> None:
        for subscription in list(self._subscriptions):
            subscription.deliver(event)

    async def start(self) -> None:  # noqa: B027 - optional hook
        """Connect to the transport, if any."""

    async def close(self) -> None:
        for subscription in [*self._subscriptions, *self._taps]:
            subscription.close()

    @abstractmethod
    async def publish(self, events: Sequence[Event]) -> None:
        """Deliver committed events to every subscriber."""


class InProcessBus(EventBus):
    """One process: delivery is a queue put per subscriber."""

    async def publish(self, events: Sequence[Event]) -> None:
        for event in events:
            self._deliver_locally(event)
            self._deliver_to_taps(event)


class RedisBus(EventBus):
    """Several processes: events go through one Redis pub/sub channel and every node delivers
    what it receives (its own events included) to its local subscribers, so each subscriber sees
    each event exactly once whichever node published it."""

    def __init__(self, url: str, channel: str = "sesame:events") -> None:
        super().__init__()
        self.channel = channel
        import redis.asyncio as redis

        self._redis = redis.Redis.from_url(url)
        self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        self._reader: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self._pubsub.subscribe(self.channel)
        self._reader = asyncio.create_task(self._read(), name="redis-bus-reader")

    async def _read(self) -> None:
        while True:
            try:
                message = await self._pubsub.get_message(timeout=1.0)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("redis bus read failed; retrying")
                await asyncio.sleep(1.0)
                continue
            if message is None:
                continue
            try:
                event = Event.from_json(message["data"])
            except Exception:
                log.exception("dropping undecodable event from redis")
                continue
            self._deliver_locally(event)

    async def publish(self, events: Sequence[Event]) -> None:
        for event in events:
            self._deliver_to_taps(event)
            await self._redis.publish(self.channel, event.to_json())

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        await self._pubsub.aclose()  # type: ignore[no-untyped-call]
        await self._redis.aclose()
        await super().close()


def bus_for(redis_url: str | None) -> EventBus:
    return RedisBus(redis_url) if redis_url else InProcessBus()
