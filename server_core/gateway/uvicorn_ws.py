"""uvicorn's `websockets-sansio` protocol, with two changes for the gateway:

- open connections close with 1001 on shutdown: uvicorn closes every open WebSocket with 1012
  (service restart) before the app's lifespan shutdown runs; the protocol reference promises
  1001 (going away) when the server shuts down;
- it offers the app a `FrameWriter` (in the scope's extensions) so that an event fanned out to
  many connections is serialized once and written to each transport as it is.

Pass `UVICORN_OPTIONS` to `uvicorn.Config`.
"""

from __future__ import annotations

from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from server_core.gateway.frames import FRAME_WRITER, GOING_AWAY


class GatewayWebSocketProtocol(WebSocketsSansIOProtocol):
    def handle_connect(self, event: Any) -> None:
        super().handle_connect(event)
        del self.request  # the parsed handshake is not read again: memory per connection
        scope = getattr(self, "scope", None)
        if scope is not None:  # set only when the upgrade is accepted
            scope["extensions"][FRAME_WRITER] = self

    async def send(self, message: Any) -> None:
        await super().send(message)
        if message["type"] == "websocket.accept" and self.handshake_complete:
            del self.response  # sent, and not read again

    def shutdown(self) -> None:
        if self.close_sent or not self.handshake_complete or self.disconnected:
            super().shutdown()
            return
        self.stop_keepalive()
        self.queue.put_nowait({"type": "websocket.disconnect", "code": GOING_AWAY})
        self.conn.send_close(GOING_AWAY, "server shutting down")
        self.transport.write(b"".join(self.conn.data_to_send()))
        self.transport.close()

    # --- FrameWriter ------------------------------------------------------------------------

    def write_frame(self, data: bytes) -> bool:
        if self.close_sent or self.disconnected or self.transport.is_closing():
            return True  # closing: nothing more goes out
        if not self.writable.is_set():
            return False
        self.transport.write(data)
        return True

    async def until_writable(self) -> None:
        await self.writable.wait()


UVICORN_OPTIONS: dict[str, Any] = {
    "ws": GatewayWebSocketProtocol,
    # Frames over the gateway's 64 KiB, up to this, get an error frame rather than a close.
    "ws_max_size": 1_048_576,
    # Compression would cost a deflate per connection for every event (frames are small JSON)
    # and rules out writing one serialized frame to every connection.
    "ws_per_message_deflate": False,
}
