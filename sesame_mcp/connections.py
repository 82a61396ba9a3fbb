"""Each MCP connection is a platform session (`kind: mcp`), so the workspace sees which agents
are connected, from which host, and which files they hold.

When it opens, when it is alive, when it ends:

- 2025-11-25 (handshake): `initialize` opens (or resumes) the session: its `externalId` is
  `mcp:` + the streamable-HTTP `Mcp-Session-Id`, or a per-process id on stdio (one more per
  further connection without one, in process); `clientId` is the host's `clientInfo.name`,
  `adapterName` the transport. When the host offers roots, the first root becomes its `cwd`
  (asked after `notifications/initialized`: the handshake cannot wait on the host). It ends
  when the connection closes (stdio EOF, HTTP session deleted or timed out).
- 2026-07-28 (no handshake, a self-contained envelope per request): the first request of a
  host opens it, `externalId` `mcp:<process id>:<client name>`. Over a stream (stdio, in
  process) it ends with the stream; over HTTP there is no connection to watch, so it ends
  with the process or expires on the platform when idle.
- Tool calls bump its activity (`POST /sessions/{id}/heartbeat`, at most once per
  `THROTTLE` seconds); every `HEARTBEAT` seconds an idle but open connection's session is
  kept alive; when the process ends every session still open is ended (which releases its
  reservations).

A platform without sessions (older servers answer 404) or one that fails never breaks the
MCP connection: the failure is logged and the connection carries on without a session. The
MCP SDK gives no public hook for any of this: a server middleware sees every message.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from mcp.server import MCPServer
from mcp.server.connection import Connection
from mcp.server.session import ServerSession
from mcp.types import ListRootsRequest
from mcp_types.version import MODERN_PROTOCOL_VERSIONS

from sesame_mcp.client import SesameClient, SesameError
from sesame_mcp.notifications import connection_of

log = logging.getLogger(__name__)

THROTTLE = 30.0  # seconds: tool calls bump a session's activity at most this often
HEARTBEAT = 60.0  # seconds: an open connection's session is kept alive this often
UNKNOWN_CLIENT = "unknown"
ADAPTER_ID = "sesame.sessions.adapter_id"  # in a connection's state
CALLS = frozenset({"tools/call", "resources/read", "prompts/get"})


@dataclass
class Live:
    """A platform session this server opened for a connection."""

    id: str
    external_id: str
    client_id: str
    # Whether its connection is still open: a callable, as connections say it differently.
    is_open: Callable[[], bool] = field(default=lambda: True)
    # Sessions whose connection the server cannot watch (2026-07-28 over HTTP) get no
    # heartbeats: only their own calls keep them alive.
    watched: bool = True
    bumped: float = field(default_factory=time.monotonic)
    ended: bool = False


class ConnectionSessions:
    """The platform sessions of this server's MCP connections."""

    def __init__(
        self,
        client: SesameClient,
        *,
        transport: str = "stdio",
        throttle: float = THROTTLE,
        heartbeat: float = HEARTBEAT,
    ) -> None:
        self.client = client
        self.transport = transport
        self.throttle = throttle
        self.heartbeat = heartbeat
        self.process_id = uuid.uuid4().hex
        # False once the platform answered that it has no sessions: stop asking.
        self.available = True
        self._numbers = itertools.count(1)
        self._by_key: dict[Any, Live] = {}
        self._opening: dict[Any, asyncio.Lock] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        # What the briefing adds at connect: the other live sessions and reserved files.
        self.describe: Callable[[str | None], Awaitable[list[str]]] | None = None

    # --- the middleware -------------------------------------------------------------------

    def register(self, server: MCPServer[Any]) -> None:
        """Watch every message the server receives (both eras)."""
        server._lowlevel_server.middleware.append(self._middleware)  # no public hook in 2.3.0

    async def _middleware(self, ctx: Any, call_next: Callable[[Any], Awaitable[Any]]) -> Any:
        method = ctx.method
        if method == "initialize":
            result = await call_next(ctx)
            live = await self._guarded(self._open_handshake(ctx))
            return await self._with_sessions(result, live)
        if method == "server/discover":
            result = await call_next(ctx)
            live = await self._guarded(self.current(ctx.session, ctx.protocol_version))
            return await self._with_sessions(result, live)
        if method == "notifications/initialized":
            result = await call_next(ctx)
            self._spawn(self._ask_roots(ctx.session))
            return result
        if method in CALLS:
            await self._guarded(self.touch(ctx.session, ctx.protocol_version))
        return await call_next(ctx)

    async def _guarded(self, work: Awaitable[Live | None]) -> Live | None:
        """`work`, or None when the platform fails: the MCP connection carries on."""
        try:
            return await work
        except SesameError as error:
            if error.status == 404 and error.code in ("not_found", "route_not_found"):
                self.available = False
            log.info("session bookkeeping failed: %s", error)
        except Exception:
            log.warning("session bookkeeping failed", exc_info=True)
        return None

    async def _with_sessions(self, result: Any, live: Live | None) -> Any:
        """The connect instructions plus the other live sessions and reserved files."""
        if self.describe is None or not self.available or not isinstance(result, dict):
            return result
        try:
            lines = await self.describe(live.id if live else None)
        except Exception:
            log.info("no sessions for the briefing", exc_info=True)
            return result
        if lines:
            base = result.get("instructions") or ""
            result["instructions"] = "\n".join([base, *lines]) if base else "\n".join(lines)
        return result

    # --- opening --------------------------------------------------------------------------

    async def _open_handshake(self, ctx: Any) -> Live | None:
        """The session of a connection that just sent `initialize`."""
        params: Mapping[str, Any] = ctx.params or {}
        info = params.get("clientInfo")
        name = info.get("name") if isinstance(info, Mapping) else None
        connection = connection_of(ctx.session)
        return await self._open_for(connection, str(name or UNKNOWN_CLIENT))

    async def _open_for(self, connection: Connection, client_name: str) -> Live | None:
        live = self._by_key.get(connection)
        if live is not None or not self.available:
            return live
        adapter_id = connection.state.get(ADAPTER_ID)
        if adapter_id is None:  # kept: a session ended by a tool resumes under the same id
            adapter_id = connection.state[ADAPTER_ID] = connection.session_id or self._stream_id()
        live = await self._open(
            connection,
            external_id=f"mcp:{adapter_id}",
            adapter_session_id=adapter_id,
            client_id=client_name,
        )
        if live is not None:
            closed = _Closed()
            live.is_open = closed.is_open
            connection.exit_stack.push_async_callback(self._closing, connection, closed)
        return live

    def _stream_id(self) -> str:
        """The per-process id; a further connection without an id of its own gets a suffix."""
        number = next(self._numbers)
        return self.process_id if number == 1 else f"{self.process_id}-{number}"

    async def _open(self, key: Any, **fields: Any) -> Live | None:
        """Open (or resume) the session for `key` once, however many requests ask at once."""
        lock = self._opening.setdefault(key, asyncio.Lock())
        async with lock:
            live = self._by_key.get(key)
            if live is not None:
                return live
            record = await self.client.sessions.create(
                kind="mcp", adapter_name=self.transport, **fields
            )
            session_id = record["id"] if isinstance(record, dict) else record.id
            live = Live(session_id, fields["external_id"], fields["client_id"])
            self._by_key[key] = live
            return live

    async def current(self, session: ServerSession, protocol_version: str | None) -> Live | None:
        """The session of the connection a request arrived on, opened if need be; None when
        the platform has no sessions."""
        if not self.available:
            return None
        connection = connection_of(session)
        if protocol_version not in MODERN_PROTOCOL_VERSIONS:
            live = self._by_key.get(connection)
            if live is None:  # a connection that skipped the handshake's bookkeeping
                params = connection.client_params
                name = params.client_info.name if params is not None else UNKNOWN_CLIENT
                live = await self._open_for(connection, name)
            return live
        params = connection.client_params
        name = params.client_info.name if params is not None else UNKNOWN_CLIENT
        stream = connection.outbound if connection.has_standalone_channel else None
        key = ("modern", id(stream) if stream is not None else None, name)
        live = self._by_key.get(key)
        if live is not None:
            return live
        adapter_id = self._stream_id() if stream is not None else self.process_id
        live = await self._open(
            key,
            external_id=f"mcp:{adapter_id}:{name}"[:128],
            adapter_session_id=adapter_id,
            client_id=name,
        )
        if live is not None and stream is not None:
            live.is_open = lambda: not getattr(getattr(stream, "_outbound", None), "_closed", False)
        elif live is not None:
            live.watched = False
        return live

    async def touch(self, session: ServerSession, protocol_version: str | None) -> Live | None:
        """A call on this connection: its session's activity bumped (throttled)."""
        live = await self.current(session, protocol_version)
        if live is not None and time.monotonic() - live.bumped >= self.throttle:
            live.bumped = time.monotonic()
            await self.client.sessions.heartbeat(live.id)
        return live

    async def _ask_roots(self, session: ServerSession) -> None:
        """The host's first root as the session's `cwd`, when it offers roots."""
        connection = connection_of(session)
        live = self._by_key.get(connection)
        capabilities = connection.client_capabilities
        if live is None or capabilities is None or capabilities.roots is None:
            return
        try:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(10):
                    roots = (await connection.send_request(ListRootsRequest())).roots
                    if roots:
                        await self.client.sessions.update(live.id, cwd=_path(str(roots[0].uri)))
        except Exception:
            log.info("no roots for the session", exc_info=True)

    # --- ending ---------------------------------------------------------------------------

    async def _closing(self, connection: Connection, closed: _Closed) -> None:
        closed.closed = True
        live = self._by_key.pop(connection, None)
        self._opening.pop(connection, None)
        if live is not None:
            await self._end(live)

    async def _end(self, live: Live) -> None:
        if live.ended:
            return
        live.ended = True
        try:
            await self.client.sessions.end(live.id)
        except Exception:
            log.info("the session %s did not end", live.id, exc_info=True)

    async def sweep(self) -> None:
        """End the sessions whose connection closed, keep the idle open ones alive."""
        for key, live in list(self._by_key.items()):
            if not live.is_open():
                self._by_key.pop(key, None)
                await self._end(live)
            elif live.watched and time.monotonic() - live.bumped >= self.heartbeat:
                live.bumped = time.monotonic()
                with contextlib.suppress(SesameError):
                    await self.client.sessions.heartbeat(live.id)

    def forget(self, session_id: str) -> None:
        """A session ended by a tool: a later call of its connection resumes it (same
        externalId) rather than acting for an ended one."""
        for key, live in list(self._by_key.items()):
            if live.id == session_id:
                live.ended = True
                del self._by_key[key]

    async def end_all(self) -> None:
        """End every session still open (the process is stopping)."""
        lives, self._by_key = list(self._by_key.values()), {}
        for live in lives:
            await self._end(live)

    def _spawn(self, work: Awaitable[None]) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[ConnectionSessions]:
        """Heartbeats while the block runs; every session still open ended at its end."""
        task = asyncio.create_task(self._beat_forever(), name="sesame-session-heartbeat")
        try:
            yield self
        finally:
            task.cancel()
            for pending in [task, *self._tasks]:
                pending.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await pending
            with contextlib.suppress(Exception):
                await self.end_all()

    async def _beat_forever(self) -> None:
        while True:
            await asyncio.sleep(min(self.heartbeat, self.throttle) / 2)
            try:
                await self.sweep()
            except Exception:
                log.info("session heartbeat failed", exc_info=True)


class _Closed:
    """Whether a handshake connection has closed (its exit stack ran)."""

    def __init__(self) -> None:
        self.closed = False

    def is_open(self) -> bool:
        return not self.closed


def _path(uri: str) -> str:
    """A `file://` root as a path; any other URI as it is."""
    parts = urlsplit(uri)
    return unquote(parts.path) if parts.scheme == "file" else uri
