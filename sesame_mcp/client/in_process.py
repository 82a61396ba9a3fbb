"""`InProcessTransport`: the client's requests handed to an ASGI app in this process and event
loop, with no socket and no HTTP parsing in between.

The embedded MCP server uses it to call the platform it runs: over loopback TCP every request
costs two HTTP serializations, two parses and a few wake-ups of the event loop for the
socket's readiness. The platform still listens on its port for everyone else.

Each request runs in a task of its own, as it would on a server: a caller that is cancelled
(or times out) leaves the request to finish rather than cutting the platform's work in the
middle, and context variables the app sets stay in its task.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import httpx2

log = logging.getLogger(__name__)

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
AsgiApp = Callable[[MutableMapping[str, Any], Receive, Send], Awaitable[None]]

CLOSE_GRACE_SECONDS = 5  # as long as the embedded uvicorn gives open requests on shutdown
# What uvicorn answers when an app fails before it starts its response.
FAILED = (500, [(b"content-type", b"text/plain; charset=utf-8")], b"Internal Server Error")


class InProcessTransport(httpx2.AsyncBaseTransport):
    """httpx2 requests answered by calling `app` directly (its lifespan is run by whoever
    serves it). Responses are read whole: the API answers JSON, not streams."""

    def __init__(self, app: AsgiApp, *, client: tuple[str, int] = ("127.0.0.1", 0)) -> None:
        self.app = app
        self.client = client
        self._running: set[asyncio.Task[None]] = set()

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        body = await request.aread()
        exchange = _Exchange(body)
        task = asyncio.create_task(self._call(_scope(request, self.client), exchange))
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        timeout = request.extensions.get("timeout", {}).get("read")
        try:
            # Shielded: the caller may give up waiting, the request still completes.
            await asyncio.wait_for(asyncio.shield(exchange.answered), timeout)
        except TimeoutError as error:
            raise httpx2.ReadTimeout(f"no answer in {timeout} s", request=request) from error
        status, headers, content = exchange.answered.result()
        return httpx2.Response(status, headers=headers, content=content, request=request)

    async def _call(self, scope: dict[str, Any], exchange: _Exchange) -> None:
        try:
            await self.app(scope, exchange.receive, exchange.send)
        except Exception:
            if not exchange.answered.done():
                log.exception("the app failed before answering %s", scope["path"])
        finally:
            exchange.finish()

    async def aclose(self) -> None:
        """Let requests under way finish (their callers may have stopped waiting), for a few
        seconds at most; cancel what is left."""
        if not self._running:
            return
        _, late = await asyncio.wait(set(self._running), timeout=CLOSE_GRACE_SECONDS)
        for task in late:
            task.cancel()
        if late:
            await asyncio.wait(late)


class _Exchange:
    """One request's ASGI `receive` and `send`, and the answer they collect."""

    def __init__(self, body: bytes) -> None:
        self.body: bytes | None = body
        self.status = 0
        self.headers: list[tuple[bytes, bytes]] = []
        self.parts: list[bytes] = []
        self.answered: asyncio.Future[tuple[int, list[tuple[bytes, bytes]], bytes]] = (
            asyncio.get_running_loop().create_future()
        )

    async def receive(self) -> Message:
        if self.body is not None:
            body, self.body = self.body, None
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.shield(self.answered)  # nothing more comes until the answer is out
        return {"type": "http.disconnect"}

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            self.parts.append(message.get("body", b""))
            if not message.get("more_body", False) and not self.answered.done():
                self.answered.set_result((self.status, self.headers, b"".join(self.parts)))

    def finish(self) -> None:
        """The app returned: an answer it never completed is a 500."""
        if not self.answered.done():
            self.answered.set_result(FAILED)


def _scope(request: httpx2.Request, client: tuple[str, int]) -> dict[str, Any]:
    url = request.url
    raw_path, _, _ = url.raw_path.partition(b"?")
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": request.method,
        "scheme": url.scheme,
        "path": url.path,
        "raw_path": raw_path,
        "query_string": url.query,
        "root_path": "",
        "headers": [(name.lower(), value) for name, value in request.headers.raw],
        "server": (url.host, url.port or (443 if url.scheme == "https" else 80)),
        "client": client,
        "state": {},
        "extensions": {},
    }
