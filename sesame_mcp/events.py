"""The event feed: platform events for the MCP server's lifetime, kept for waiting agents and
announced as resource updates.

`EventFeed` runs the platform `EventListener` in the background. Each event is labelled
(author handle, channel name), numbered with the next cursor and appended to an `EventLog`
of the last `capacity` events; waiters blocked on the log wake up; the resource URIs the
event changes are published through the `ResourceNotifier` (both protocol eras).

Cursors are opaque strings `<feed id>-<number>`: numbers grow by one per event, and the feed
id changes when the server restarts, so a cursor from an earlier run is recognised as such
(its events are gone) instead of silently skipping or repeating events.

A lost platform connection does not stop the feed: the listener reconnects and replays the
messages missed meanwhile (each logged once: the feed keeps the delivered seqs per channel);
should the listener stop for good (a refused credential), the feed starts a new one after a
pause. `connected` and `problem` say how it stands, for tools to tell the agent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections import deque
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import anyio

from sesame_mcp.client import EventListener, ServerEvent, SesameClient, SesameError
from sesame_mcp.client.seqs import Delivered
from sesame_mcp.labels import Directory
from sesame_mcp.notifications import ResourceNotifier, changed_resources

log = logging.getLogger(__name__)

CAPACITY = 1000
RESTART_DELAY = 5.0  # after the listener stopped for good (e.g. a refused credential)


@dataclass(frozen=True)
class FeedEvent:
    """A platform event as the feed logged it, labelled for an agent."""

    cursor: int
    type: str
    channel_id: str | None
    channel: str | None  # `#plans`, `DM with @bob`
    actor_id: str | None  # who did it: sender, editor, reactor, member, reader…
    actor: str | None  # their handle, without `@`
    message_id: str | None
    text: str | None  # message text (new, or as edited): data from its author
    mentions_me: bool
    own: bool  # done by the principal this server acts as
    data: Mapping[str, Any]  # the platform's payload, wire names
    wakes_me: bool = False  # a wake message for this principal (posted as itself, yet not own)


class EventLog:
    """The last `capacity` events with their cursors, and a way to wait for newer ones."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self._events: deque[FeedEvent] = deque(maxlen=capacity)
        self.head = 0  # the cursor of the newest event; 0 before the first
        self._grown = anyio.Event()
        self.waiters = 0
        self._waiters_changed = anyio.Event()

    def append(self, make: Callable[[int], FeedEvent]) -> FeedEvent:
        """Log the event `make(cursor)` builds, with the next cursor, and wake the waiters."""
        self.head += 1
        event = make(self.head)
        self._events.append(event)
        self._grown.set()
        self._grown = anyio.Event()
        return event

    @property
    def oldest(self) -> int:
        """The cursor of the oldest event held; `head + 1` when none are."""
        return self._events[0].cursor if self._events else self.head + 1

    def after(self, cursor: int) -> list[FeedEvent]:
        """The events held that came after `cursor`, oldest first."""
        if cursor >= self.head:
            return []
        skip = max(0, cursor - self.oldest + 1)
        return list(self._events)[skip:]

    def missed(self, cursor: int) -> bool:
        """Whether events after `cursor` have already left the log."""
        return cursor < self.oldest - 1

    async def wait_beyond(self, cursor: int) -> None:
        """Return once an event newer than `cursor` is logged (cancellable)."""
        self._count(+1)
        try:
            while self.head <= cursor:
                await self._grown.wait()
        finally:
            self._count(-1)

    async def settle(self, waiters: int) -> None:
        """Return once exactly `waiters` are blocked in `wait_beyond`."""
        while self.waiters != waiters:
            await self._waiters_changed.wait()

    def _count(self, change: int) -> None:
        self.waiters += change
        self._waiters_changed.set()
        self._waiters_changed = anyio.Event()


