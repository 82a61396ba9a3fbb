"""The WebSocket gateway at `/v1/connect`.

- `handshake.py`: the `auth` frame (API key, access token or Ed25519 signature) within the
  deadline, else close 4008; bad credentials close 4001.
- `hub.py`: one bus subscription per process, routing events to local connections.
- `connection.py`: a connection's subscriptions and outgoing frames (written straight to the
  transport when nothing is queued).
- `handlers.py`: the client frames (ping, replay, send, read, typing, status).
- `uvicorn_ws.py`: uvicorn's WebSocket protocol, closing with 1001 when the server stops and
  offering a frame writer; `UVICORN_OPTIONS` for `uvicorn.Config`.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI, WebSocket
from starlette.types import ASGIApp, Receive, Scope, Send

from server_core.gateway import frames
from server_core.gateway.connection import DISCONNECTED, Connection
from server_core.gateway.handshake import handshake
from server_core.gateway.hub import Hub
from server_core.kernel.platform import Platform

PATH = "/v1/connect"


class GatewayRoute:
    """Serves `/v1/connect`, in front of the HTTP middleware and router (install it as the
    outermost middleware). A connection lives for hours and there may be thousands: every
    layer of the HTTP stack kept in its await chain would cost memory per connection, and
    none of them has anything to do for a WebSocket."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and scope["path"] == PATH:
            await connect(WebSocket(scope, receive, send))
        else:
            await self.app(scope, receive, send)


async def connect(websocket: WebSocket) -> None:
    """One client of the gateway, from the handshake until it leaves."""
    hub: Hub | None = getattr(websocket.app.state, "gateway", None)
    try:
        await websocket.accept()
        if hub is None or hub.stopping:
            await websocket.close(frames.GOING_AWAY, "the gateway is not running")
            return
        caller = await handshake(websocket, hub.platform)
    except DISCONNECTED:
        return  # the client left during the handshake
    if caller is not None:
        await Connection(websocket, hub, caller).serve()


@contextlib.asynccontextmanager
async def gateway_hub(app: FastAPI, platform: Platform) -> AsyncIterator[None]:
    """Run the gateway's fan-out for the app's lifetime; close connections with 1001 after."""
    hub = Hub(platform)
    hub.start()
    app.state.gateway = hub
    try:
        yield
    finally:
        await hub.stop()
        app.state.gateway = None
