"""Serving the MCP server to hosts: stdio, or HTTP (streamable HTTP, legacy SSE) under uvicorn
in the caller's event loop, next to the shared state (and, embedded, the platform).

HTTP requests pass a guard before the SDK sees them, in this order:

1. `Host` must be given once (else 400) and name this server (loopback names with the bound
   port, the bound address, and `--allowed-hosts`), else 421: a DNS-rebinding page cannot
   reach it through another name;
2. `Origin`, when a browser sends one, must be this server's or in `--allowed-origins`, else
   403;
3. with an auth token configured (required when bound beyond loopback), `Authorization:
   Bearer <token>` must match it (compared in constant time), else 401 with
   `WWW-Authenticate: Bearer`.

The SDK gets the same allow-lists as explicit `TransportSecuritySettings` (its automatic
protection covers loopback binds only). The token is the MCP server's own: platform
credentials are never taken from MCP clients, nor passed to them.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import ipaddress
import logging
import os
import socket
from asyncio import FIRST_COMPLETED
from collections.abc import AsyncIterator
from typing import Any, cast

import anyio
import uvicorn
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream
from mcp.server import MCPServer
from mcp.server.stdio import stdio_server
from mcp.server.transport_security import TransportSecuritySettings
from mcp.shared.message import SessionMessage
from mcp.types import (
    INVALID_REQUEST,
    PARSE_ERROR,
    ErrorData,
    JSONRPCError,
    RequestId,
)
from pydantic import ValidationError
from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from sesame_mcp.config import LOOPBACK_HOSTS, McpSettings

log = logging.getLogger(__name__)

MCP_PATHS = {"streamable-http": "/mcp", "sse": "/sse"}
STARTUP_SECONDS = 60  # migrations of a fresh database included
SHUTDOWN_GRACE_SECONDS = 5  # open event streams are cut after this on shutdown
STDIO_LINE_LIMIT = 64 * 1024 * 1024  # one JSON-RPC message per line


def url_host(host: str) -> str:
    """A host as it appears in a URL (IPv6 in brackets; the wildcard as loopback)."""
    if host in ("0.0.0.0", ""):  # noqa: S104
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def _loopback_names(port: int) -> list[str]:
    return [f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"]


def security_settings(settings: McpSettings, port: int) -> TransportSecuritySettings:
    """The allow-lists: this server's own names with the bound port, plus the configured
    extras (`host:port`, or `host:*` for any port)."""
    hosts = _loopback_names(port)
    if settings.host not in (*LOOPBACK_HOSTS, "0.0.0.0", "::"):  # noqa: S104
        hosts.append(f"{url_host(settings.host)}:{port}")
    hosts += settings.allowed_hosts
    origins = [f"http://{name}" for name in hosts] + settings.allowed_origins
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=list(dict.fromkeys(hosts)),
        allowed_origins=list(dict.fromkeys(origins)),
    )


def _allowed(value: str, allowed: list[str]) -> bool:
    """The SDK's matching: exact, or `name:*` for any port of `name`."""
    return value in allowed or any(
        pattern.endswith(":*") and value.startswith(pattern[:-1]) for pattern in allowed
    )


