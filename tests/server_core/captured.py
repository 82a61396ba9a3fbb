"""Checking what an action publishes against state, as zulip's `verify_action` does.

`captured_events` (a fixture of tests/server_core/conftest.py) records every event published
while a block runs, and checks each against its model the way another node receives it (sent
through the bus's JSON form and validated again). `Captured.verify` then applies the events to
the state read before the action and compares the result with a fresh read: an event that
says less, or something else, than what changed fails the test.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from server_core.kernel.events import Event
from server_core.kernel.platform import Platform

E = TypeVar("E", bound=Event)
State = TypeVar("State")


@dataclass
class Captured:
    """The events an action published, in order."""

    events: list[Event] = field(default_factory=list)

    def frames(self) -> list[dict[str, Any]]:
        """As the gateway sends them."""
        return [event.frame() for event in self.events]

    def of(self, kind: type[E]) -> list[E]:
        return [event for event in self.events if isinstance(event, kind)]

    async def verify(
        self,
        before: State,
        apply: Callable[[State, Event], State],
        read: Callable[[], Awaitable[State]],
    ) -> None:
        """The state read before, with every event applied, is the state read now."""
        expected = before
        for event in self.events:
            expected = apply(expected, event)
        assert expected == await read(), self.frames()


def checked(event: Event) -> Event:
    """The event as another node receives it: its JSON form validated against its model."""
    received = Event.from_json(event.to_json())
    assert type(received) is type(event)
    assert received.frame() == event.frame()
    assert received.route == event.route
    return received


@contextlib.asynccontextmanager
async def capture(platform: Platform) -> AsyncIterator[Captured]:
    """Record what the block publishes. Events are published before the request that caused
    them is answered, so everything an awaited action publishes is here when it ends."""
    subscription = platform.bus.subscribe()
    captured = Captured()
    try:
        yield captured
    finally:
        subscription.close()
    async for event in subscription:  # ends at the close
        captured.events.append(checked(event))
