"""One authenticated WebSocket connection: its channels and its outgoing frames, served by
the one task the ASGI server runs it in.

Frames leave in the order they were queued. When the server offers a `FrameWriter` and
nothing is queued, a frame is written to the transport at once (no task switch per delivery,
which is what makes fanning out to many connections cheap); otherwise it waits in a bounded
queue that a short-lived drain task empties, waiting while the transport's buffer is full.
Events are offered by the hub's dispatcher without waiting: a connection whose queue is full is
too slow to keep up and is closed with 1013, so it reconnects and replays. The connection's own
replies (pongs, acks, errors, replayed messages) wait for room instead, so a large replay slows
down rather than disconnects.

A connection lives for hours and there may be many thousands, so it keeps no idle tasks or
events of its own: futures are made when something waits.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from starlette.websockets import (
    WebSocket,
    WebSocketDisconnect,
    WebSocketDisconnected,
    WebSocketState,
)

from server_core.features.agents.schemas import StatusRequest
from server_core.features.agents.status import presence_event
from server_core.features.messaging.events import MessageCreated
from server_core.features.messaging.tables import channel_members
from server_core.gateway import frames, handlers
from server_core.gateway.seqs import SeqTracker
from server_core.kernel.auth import Caller
from server_core.kernel.events import Event

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
        self.principal_id = caller.principal_id
        self.workspace_id = caller.workspace_id
        # The channels whose events this connection receives; kept by the hub.
        self.channels: set[str] = set()
        # While the initial channel list loads, membership events seen for this principal
        # (channel id → joined), which win over the loaded list.
        self.loading = True
        self.membership_changes: dict[str, bool] = {}
        self.seqs = SeqTracker()
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._limit = OUTBOX_LIMIT
        self._frame_writer: frames.FrameWriter | None = websocket.scope.get("extensions", {}).get(
            frames.FRAME_WRITER
        )
        self._outbox: deque[frames.Outgoing] = deque()
        self._started = False  # `authenticated` is queued: frames may flow
        self._drainer: asyncio.Task[None] | None = None
        self._room: asyncio.Future[None] | None = None  # own frames waiting for queue room
        self._replaying = False
        self._held: list[tuple[str, int, frames.Outgoing]] = []
        self._close: tuple[int, str] | None = None
        self._farewell: dict[str, Any] | None = None  # the frame sent just before the close
        self._task: asyncio.Task[object] | None = (
            None  # the serving task, while it waits for a frame
        )

    # --- outgoing ---------------------------------------------------------------------------

    def offer(self, event: Event, payload: frames.Outgoing) -> None:
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
            if self._room is None:
                self._room = asyncio.get_running_loop().create_future()
            await asyncio.shield(self._room)
        self._push(frames.Outgoing(payload))

    def _push(self, payload: frames.Outgoing) -> None:
        if self._close is not None:
            return
        writer = self._frame_writer
        if (
            writer is not None
            and self._started
            and not self._outbox
            and writer.write_frame(payload.wire)  # False: the transport is full, queue it
        ):
            return
        if len(self._outbox) >= self._limit:
            self._overflow()
            return
        self._outbox.append(payload)
        self._start_drain()

    def _overflow(self) -> None:
        log.info(
            "closing a slow WebSocket consumer",
            extra={"principal_id": self.principal_id, "queued": len(self._outbox)},
        )
        self.request_close(frames.TRY_AGAIN_LATER, "slow consumer: reconnect and replay")

    def request_close(
        self, code: int, reason: str, *, farewell: dict[str, Any] | None = None
    ) -> None:
        """Close the connection with `code` (queued frames are dropped), after sending the
        `farewell` frame when one is given."""
        if self._close is None:
            self._close = (code, reason)
            self._farewell = farewell
        self._outbox.clear()
        self._held.clear()
        self._make_room()
        if self._task is not None:
            self._task.cancel()  # it is waiting for the client's next frame: stop waiting
            self._task = None

    def begin_replay(self) -> None:
        self._replaying = True

    def end_replay(self) -> None:
        """Send the live messages held during the replay that it did not already send."""
        self._replaying = False
        held, self._held = self._held, []
        for channel_id, seq, payload in held:
            if self.seqs.take(channel_id, seq):
                self._push(payload)

    def _make_room(self) -> None:
        if self._room is not None:
            self._room.set_result(None)
            self._room = None

    def _start_drain(self) -> None:
        if self._started and self._drainer is None and self._outbox:
            self._drainer = asyncio.create_task(self._drain(), name="gateway-drain")

    async def _drain(self) -> None:
        """Write the queued frames in order, waiting for the transport when it is full."""
        writer = self._frame_writer
        try:
            while self._outbox and self._close is None:
                if writer is not None:
                    # The frame stays queued until written, so `_push` cannot overtake it.
                    await writer.until_writable()
                    if self._outbox and writer.write_frame(self._outbox[0].wire):
                        self._outbox.popleft()
                else:
                    await self.websocket.send_text(self._outbox.popleft().text)
                if len(self._outbox) < self._limit // 2:
                    self._make_room()
        except DISCONNECTED:
            self._outbox.clear()  # the client left; the serving task hears it
        except Exception:
            log.exception("writing to a WebSocket connection failed")
            self.request_close(frames.INTERNAL_ERROR, "internal error")
        finally:
            self._drainer = None
            self._make_room()

    # --- incoming ---------------------------------------------------------------------------

    async def _read(self) -> None:
        """Handle the client's frames until it leaves or the connection is closed."""
        task = asyncio.current_task()
        while self._close is None:
            self._task = task
            try:
                message = await self.websocket.receive()
            except asyncio.CancelledError:
                if self._close is None or task is None or task.uncancel() > 0:
                    raise  # cancelled from outside, not by `request_close`
                return
            finally:
                self._task = None
            if message["type"] == "websocket.disconnect":
                return
            await handlers.handle(self, message)

    # --- lifetime ---------------------------------------------------------------------------

    async def serve(self) -> None:
        """Run the connection until the client leaves or it is closed."""
        try:
            await self._serve()
        finally:
            if not self.done.done():
                self.done.set_result(None)

    async def _serve(self) -> None:
        self.hub.attach(self)
        try:
            try:
                channel_ids = await self._member_channels()
            except Exception:
                log.exception("loading a connection's channels failed")
                self.request_close(frames.INTERNAL_ERROR, "internal error")
            else:
                self.hub.subscribe_loaded(self, channel_ids)
                self._outbox.appendleft(frames.Outgoing(self._authenticated()))
                self._started = True
                self._start_drain()
            if self._close is None:
                await self._announce("online")
                try:
                    await self._read()
                except DISCONNECTED:
                    pass
                except Exception:
                    log.exception("a gateway connection failed")
                    self.request_close(frames.INTERNAL_ERROR, "internal error")
        finally:
            if self._drainer is not None:
                self._drainer.cancel()
            last = self.hub.detach(self)
            if self._close is not None:
                await self._close_socket(*self._close)
            if last:
                await self._announce("offline")

    async def _close_socket(self, code: int, reason: str) -> None:
        if (
            self.websocket.application_state != WebSocketState.CONNECTED
            or self.websocket.client_state == WebSocketState.DISCONNECTED
        ):
            return
        try:
            async with asyncio.timeout(CLOSE_TIMEOUT_SECONDS):
                if self._farewell is not None:
                    await self.websocket.send_text(frames.encode(self._farewell))
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
