"""uvicorn's `websockets-sansio` protocol, closing open connections with 1001 on shutdown.

uvicorn closes every open WebSocket with 1012 (service restart) before the app's lifespan
shutdown runs; the protocol reference promises 1001 (going away) when the server shuts down.
Pass this class as `uvicorn.Config(ws=...)`.
"""

from __future__ import annotations

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from server_core.gateway.frames import GOING_AWAY


class GatewayWebSocketProtocol(WebSocketsSansIOProtocol):
    def shutdown(self) -> None:
        if self.close_sent or not self.handshake_complete or self.disconnected:
            super().shutdown()
            return
        self.stop_keepalive()
        self.queue.put_nowait({"type": "websocket.disconnect", "code": GOING_AWAY})
        self.conn.send_close(GOING_AWAY, "server shutting down")
        self.transport.write(b"".join(self.conn.data_to_send()))
        self.transport.close()
