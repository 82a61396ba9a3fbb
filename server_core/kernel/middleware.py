"""ASGI middleware: request ids and access logs, and the request body size limit."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import orjson
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server_core.kernel.errors import PayloadTooLarge
from server_core.kernel.ids import new_id
from server_core.kernel.logs import request_id

log = logging.getLogger("server_core.access")


class BodyTooLarge(HTTPException):
    """Raised from `receive` when a streamed body passes the limit. An HTTPException, so the
    framework passes it through to the error handlers instead of calling it a parse error."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"Request body is larger than {max_bytes} bytes")


class BodyLimit:
    """Refuse bodies over `max_bytes` with 413: at once from Content-Length, or as soon as a
    chunked body passes the limit. Paths under `exempt` prefixes limit their own bodies."""

    def __init__(self, app: ASGIApp, max_bytes: int, exempt: tuple[str, ...] = ()) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.exempt = tuple(prefix for prefix in exempt if prefix)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (
            self.exempt and str(scope.get("path", "")).startswith(self.exempt)
        ):
            await self.app(scope, receive, send)
            return
        length = Headers(scope=scope).get("content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            await _send_too_large(send, self.max_bytes)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await _send_too_large(send, self.max_bytes)


async def _send_too_large(send: Send, max_bytes: int) -> None:
    error = PayloadTooLarge(f"Request body is larger than {max_bytes} bytes")
    body = orjson.dumps(error.body())
    await send(
        {
            "type": "http.response.start",
            "status": error.status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


# Told of every request when it ends: its scope (the router has put the matched route in it),
# the response status and the seconds it took.
Observer = Callable[[Scope, int, float], None]


class AccessLog:
    """Give every request an id (echoed as X-Request-Id) and log one line when it ends; tell
    `observe` (the metrics) of it too."""

    def __init__(self, app: ASGIApp, observe: Observer | None = None) -> None:
        self.app = app
        self.observe = observe

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = new_id()
        token = request_id.set(rid)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            if self.observe is not None:
                self.observe(scope, status, elapsed)
            state = scope.get("state") or {}
            caller = state.get("caller")
            log.info(
                "request",
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "durationMs": round(elapsed * 1000, 2),
                    "principalId": getattr(caller, "principal_id", None),
                },
            )
            request_id.reset(token)
