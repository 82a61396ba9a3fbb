"""Events pushed into the host's session, as Claude Code channels take them.

Hosts drop `notifications/resources/updated` (Claude Code does), so an agent learns of a DM
only when it next calls a tool. Claude Code reads `notifications/claude/channel` from servers
that declare the experimental capability `claude/channel` (and that the user started it with
as a channel): each one reaches the model as a `<channel source="sesame" …>` block it can act
on, replying with `send_message`.

What is pushed: messages in a DM, messages that mention the agent, tasks given to the agent
(created for it, assigned, handed off), lease approvals and wake messages for the agent (which
it posts itself: timers, schedule notifications, wake subscriptions) — never the agent's own
doing otherwise.
`content` is the event's one-line summary (others' text quoted as data); `meta` carries ids
(`channel`, `channel_id`, `sender`, `message_id`, `kind`, `task`) as strings.

A busy workspace must not flood the session: events wait in a queue drained at most once a
second (`GAP`); a drain sends up to `BURST` events one by one and folds the rest into one
summary that says how many arrived and where, pointing at `wait_for_events`. Pushes go to
every connection that finished its handshake (the 2025-11-25 era: the 2026-07-28 era has no
standalone channel for a server's own notifications) and are forgotten when it closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import AsyncIterator, Mapping
from typing import Any

import anyio
from mcp import types
from mcp.server import MCPServer, ServerRequestContext
from mcp.server.connection import Connection

from sesame_mcp.event_text import describe
from sesame_mcp.events import FeedEvent
from sesame_mcp.notifications import SEND_TIMEOUT, connection_of

log = logging.getLogger(__name__)

METHOD = "notifications/claude/channel"
CAPABILITY = "claude/channel"
GAP = 1.0  # seconds between two drains of the queue
BURST = 3  # events sent one by one per drain; the rest are folded into one summary
QUEUE = 200  # events kept waiting at most; older ones are dropped from the fold's detail
GIVEN_TO_ME = frozenset({"created", "assigned", "handoff"})


def worth_pushing(event: FeedEvent, me_id: str, direct: bool) -> bool:
    """Whether the agent should hear of `event` now. `direct`: it happened in a DM."""
    if event.wakes_me:
        return True
    if event.own:
        return False
    if event.type == "message":
        return direct or event.mentions_me
    if event.type == "task":
        task = event.data.get("task")
        if not isinstance(task, Mapping) or event.data.get("action") not in GIVEN_TO_ME:
            return False
        assignees = task.get("assigneeIds")
        mine = isinstance(assignees, list) and me_id in assignees
        made_by_me = event.data.get("action") == "created" and task.get("createdBy") == me_id
        return mine and not made_by_me
    return event.type == "vault.lease_approved" and event.data.get("requesterId") == me_id


def notification(event: FeedEvent) -> dict[str, Any]:
    """The notification's params: the summary, and string ids for the host to show."""
    meta = {"kind": event.type.replace(".", "_")}
    if event.channel:
        meta["channel"] = event.channel
    if event.channel_id:
        meta["channel_id"] = event.channel_id
    if event.actor:
        meta["sender"] = f"@{event.actor}"
    if event.message_id:
        meta["message_id"] = event.message_id
    task = event.data.get("task")
    if isinstance(task, Mapping) and isinstance(task.get("key"), str):
        meta["task"] = task["key"]
    return {"content": describe(event), "meta": meta}


def folded(events: list[FeedEvent]) -> dict[str, Any]:
    """One notification for the events a drain could not send one by one."""
    where = Counter(event.channel or event.type for event in events)
    places = ", ".join(f"{count} in {place}" for place, count in where.most_common(5))
    return {
        "content": f"{len(events)} more events ({places}); wait_for_events reads them all.",
        "meta": {"kind": "summary", "count": str(len(events))},
    }


class HostPush:
    """Pushes the events worth an agent's attention to the connections that finished their
    handshake, at a bounded rate."""

    def __init__(self, me_id: str, *, gap: float = GAP, burst: int = BURST) -> None:
        self.me_id = me_id
        self.gap = gap
        self.burst = burst
        self._connections: set[Connection] = set()
        self._queue: list[FeedEvent] = []
        self._dropped = 0
        self._waiting = asyncio.Event()

    def register(self, server: MCPServer[Any]) -> None:
        """Declare the capability at the handshake, and learn each connection when its
        handshake completes (`notifications/initialized`)."""
        lowlevel = server._lowlevel_server  # no public accessor in mcp 2.3.0
        lowlevel.add_notification_handler(
            "notifications/initialized", types.NotificationParams, self._on_initialized
        )
        create = lowlevel.create_initialization_options

        def with_channel(
            notification_options: Any = None, experimental: Any = None, *args: Any, **kw: Any
        ) -> Any:
            return create(
                notification_options, {**(experimental or {}), CAPABILITY: {}}, *args, **kw
            )

        lowlevel.create_initialization_options = with_channel  # type: ignore[method-assign,assignment]

    @property
    def connections(self) -> int:
        return len(self._connections)

    async def _on_initialized(
        self, ctx: ServerRequestContext[Any, Any], params: types.NotificationParams
    ) -> None:
        connection = connection_of(ctx.session)
        self._connections.add(connection)
        connection.exit_stack.callback(self._connections.discard, connection)

    def offer(self, event: FeedEvent, direct: bool) -> None:
        """Queue `event` if it is worth pushing (never blocks the feed)."""
        if not worth_pushing(event, self.me_id, direct):
            return
        if len(self._queue) >= QUEUE:
            self._queue.pop(0)
            self._dropped += 1
        self._queue.append(event)
        self._waiting.set()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[HostPush]:
        task = asyncio.create_task(self._drain_forever(), name="sesame-host-push")
        try:
            yield self
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _drain_forever(self) -> None:
        while True:
            await self._waiting.wait()
            self._waiting.clear()
            events, self._queue = self._queue, []
            dropped, self._dropped = self._dropped, 0
            alone, rest = events[: self.burst], events[self.burst :]
            batch = [notification(event) for event in alone]
            if rest or dropped:
                summary = folded(rest)
                if dropped:
                    summary["meta"]["dropped"] = str(dropped)
                batch.append(summary)
            for params in batch:
                await self._send(params)
            await asyncio.sleep(self.gap)

    async def _send(self, params: dict[str, Any]) -> None:
        for connection in list(self._connections):
            with anyio.move_on_after(SEND_TIMEOUT):
                try:
                    await connection.outbound.notify(METHOD, params)
                except Exception:  # one client's broken stream must not stop the others
                    log.info("channel notification not delivered", exc_info=True)
