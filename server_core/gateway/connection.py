"""One authenticated WebSocket connection: its channels, its outgoing queue and writer task, and
the task reading its frames.

Everything the connection sends goes through one bounded queue drained by one writer, so frames
leave in the order they were queued. Events are offered by the hub's dispatcher without
waiting: a connection whose queue is full is too slow to keep up and is closed with 1013, so it
reconnects and replays. The connection's own replies (pongs, acks, errors, replayed messages)
wait for room instead, so a large replay slows down rather than disconnects.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import TYPE_CHECKING

import sqlalchemy as sa
from starlette.websockets import (
    WebSocket,
    WebSocketDisconnect,
    WebSocketDisconnected,
    WebSocketState,
)

from server_core.features.agents.status import StatusRequest, presence_event
from server_core.features.messages.events import MessageCreated
from server_core.gateway import frames, handlers
from server_core.gateway.seqs import SeqTracker
from server_core.kernel.auth import Caller
from server_core.kernel.events import Event
from server_core.kernel.store.tables import channel_members

if TYPE_CHECKING:
    from server_core.gateway.hub import Hub

log = logging.getLogger(__name__)

OUTBOX_LIMIT = 4096  # frames queued for one connection before it counts as a slow consumer
CLOSE_TIMEOUT_SECONDS = 5.0  # how long a close frame may wait for a stalled client
DISCONNECTED = (WebSocketDisconnect, WebSocketDisconnected, OSError)


class Connection:
    def __init__(self, websocket: WebSocket, hub: Hub, caller: Caller) -> None:
        self.websocket = websocket
        self.hub = hub
        self.platform = hub.platform
        self.caller = caller
        # The channels whose events this connection receives; kept by the hub.
        self.channels: set[str] = set()
        # While the initial channel list loads, membership events seen for this principal
        # (channel id → joined), which win over the loaded list.
        self.loading = True
        self.membership_changes: dict[str, bool] = {}
        self.seqs = SeqTracker()
        self.done = asyncio.Event()  # set once the connection has finished
        self._limit = OUTBOX_LIMIT
        self._outbox: deque[str] = deque()
        self._filled = asyncio.Event()
        self._room = asyncio.Event()
        self._room.set()
        self._replaying = False
        self._held: list[tuple[str, int, str]] = []
        self._finished = asyncio.Event()
        self._close: tuple[int, str] | None = None

    @property
    def principal_id(self) -> str:
        return self.caller.principal_id

    @property
    def workspace_id(self) -> str:
        return self.caller.workspace_id

    # --- outgoing ---------------------------------------------------------------------------

    def offer(self, event: Event, payload: str) -> None:
        """Queue an event for this connection (the hub's dispatcher; never waits). `message`
        events are held during a replay and never sent twice."""
        if self._close is not None:
            return
        if isinstance(event, MessageCreated):
            channel_id, seq = event.message.channel_id, event.message.seq
            if self._replaying:
                if len(self._held) >= self._limit:
                    self._overflow()
                else:
                    self._held.append((channel_id, seq, payload))
                return
            if not self.seqs.take(channel_id, seq):
                return
        self._push(payload)

    async def send(self, payload: str) -> None:
        """Queue one of the connection's own frames, waiting while the queue is half full."""
        while len(self._outbox) >= self._limit // 2 and self._close is None:
            self._room.clear()
            await self._room.wait()
        self._push(payload)

    def _push(self, payload: str) -> None:
        if self._close is not None:
            return
        if len(self._outbox) >= self._limit:
            self._overflow()
            return
        self._outbox.append(payload)
        self._filled.set()

    def _overflow(self) -> None:
        log.info(
            "closing a slow WebSocket consumer",
            extra={"principal_id": self.principal_id, "queued": len(self._outbox)},
        )
        self.request_close(frames.TRY_AGAIN_LATER, "slow consumer: reconnect and replay")

    def request_close(self, code: int, reason: str) -> None:
        """Close the connection with `code` (queued frames are dropped)."""
        if self._close is None:
            self._close = (code, reason)
        self._outbox.clear()
        self._held.clear()
        self._room.set()
        self._finished.set()

    def begin_replay(self) -> None:
        self._replaying = True

    def end_replay(self) -> None:
        """Send the live messages held during the replay that it did not already send."""
        self._replaying = False
        held, self._held = self._held, []
        for channel_id, seq, payload in held:
            if self.seqs.take(channel_id, seq):
                self._push(payload)

    async def _write(self) -> None:
        while True:
            while not self._outbox:
                self._filled.clear()
                await self._filled.wait()
            payload = self._outbox.popleft()
            if len(self._outbox) < self._limit // 2:
                self._room.set()
            await self.websocket.send_text(payload)

    # --- incoming ---------------------------------------------------------------------------

    async def _read(self) -> None:
        while True:
            message = await self.websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            await handlers.handle(self, message)

    # --- lifetime ---------------------------------------------------------------------------

    async def serve(self) -> None:
        """Run the connection until the client leaves or it is closed."""
        try:
            await self._serve()
        finally:
            self.done.set()

    async def _serve(self) -> None:
        self.hub.attach(self)
        tasks: list[asyncio.Task[None]] = []
        try:
            try:
                channel_ids = await self._member_channels()
            except Exception:
                log.exception("loading a connection's channels failed")
                self.request_close(frames.INTERNAL_ERROR, "internal error")
            else:
                self.hub.subscribe_loaded(self, channel_ids)
                self._outbox.appendleft(self._authenticated())
                self._filled.set()
            if self._close is None:
                tasks = [
                    asyncio.create_task(self._read(), name="gateway-read"),
                    asyncio.create_task(self._write(), name="gateway-write"),
                ]
                for task in tasks:
                    task.add_done_callback(self._task_done)
                await self._announce("online")
                await self._finished.wait()
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            last = self.hub.detach(self)
            if self._close is not None:
                await self._close_socket(*self._close)
            if last:
                await self._announce("offline")

    def _task_done(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled():
            error = task.exception()
            if error is not None and not isinstance(error, DISCONNECTED):
                log.error("a gateway connection task failed", exc_info=error)
                self.request_close(frames.INTERNAL_ERROR, "internal error")
        self._finished.set()

    async def _close_socket(self, code: int, reason: str) -> None:
        if (
            self.websocket.application_state != WebSocketState.CONNECTED
            or self.websocket.client_state == WebSocketState.DISCONNECTED
        ):
            return
        try:
            async with asyncio.timeout(CLOSE_TIMEOUT_SECONDS):
                await self.websocket.close(code, reason)
        except (TimeoutError, *DISCONNECTED):
            pass  # a client that reads nothing loses the connection without a close frame

    def _authenticated(self) -> str:
        return frames.encode(
            {
                "type": "authenticated",
                "heartbeatIntervalMs": self.platform.settings.heartbeat_interval_ms,
                "principalId": self.principal_id,
            }
        )

    async def _member_channels(self) -> set[str]:
        async with self.platform.store.transaction(write=False) as tx:
            rows = await tx.all(
                sa.select(channel_members.c.channel_id).where(
                    channel_members.c.principal_id == self.principal_id
                )
            )
        return {row["channel_id"] for row in rows}

    async def _announce(self, status: str) -> None:
        event = presence_event(self.caller, StatusRequest(status=status))
        try:
            await self.platform.bus.publish([event])
        except Exception:
            log.warning("publishing presence failed", exc_info=True)