class EventFeed:
    """The platform's events for one principal, logged, awaitable and published."""

    def __init__(
        self,
        client: SesameClient,
        me_id: str,
        *,
        capacity: int = CAPACITY,
        restart_delay: float = RESTART_DELAY,
        listener_options: Mapping[str, Any] | None = None,
    ) -> None:
        self.client = client
        self.me_id = me_id
        self.id = secrets.token_hex(4)
        self.log = EventLog(capacity)
        self.notifier = ResourceNotifier()
        # Called with each event logged and whether it happened in a DM (`host_push`).
        self.watchers: list[Callable[[FeedEvent, bool], None]] = []
        self.directory = Directory(client)
        self._restart_delay = restart_delay
        self._options = dict(listener_options or {})
        self._delivered: Delivered | None = None
        self._listener: EventListener | None = None
        self._stopped_by: SesameError | None = None
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    # --- cursors ----------------------------------------------------------------------------

    def cursor(self, number: int) -> str:
        return f"{self.id}-{number}"

    def parse_cursor(self, cursor: str) -> int | None:
        """The number in one of this feed's cursors; None for a cursor of an earlier run.
        Raises ValueError for something that is not a cursor."""
        feed, _, number = cursor.rpartition("-")
        if not feed or not number.isdigit():
            raise ValueError(f"not a cursor: {cursor!r}")
        return int(number) if feed == self.id else None

    # --- state ------------------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        """Whether live events flow from the platform right now."""
        return self._listener is not None and self._listener.connected

    @property
    def listener(self) -> EventListener | None:
        """The platform listener running now (a new one after one stopped for good)."""
        return self._listener

    @property
    def problem(self) -> str | None:
        """Why the feed is not connected, for an agent; None when it is."""
        if self.connected:
            return None
        if self._stopped_by is not None:
            return f"the platform refused the event connection ({self._stopped_by.message})"
        return "the connection to the Sesame platform is down; reconnecting"

    # --- lifetime ---------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def running(self, *, ready_within: float = 10.0) -> AsyncIterator[EventFeed]:
        """Run the feed until the block ends; enter once connected (or after `ready_within`
        seconds: the server serves anyway, and the feed keeps trying)."""
        self._task = asyncio.create_task(self._run(), name="sesame-event-feed")
        try:
            with anyio.move_on_after(ready_within):
                await self._ready.wait()
            yield self
        finally:
            task, self._task = self._task, None
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                # Ours to swallow, unless the block itself is being cancelled.
                if (current := asyncio.current_task()) is not None and current.cancelling():
                    raise

    async def _run(self) -> None:
        while True:
            try:
                await self._listen()
            except SesameError as error:
                # A refused credential stays refused until someone acts; say so to agents.
                self._stopped_by = error if error.status in (401, 403) else None
                log.warning("the event listener stopped: %s", error)
            except Exception:
                log.exception("the event feed failed; restarting")
            await asyncio.sleep(self._restart_delay)

    async def _listen(self) -> None:
        """One listener, until it stops for good, continuing where the last one stopped."""
        listener = self.client.listen(cursors=await self._cursors(), **self._options)
        self._listener = listener
        listener.start()
        try:
            await listener.wait_ready()
            self._stopped_by = None
            self._ready.set()
            async for event in listener:
                await self._ingest(event)
        finally:
            await listener.aclose()

    async def _cursors(self) -> dict[str, int]:
        """Replay cursors: what was logged, and for channels without messages logged yet,
        their newest seq (what came before the feed started is history, not news)."""
        if self._delivered is None:
            self._delivered = Delivered()
        # Raises when the platform is down: a channel missing from the cursors would replay
        # its whole history, so the feed tries again later instead.
        channels = await self.directory.list_channels()
        known = self._delivered.cursors()
        for channel in channels:
            if channel.id not in known:
                self._delivered.take(channel.id, channel.last_seq)
        return self._delivered.cursors()

    # --- events -----------------------------------------------------------------------------

    async def _ingest(self, event: ServerEvent) -> None:
        if event.type == "error":
            return  # answers to frames this feed never sends
        message = event.message
        delivered = self._delivered
        if (
            message is not None
            and delivered
            and not delivered.take(message.channel_id, message.seq)
        ):
            return  # already logged, before a listener restart
        if event.channel_id and _renames(event):
            self.directory.forget_channel(event.channel_id)
        labels = await self._labels(event)
        logged = self.log.append(lambda cursor: self._make(cursor, event, *labels))
        channel = self.directory.known_channel(event.channel_id) if event.channel_id else None
        for watch in self.watchers:
            watch(logged, channel is not None and channel.kind == "dm")
        await self.notifier.publish(changed_resources(event, self.me_id))

    async def _labels(self, event: ServerEvent) -> tuple[str | None, str | None, str | None]:
        """The event's actor id and handle, and its channel's label."""
        data, message = event.data, event.message
        actor_id = message.sender_id if message is not None else _actor(data)
        handle = message.metadata.get("senderHandle") if message is not None else data.get("handle")
        actor_id = actor_id if isinstance(actor_id, str) else None
        if actor_id is not None and isinstance(handle, str):
            self.directory.learn_handle(actor_id, handle)
        elif actor_id is not None:
            handle = await self.directory.handle(actor_id)
        channel = await self.directory.channel_label(event.channel_id) if event.channel_id else None
        return actor_id, handle if isinstance(handle, str) else None, channel

    def _make(
        self,
        cursor: int,
        event: ServerEvent,
        actor_id: str | None,
        actor: str | None,
        channel: str | None,
    ) -> FeedEvent:
        message, data = event.message, event.data
        if message is not None:
            message_id: Any = message.id
            text: Any = message.plaintext
            mentions_me = any(mention.principal_id == self.me_id for mention in message.mentions)
        else:
            # A transcript is what the message's sender said: data from its author too.
            said = data.get("text") if event.type == "voice.transcribed" else data.get("plaintext")
            message_id, text, mentions_me = data.get("messageId"), said, False
        wakes_me = (
            message is not None
            and event.type == "message"
            and message.intent == "wake"
            and message.metadata.get("wakeFor") == self.me_id
        )
        return FeedEvent(
            cursor=cursor,
            type=event.type,
            channel_id=event.channel_id,
            channel=channel,
            actor_id=actor_id,
            actor=actor,
            message_id=message_id if isinstance(message_id, str) else None,
            text=text if isinstance(text, str) else None,
            mentions_me=mentions_me,
            own=actor_id == self.me_id and not wakes_me,
            data=data,
            wakes_me=wakes_me,
        )


# Who did what a non-message event reports, by the field its type names them in.
ACTOR_FIELDS = ("principalId", "requesterId", "approverId", "sharedBy")


def _actor(data: Mapping[str, Any]) -> Any:
    return next((data[name] for name in ACTOR_FIELDS if data.get(name)), None)


def _renames(event: ServerEvent) -> bool:
    """Whether the event may change the channel's name, the one thing the directory keeps
    that names depend on (a channel new to it is looked up when first needed)."""
    if event.type != "channel.updated":
        return False
    changes = event.data.get("changes")
    return not isinstance(changes, Mapping) or "name" in changes