class Guard:
    """Host (421), Origin (403) and bearer-token (401) checks in front of the MCP app."""

    def __init__(
        self, app: ASGIApp, security: TransportSecuritySettings, token: str | None
    ) -> None:
        self.app = app
        self.security = security
        self.token = token.encode() if token is not None else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        refusal = self._refusal(headers)
        if refusal is None:
            await self.app(scope, receive, send)
        else:
            await refusal(scope, receive, send)

    def _refusal(self, headers: Headers) -> PlainTextResponse | None:
        # RFC 9112 §3.2: a request with several Host headers is a 400. Checking only the
        # first would let a second, foreign one through to whatever reads the last.
        if len(headers.getlist("host")) > 1:
            log.warning("refused a request with several Host headers")
            return PlainTextResponse("More than one Host header", status_code=400)
        host = headers.get("host", "")
        if not _allowed(host, self.security.allowed_hosts):
            log.warning("refused a request for host %r", host)
            return PlainTextResponse("Invalid Host header", status_code=421)
        origin = headers.get("origin")
        if origin and not _allowed(origin, self.security.allowed_origins):
            log.warning("refused a request from origin %r", origin)
            return PlainTextResponse("Invalid Origin header", status_code=403)
        if self.token is not None:
            scheme, _, given = headers.get("authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not given:
                return _unauthorized("Bearer")
            if not hmac.compare_digest(given.strip().encode(), self.token):
                return _unauthorized('Bearer error="invalid_token"')
        return None


def _unauthorized(challenge: str) -> PlainTextResponse:
    return PlainTextResponse(
        "Unauthorized: send the MCP server's token as `Authorization: Bearer <token>`",
        status_code=401,
        headers={"WWW-Authenticate": challenge},
    )


def http_app(server: MCPServer[Any], settings: McpSettings, port: int) -> ASGIApp:
    """The SDK's Starlette app for the configured HTTP transport, behind the guard."""
    security = security_settings(settings, port)
    if settings.transport == "sse":
        app: ASGIApp = server.sse_app(transport_security=security, host=settings.host)
    else:
        app = server.streamable_http_app(transport_security=security, host=settings.host)
    token = settings.auth_token.get_secret_value() if settings.auth_token else None
    return Guard(app, security, token)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket (port 0: a free one), so the port is known before the app is built.

    Accepted connections must have Nagle's algorithm off (TCP_NODELAY): uvicorn writes a
    response's headers and body separately, and with Nagle on the body waits for the client's
    delayed ACK, ~40 ms a request. asyncio sets it only on sockets whose `proto` is IPPROTO_TCP
    (accepted ones inherit the listener's); Linux also copies the listener's own option."""
    family = socket.AF_INET6 if _is_ipv6(host) else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        sock.listen(128)
        sock.set_inheritable(True)
    except OSError:
        sock.close()
        raise
    return sock


def _is_ipv6(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).version == 6
    except ValueError:
        return False


class Uvicorn(uvicorn.Server):
    """uvicorn without its own signal handling (the caller stops it, in order), telling when
    it listens."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = asyncio.Event()

    @contextlib.contextmanager
    def capture_signals(self) -> Any:
        yield

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            self.ready.set()


@contextlib.asynccontextmanager
async def serving(app: ASGIApp, sock: socket.socket, **options: Any) -> AsyncIterator[Uvicorn]:
    """`app` served on `sock` by uvicorn in this event loop until the block ends; yields the
    uvicorn server (its `server_state` holds the open connections)."""
    config = uvicorn.Config(
        app,
        lifespan="on",
        log_config=None,
        proxy_headers=False,
        timeout_graceful_shutdown=SHUTDOWN_GRACE_SECONDS,
        **options,
    )
    server = Uvicorn(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    ready = asyncio.create_task(server.ready.wait())
    try:
        await asyncio.wait({task, ready}, timeout=STARTUP_SECONDS, return_when=FIRST_COMPLETED)
        if not server.ready.is_set():
            if task.done():
                await task  # raises what stopped it, if anything
            raise RuntimeError("the HTTP server did not start")
        yield server
    finally:
        ready.cancel()
        server.should_exit = True
        with anyio.CancelScope(shield=True):
            await task
        sock.close()


@contextlib.asynccontextmanager
async def serving_mcp(
    server: MCPServer[Any], settings: McpSettings, sock: socket.socket
) -> AsyncIterator[str]:
    """The MCP server over the configured HTTP transport on `sock` (see `bind`); yields its
    URL."""
    port = sock.getsockname()[1]
    app = http_app(server, settings, port)
    async with serving(app, sock):
        yield f"http://{url_host(settings.host)}:{port}{MCP_PATHS[settings.transport]}"


class _Lines:
    """Lines of a stream the event loop reads, for `stdio_server(stdin=...)`."""

    def __init__(self, reader: asyncio.StreamReader) -> None:
        self.reader = reader

    def __aiter__(self) -> _Lines:
        return self

    async def __anext__(self) -> str:
        line = await self.reader.readline()
        if not line:
            raise StopAsyncIteration
        return line.decode("utf-8", errors="replace")


@contextlib.asynccontextmanager
async def _stdin_lines() -> AsyncIterator[_Lines | None]:
    """stdin read by the event loop rather than a worker thread: a thread blocked in read()
    cannot be cancelled, so a stop signal would wait for the host's next line. None when
    stdin is a regular file (the SDK's reader handles that)."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=STDIO_LINE_LIMIT)
    pipe = os.fdopen(os.dup(0), "rb", buffering=0)
    try:
        transport, _ = await loop.connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(reader), pipe
        )
    except (ValueError, OSError):
        pipe.close()
        yield None
        return
    try:
        yield _Lines(reader)
    finally:
        transport.close()


class _Output:
    """stdout written by the event loop, for `stdio_server(stdout=...)`: `flush` returns once
    the bytes are in the pipe."""

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self.writer = writer

    async def write(self, text: str) -> None:
        self.writer.write(text.encode())

    async def flush(self) -> None:
        await self.writer.drain()


@contextlib.asynccontextmanager
async def _stdout_output() -> AsyncIterator[_Output | None]:
    """stdout written by the event loop rather than a worker thread (the SDK's default):
    handing each message to a thread costs a thread switch and a wake-up of the loop per
    answer. fd 1 points at stderr meanwhile, so stray output cannot corrupt the protocol
    stream, and is restored at the end. None when stdout is not a pipe, socket or terminal
    (the SDK's writer handles that)."""
    loop = asyncio.get_running_loop()
    wire = os.dup(1)
    pipe = os.fdopen(wire, "wb", buffering=0)
    try:
        transport, protocol = await loop.connect_write_pipe(asyncio.streams.FlowControlMixin, pipe)
    except (ValueError, OSError):
        pipe.close()
        yield None
        return
    transport.set_write_buffer_limits(high=0)  # drain() waits until the pipe took it all
    original = os.dup(1)
    os.dup2(2, 1)
    try:
        yield _Output(asyncio.StreamWriter(transport, protocol, None, loop))
    finally:
        os.dup2(original, 1)
        os.close(original)
        transport.close()


async def serve_stdio(server: MCPServer[Any]) -> None:
    """The MCP server over stdin/stdout until the host closes stdin (or this is cancelled)."""
    # No public accessor for the low-level server in mcp 2.3.0; run_stdio_async() would
    # read stdin and write stdout on threads.
    lowlevel = server._lowlevel_server
    async with (
        _stdin_lines() as lines,
        _stdout_output() as output,
        stdio_server(stdin=cast(Any, lines), stdout=cast(Any, output)) as (read, write),
        anyio.create_task_group() as group,
    ):
        relay, messages = anyio.create_memory_object_stream[SessionMessage | Exception](0)
        group.start_soon(_answer_unreadable, read, relay, write)
        await lowlevel.run(messages, write, lowlevel.create_initialization_options())
        group.cancel_scope.cancel()


Inbound = MemoryObjectReceiveStream[SessionMessage | Exception]


async def _answer_unreadable(
    read: Inbound,
    relay: MemoryObjectSendStream[SessionMessage | Exception],
    write: MemoryObjectSendStream[SessionMessage],
) -> None:
    """Pass the host's messages on; answer a line that is not a JSON-RPC message with the
    JSON-RPC error for it (the SDK's server only logs it, and the host would wait for an
    answer that never comes): -32700 when it is not JSON, -32600 when it is JSON but not a
    message, with the request's id when it has a usable one."""
    async with read, relay:
        async for item in read:
            if isinstance(item, Exception):
                log.warning("unreadable message from the host: %s", _first_line(item))
                await write.send(SessionMessage(_error_for(item)))
            else:
                await relay.send(item)


def _error_for(problem: Exception) -> JSONRPCError:
    details = problem.errors() if isinstance(problem, ValidationError) else []
    if not details or any(detail["type"] == "json_invalid" for detail in details):
        return JSONRPCError(
            jsonrpc="2.0", id=None, error=ErrorData(code=PARSE_ERROR, message="Parse error")
        )
    request_id: RequestId | None = None
    for detail in details:  # some report the whole message as their input
        given = detail.get("input")
        candidate = given.get("id") if isinstance(given, dict) else None
        if isinstance(candidate, str | int) and not isinstance(candidate, bool):
            request_id = candidate
            break
    return JSONRPCError(
        jsonrpc="2.0",
        id=request_id,
        error=ErrorData(code=INVALID_REQUEST, message="Invalid Request: not a JSON-RPC message"),
    )


def _first_line(problem: Exception) -> str:
    return str(problem).split("\n", 1)[0]
