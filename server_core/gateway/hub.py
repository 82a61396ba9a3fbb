"""The gateway's fan-out: one bus subscription per process, routed to local connections.

A single dispatcher task reads every committed event and hands it to the connections it is
for, encoded once (the same string goes to every target):

- an event with a channel goes to the connections subscribed to that channel, and one naming
  principals to those principals' connections (a membership event does both);
- an event with neither (presence) goes to every connection of its workspace;
- events of another workspace are never delivered.

A `CredentialsRevoked` is not delivered: the connections of its principal opened with the
revoked credential (all of them when the principal was archived) are closed with 4001 and an
error frame saying why.

Membership events keep subscriptions current: `join` subscribes the named principal's
connections to the channel (after the event is delivered), `leave` unsubscribes them (after it
is delivered, so they hear that they left).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable

from server_core.features.messaging.events import Membership
from server_core.gateway import frames
from server_core.gateway.connection import Connection
from server_core.kernel.bus import Subscription
from server_core.kernel.events import Event
from server_core.kernel.platform import Platform
from server_core.kernel.revocation import CredentialsRevoked

log = logging.getLogger(__name__)

SHUTDOWN_SECONDS = 5.0  # how long shutdown waits for connections to close


class Hub:
    """The node's connections, indexed by workspace, principal and channel."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self._workspaces: dict[str, set[Connection]] = {}
        self._principals: dict[str, set[Connection]] = {}
        self._channels: dict[str, set[Connection]] = {}
        self._subscription: Subscription | None = None
        self._dispatcher: asyncio.Task[None] | None = None
        self.stopping = False

    # --- lifetime ---------------------------------------------------------------------------

    def start(self) -> None:
        self._subscription = self.platform.bus.subscribe()
        self._dispatcher = asyncio.create_task(self._dispatch_all(), name="gateway-dispatcher")

    async def stop(self) -> None:
        """Close every connection with 1001 (going away), then stop dispatching."""
        self.stopping = True
        connections = [conn for group in self._workspaces.values() for conn in group]
        for conn in connections:
            conn.request_close(frames.GOING_AWAY, "server shutting down")
        if connections:
            await asyncio.wait([conn.done for conn in connections], timeout=SHUTDOWN_SECONDS)
        if self._subscription is not None:
            self._subscription.close()
        if self._dispatcher is not None:
            self._dispatcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._dispatcher

    # --- connections ------------------------------------------------------------------------

    def attach(self, conn: Connection) -> None:
        """Route the connection's workspace and principal events to it (channels follow)."""
        self._workspaces.setdefault(conn.workspace_id, set()).add(conn)
        self._principals.setdefault(conn.principal_id, set()).add(conn)
        if self.stopping:
            conn.request_close(frames.GOING_AWAY, "server shutting down")

    def subscribe_loaded(self, conn: Connection, channel_ids: Iterable[str]) -> None:
        """Subscribe a new connection to its member channels, as loaded from the store.
        Membership events seen while they loaded are newer, so they win."""
        for channel_id in channel_ids:
            if channel_id not in conn.membership_changes:
                self._subscribe(conn, channel_id)
        conn.loading = False
        conn.membership_changes.clear()

    def detach(self, conn: Connection) -> bool:
        """Stop routing to the connection; True when it was its principal's last one here."""
        for channel_id in list(conn.channels):
            self._unsubscribe(conn, channel_id)
        _discard(self._workspaces, conn.workspace_id, conn)
        return not _discard(self._principals, conn.principal_id, conn)

    def open_connections(self) -> int:
        """How many connections this node serves."""
        return sum(len(group) for group in self._workspaces.values())

    def connections(self, principal_id: str) -> list[Connection]:
        """The principal's connections on this node."""
        return list(self._principals.get(principal_id, ()))

    def _subscribe(self, conn: Connection, channel_id: str) -> None:
        conn.channels.add(channel_id)
        self._channels.setdefault(channel_id, set()).add(conn)

    def _unsubscribe(self, conn: Connection, channel_id: str) -> None:
        conn.channels.discard(channel_id)
        conn.seqs.forget(channel_id)
        _discard(self._channels, channel_id, conn)

    # --- dispatch ---------------------------------------------------------------------------

    async def _dispatch_all(self) -> None:
        assert self._subscription is not None
        async for event in self._subscription:
            try:
                self.dispatch(event)
            except Exception:
                log.exception("dispatching an event to WebSocket connections failed")

    def dispatch(self, event: Event) -> None:
        route = event.route
        local = self._workspaces.get(route.workspace_id)
        if not local:
            return
        if isinstance(event, CredentialsRevoked):
            self._close_revoked(event, route.workspace_id)
            return
        targets: set[Connection]
        if route.channel_id is None and not route.principal_ids:
            targets = local
        else:
            targets = set()
            if route.channel_id is not None:
                targets.update(self._channels.get(route.channel_id, ()))
            for principal_id in route.principal_ids:
                targets.update(self._principals.get(principal_id, ()))
        if targets:
            payload = frames.Outgoing(frames.encode(event.frame()))
            offered = 0
            for conn in list(targets):
                if conn.workspace_id == route.workspace_id:
                    conn.offer(event, payload)
                    offered += 1
            if offered:
                counters = self.platform.counters
                counters.events_fanned_out += 1
                counters.frames_fanned_out += offered
        if isinstance(event, Membership):
            self._follow_membership(event, route.workspace_id)

    def _close_revoked(self, event: CredentialsRevoked, workspace_id: str) -> None:
        farewell = frames.error_frame(
            event.reason,
            frames.AUTH_FAILED,
            status=401,
            error_code="credentials_revoked",
        )
        for conn in list(self._principals.get(event.principal_id, ())):
            if conn.workspace_id != workspace_id:
                continue
            if event.credential is None or conn.caller.credential == event.credential:
                conn.request_close(frames.AUTH_FAILED, event.reason, farewell=farewell)

    def _follow_membership(self, event: Membership, workspace_id: str) -> None:
        if event.action not in ("join", "leave"):
            return
        joined = event.action == "join"
        for conn in list(self._principals.get(event.principal_id, ())):
            if conn.workspace_id != workspace_id:
                continue
            if joined:
                self._subscribe(conn, event.channel_id)
            else:
                self._unsubscribe(conn, event.channel_id)
            if conn.loading:
                conn.membership_changes[event.channel_id] = joined


def _discard(index: dict[str, set[Connection]], key: str, conn: Connection) -> bool:
    """Remove `conn` from `index[key]`; True when others remain there."""
    group = index.get(key)
    if group is None:
        return False
    group.discard(conn)
    if not group:
        del index[key]
        return False
    return True
