"""`EventListener`: the platform's WebSocket events (`/v1/connect`) as an async iterator.

Each connection sends the `auth` frame (the client's credential; a fresh signature or the
current access token), then `replay` with the last delivered seq of every known channel, so
messages posted while it was away arrive before anything newer. The first connection takes its
cursors from the channels' `lastSeq` (history is not replayed), unless cursors are given.

- Heartbeat: a `ping` every `heartbeatIntervalMs` (from `authenticated`); when nothing comes
  back within the pong timeout the connection counts as dead and is replaced.
- Reconnect: after a drop, a server restart (1001), a slow-consumer close (1013) or a network
  error, with exponential backoff and full jitter, capped. An auth failure (4001) is final and
  raised as `SesameError` — except an expired access token, which is renewed once. So is a
  close with 4001 after authentication: the credential was revoked or the agent archived.
- Exactly once: `message` events are delivered once per (channelId, seq) and, within a channel,
  in seq order (events that arrive before `replay.done` are held and sorted).

Only messages are replayed: other events (edits, reactions, presence…) that happened while
disconnected are not; read state again after a reconnect if they matter.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, WebSocketException

from server_core.features.messaging.schemas import SendMessageRequest
from sesame_mcp.client.errors import CONNECTION_FAILED, TIMEOUT, SesameError
from sesame_mcp.client.frames import (
    AUTH_FAILED,
    END,
    DeliveryAck,
    ServerEvent,
    authenticate,
    decode,
    error_from_frame,
    in_seq_order,
)
from sesame_mcp.client.seqs import Delivered
from sesame_mcp.client.wire import body

if TYPE_CHECKING:
    from sesame_mcp.client.rest import SesameClient

log = logging.getLogger(__name__)

PING = json.dumps({"type": "ping"})


class _Renewed(Exception):
    """The access token expired and was renewed: connect again at once."""


class EventListener:
    """Platform events for one principal, surviving disconnects. Use as an async context
    manager (it returns once connected and caught up) and iterate over it:

        async with client.listen() as events:
            async for event in events:
                ...
    """

    def __init__(
        self,
        client: SesameClient,
        *,
        cursors: Mapping[str, int] | None = None,
        reconnect_delay: float = 0.5,
        max_reconnect_delay: float = 30.0,
        max_reconnect_attempts: int | None = None,
        pong_timeout: float | None = None,
        open_timeout: float = 10.0,
        max_queue: int = 4096,
    ) -> None:
        self._client = client
        self._delivered = Delivered(cursors) if cursors is not None else None
        self._base_delay = reconnect_delay
        self._max_delay = max_reconnect_delay
        self._max_attempts = max_reconnect_attempts
        self._pong_timeout = pong_timeout
        self._open_timeout = open_timeout
        self._max_queue = max_queue
        self._queue: asyncio.Queue[ServerEvent | object] = asyncio.Queue()
        self._room = asyncio.Event()
        self._state = asyncio.Condition()
        self._task: asyncio.Task[None] | None = None
        self._ws: ClientConnection | None = None
        self._replaying = False
        self._held: list[ServerEvent] = []
        self._alive = asyncio.Event()
        self._pending: dict[str, asyncio.Future[DeliveryAck]] = {}
        self._error: SesameError | None = None
        self._finished = False
        self.connections = 0  # connections that authenticated and finished their replay
        self.principal_id: str | None = None

    # --- lifetime ---------------------------------------------------------------------------

    async def __aenter__(self) -> EventListener:
        self.start()
        try:
            await self.wait_ready()
        except BaseException:
            await self.aclose()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def start(self) -> None:
        """Start connecting in the background (the context manager does this)."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="sesame-event-listener")

    async def aclose(self) -> None:
        """Disconnect and stop; iteration ends after the events already received."""
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                if (current := asyncio.current_task()) is not None and current.cancelling():
                    raise

    @property
    def connected(self) -> bool:
        """Whether a connection is up and has finished its replay (live events flow now)."""
        return self._ws is not None and not self._replaying

    async def wait_ready(self, connections: int = 1) -> None:
        """Wait until `connections` connections in all have authenticated and replayed (the
        first by default); raises the `SesameError` that stopped the listener."""
        async with self._state:
            await self._state.wait_for(lambda: self.connections >= connections or self._finished)
        if self.connections < connections:
            raise self._error or SesameError(
                "The listener has stopped", status=None, code=CONNECTION_FAILED
            )

    # --- iteration --------------------------------------------------------------------------

    def __aiter__(self) -> EventListener:
        return self

    async def __anext__(self) -> ServerEvent:
        item = await self._queue.get()
        if self._queue.qsize() < self._max_queue:
            self._room.set()
        if isinstance(item, ServerEvent):
            return item
        self._queue.put_nowait(END)  # later calls end too
        if self._error is not None:
            raise self._error
        raise StopAsyncIteration

    # --- client frames ----------------------------------------------------------------------

    async def send(
        self,
        channel_id: str,
        content: str,
        *,
        ack_timeout: float = 30.0,
        client_generated_id: str | None = None,
        **fields: Any,
    ) -> DeliveryAck:
        """Send a message over the socket (fields as `messages.send`) and wait for its
        `delivery.ack`. A `client_generated_id` is made up when none is given, so sending
        again after a `connection_failed` cannot post the message twice."""
        cgid = client_generated_id or str(uuid.uuid4())
        frame = {
            "type": "send",
            "channelId": channel_id,
            **body(SendMessageRequest, content=content, client_generated_id=cgid, **fields),
        }
        future: asyncio.Future[DeliveryAck] = asyncio.get_running_loop().create_future()
        self._pending[cgid] = future
        try:
            async with asyncio.timeout(ack_timeout):
                await self._send_frame(frame)
                return await future
        except TimeoutError as exc:
            raise SesameError(
                f"No delivery.ack within {ack_timeout}s", status=None, code=TIMEOUT
            ) from exc
        finally:
            if self._pending.get(cgid) is future:
                del self._pending[cgid]
            future.cancel()  # nothing once it has its answer

    async def typing(self, channel_id: str) -> None:
        """Tell the channel's members that you are typing."""
        await self._send_frame({"type": "typing", "channelId": channel_id})

    async def _send_frame(self, frame: dict[str, Any]) -> None:
        ws = self._ws
        if ws is None or self._replaying:
            async with self._state:
                await self._state.wait_for(
                    lambda: (self._ws is not None and not self._replaying) or self._finished
                )
            ws = self._ws
        if ws is None:
            raise self._error or SesameError(
                "The listener has stopped", status=None, code=CONNECTION_FAILED
            )
        try:
            await ws.send(json.dumps(frame))
        except ConnectionClosed as exc:
            raise SesameError(
                "The connection closed before the frame was sent",
                status=None,
                code=CONNECTION_FAILED,
            ) from exc

    # --- the connection loop ----------------------------------------------------------------

    async def _run(self) -> None:
        failures = 0
        renewed_at = -1  # the connection count at the last renewal: renew once per success
        try:
            while True:
                ready_before = self.connections
                try:
                    await self._connection()
                except _Renewed as renewed:
                    if renewed_at != self.connections:
                        renewed_at = self.connections
                        continue
                    log.info("the renewed access token was refused too: %s", renewed.__cause__)
                except SesameError as exc:
                    if exc.status in (401, 403):
                        self._error = exc
                        return
                    log.info("event connection failed: %s", exc)
                except (OSError, TimeoutError, WebSocketException) as exc:
                    log.info("event connection failed: %s: %s", type(exc).__name__, exc)
                failures = 1 if self.connections > ready_before else failures + 1
                if self._max_attempts is not None and failures > self._max_attempts:
                    self._error = SesameError(
                        f"Gave up reconnecting after {self._max_attempts} attempts",
                        status=None,
                        code=CONNECTION_FAILED,
                    )
                    return
                # Full jitter: clients dropped together do not come back together.
                ceiling = min(self._max_delay, self._base_delay * 2 ** (failures - 1))
                await asyncio.sleep(random.uniform(0, ceiling))  # noqa: S311 (not crypto)
        except Exception as exc:
            log.exception("the event listener failed")
            self._error = SesameError(str(exc), status=None, code=CONNECTION_FAILED)
        finally:
            self._finished = True
            self._queue.put_nowait(END)
            self._fail_pending("The listener has stopped")
            async with self._state:
                self._state.notify_all()

    async def _connection(self) -> None:
        """One connection, from the auth frame until it closes."""
        credentials = self._client.credentials
        if credentials is None:
            raise SesameError("The client has no credentials", status=401, code="unauthorized")
        if self._delivered is None:
            channels = await self._client.channels.list()
            self._delivered = Delivered({channel.id: channel.last_seq for channel in channels})
        auth = credentials.auth_frame()
        async with connect(
            self._client.ws_url,
            open_timeout=self._open_timeout,
            ping_interval=None,  # the protocol's own ping frames are the heartbeat
            close_timeout=5,
        ) as ws:
            hello = await self._authenticate(ws, auth)
            self.principal_id = hello.get("principalId")
            interval = max(float(hello.get("heartbeatIntervalMs") or 30_000) / 1000, 0.1)
            await ws.send(json.dumps({"type": "replay", "cursors": self._delivered.cursors()}))
            self._replaying, self._held = True, []
            self._ws = ws
            heartbeat = asyncio.create_task(self._heartbeat(ws, interval))
            try:
                async for raw in ws:
                    frame = decode(raw)
                    if frame is not None:
                        await self._on_frame(frame)
            except ConnectionClosed:
                pass
            finally:
                heartbeat.cancel()
                await asyncio.gather(heartbeat, return_exceptions=True)
                self._ws, self._replaying, self._held = None, False, []
                self._fail_pending("The connection closed before the delivery.ack")
            log.info("event connection closed: %s %s", ws.close_code, ws.close_reason)
            if ws.close_code == AUTH_FAILED:
                # The credential was taken back (revoked, archived): final, and says why.
                reason = ws.close_reason or "the platform ended the connection's credentials"
                raise SesameError(reason, status=401, code="credentials_revoked")

    async def _authenticate(self, ws: ClientConnection, auth: dict[str, Any]) -> dict[str, Any]:
        """The `authenticated` frame; a refused auth raises, except an expired access token,
        which is renewed for the next attempt."""
        try:
            return await authenticate(ws, auth, self._open_timeout)
        except SesameError as error:
            token = auth.get("token")
            if (
                error.code == "credentials_expired"
                and isinstance(token, str)
                and await self._client.renew_expired(token)
            ):
                raise _Renewed() from error
            raise

    async def _heartbeat(self, ws: ClientConnection, interval: float) -> None:
        timeout = self._pong_timeout or interval
        while True:
            await asyncio.sleep(interval)
            self._alive.clear()
            await ws.send(PING)
            try:
                async with asyncio.timeout(timeout):
                    await self._alive.wait()
            except TimeoutError:
                log.info("no pong within %.1fs: reconnecting", timeout)
                await ws.close(1001, "heartbeat timeout")
                return

    async def _on_frame(self, frame: dict[str, Any]) -> None:
        self._alive.set()  # any frame proves the connection alive; a pong may queue behind
        kind = frame.get("type")
        if kind == "pong":
            return
        if kind == "delivery.ack" or (kind == "error" and frame.get("frame") == "send"):
            future = self._pending.get(str(frame.get("clientGeneratedId")))
            if future is not None and not future.done():
                if kind == "delivery.ack":
                    future.set_result(DeliveryAck.from_frame(frame))
                else:
                    future.set_exception(error_from_frame(frame))
                return
        if kind == "replay.done":
            held, self._held, self._replaying = self._held, [], False
            for event in in_seq_order(held):
                await self._deliver(event)
            self.connections += 1
            async with self._state:
                self._state.notify_all()
            return
        event = ServerEvent.from_frame(frame)
        if self._replaying:
            self._held.append(event)
        else:
            await self._deliver(event)

    async def _deliver(self, event: ServerEvent) -> None:
        message = event.message
        delivered = self._delivered
        if (
            message is not None
            and delivered is not None
            and not delivered.take(message.channel_id, message.seq)
        ):
            return
        # A consumer this far behind holds the reader back; the server then closes the
        # connection as a slow consumer and the replay catches up.
        while self._queue.qsize() >= self._max_queue:
            self._room.clear()
            await self._room.wait()
        self._queue.put_nowait(event)

    def _fail_pending(self, reason: str) -> None:
        for future in self._pending.values():
            if not future.done():
                future.set_exception(SesameError(reason, status=None, code=CONNECTION_FAILED))
        self._pending.clear()
