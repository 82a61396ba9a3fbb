"""`notifications/resources/updated` for platform events, in both protocol eras.

- 2026-07-28: clients open a `subscriptions/listen` stream naming the URIs they want; the SDK
  serves it from the subscription bus handed to `MCPServer(subscriptions=...)` and filters by
  URI, so publishing `ResourceUpdated(uri)` on the bus is all it takes.
- 2025-11-25: clients call `resources/subscribe` on a connection. `MCPServer` does not serve
  it, so `register` adds the handlers to the low-level server; subscriptions are kept per
  connection and forgotten when the connection closes (its exit stack says so).

Which URIs an event changes is decided by `changed_resources`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

import anyio
from mcp import types
from mcp.server import MCPServer, ServerRequestContext
from mcp.server.connection import Connection
from mcp.server.session import ServerSession
from mcp.server.subscriptions import InMemorySubscriptionBus, ResourceUpdated

from sesame_mcp.client import ServerEvent

log = logging.getLogger(__name__)

CHANNELS = "sesame://channels"
ME = "sesame://me"
WALLET = "sesame://vault/wallet"
TASKS_MINE = "sesame://tasks/mine"
WAKE = "sesame://wake"
SCHEDULE_UPCOMING = "sesame://schedule/upcoming"
FORGET_ON_CLOSE = "sesame.subscriptions.forget_on_close"
SEND_TIMEOUT = 2.0  # a legacy client that stops reading must not hold the feed up

# Events that change what a channel's history shows.
HISTORY_EVENTS = frozenset({"message", "message.edited", "message.deleted", "reaction"})
# Events that change the channel list: membership, settings, last message and unread counts.
LIST_EVENTS = frozenset({"message", "membership", "channel.updated"})
# Events that change what the vault wallet lists (a share, an approved lease).
WALLET_EVENTS = frozenset({"vault.item_shared", "vault.lease_approved"})


# Task actions that may take a task off someone's list: it no longer names them afterwards.
UNASSIGNING_ACTIONS = frozenset({"assigned", "handoff", "deleted"})


def channel_messages(channel_id: str) -> str:
    return f"sesame://channels/{channel_id}/messages"


def task_resources(task: Mapping[str, Any], action: Any, me_id: str) -> list[str]:
    """A task's resource, by id and by number (clients subscribe to the URI they read), and
    my task list when the task is (or may have been) mine."""
    uris = [f"sesame://tasks/{task[name]}" for name in ("id", "key") if task.get(name)]
    assignees = task.get("assigneeIds")
    mine = isinstance(assignees, list) and me_id in assignees
    if mine or action in UNASSIGNING_ACTIONS:
        uris.append(TASKS_MINE)
    return uris


def changed_resources(event: ServerEvent, me_id: str) -> list[str]:
    """The resource URIs whose content the event changes, for the principal `me_id`."""
    uris: list[str] = []
    channel_id = event.channel_id
    if channel_id is not None and event.type in HISTORY_EVENTS:
        uris.append(channel_messages(channel_id))
    own = event.data.get("principalId") == me_id
    # My own read position changes my unread counts; others' do not.
    if event.type in LIST_EVENTS or (event.type == "read_receipt" and own):
        uris.append(CHANNELS)
    if event.type == "presence" and own:
        uris.append(ME)
    if event.type in WALLET_EVENTS:
        uris.append(WALLET)
    task = event.data.get("task")
    if event.type == "task" and isinstance(task, Mapping):
        uris += task_resources(task, event.data.get("action"), me_id)
    project = event.data.get("project")
    if event.type == "project" and isinstance(project, Mapping):
        # By id and by slug; a renamed slug's old URI names nothing any more.
        uris += [f"sesame://projects/{project[n]}" for n in ("id", "slug") if project.get(n)]
    scheduled = event.data.get("event")
    if event.type == "schedule" and isinstance(scheduled, Mapping):
        assignees = scheduled.get("assigneeIds")
        if scheduled.get("principalId") == me_id or (
            isinstance(assignees, list) and me_id in assignees
        ):
            uris.append(SCHEDULE_UPCOMING)
    # Wake shows my tasks, my unread counts and what is coming up for me.
    if TASKS_MINE in uris or CHANNELS in uris or SCHEDULE_UPCOMING in uris:
        uris.append(WAKE)
    return uris


def connection_of(session: ServerSession) -> Connection:
    """The connection a request arrived on. `ServerSession` is built per request, so the
    connection is what identifies a client across its requests; mcp 2.3.0 has no public
    accessor for it on the request context."""
    connection: Connection = session._connection
    return connection


async def send_each(
    sessions: Iterable[ServerSession], send: Callable[[ServerSession], Awaitable[None]]
) -> None:
    """Send a notification on each session, giving each at most SEND_TIMEOUT seconds."""
    for session in sessions:
        with anyio.move_on_after(SEND_TIMEOUT):
            try:
                await send(session)
            except Exception:  # one client's broken stream must not stop the others
                log.info("notification not delivered", exc_info=True)


class ResourceNotifier:
    """Publishes resource updates to listen streams (the bus) and to legacy subscribers."""

    def __init__(self) -> None:
        self.bus = InMemorySubscriptionBus()
        # uri → {connection: a session of it, whose standalone channel reaches the client}
        self._legacy: dict[str, dict[Connection, ServerSession]] = {}

    def register(self, server: MCPServer[Any]) -> None:
        """Serve `resources/subscribe` and `resources/unsubscribe` (2025-11-25 clients)."""
        lowlevel = server._lowlevel_server  # no public accessor in mcp 2.3.0
        lowlevel.add_request_handler(
            "resources/subscribe", types.SubscribeRequestParams, self._on_subscribe
        )
        lowlevel.add_request_handler(
            "resources/unsubscribe", types.UnsubscribeRequestParams, self._on_unsubscribe
        )

    def subscribers(self, uri: str) -> int:
        """How many legacy connections are subscribed to `uri`."""
        return len(self._legacy.get(uri, {}))

    async def publish(self, uris: list[str]) -> None:
        """Tell every subscriber of each URI that it changed."""
        for uri in uris:
            await self.bus.publish(ResourceUpdated(uri=uri))
            await send_each(
                list(self._legacy.get(uri, {}).values()),
                lambda session, uri=uri: session.send_resource_updated(uri),  # type: ignore[misc]
            )

    def legacy_sessions(self) -> dict[Connection, ServerSession]:
        """A session of each legacy connection subscribed to anything."""
        connections: dict[Connection, ServerSession] = {}
        for subscribers in self._legacy.values():
            connections.update(subscribers)
        return connections

    async def _on_subscribe(
        self, ctx: ServerRequestContext[Any, Any], params: types.SubscribeRequestParams
    ) -> types.EmptyResult:
        connection = connection_of(ctx.session)
        if not connection.state.get(FORGET_ON_CLOSE):
            connection.state[FORGET_ON_CLOSE] = True
            connection.exit_stack.callback(self._forget, connection)
        self._legacy.setdefault(str(params.uri), {})[connection] = ctx.session
        return types.EmptyResult()

    async def _on_unsubscribe(
        self, ctx: ServerRequestContext[Any, Any], params: types.UnsubscribeRequestParams
    ) -> types.EmptyResult:
        self._legacy.get(str(params.uri), {}).pop(connection_of(ctx.session), None)
        return types.EmptyResult()

    def _forget(self, connection: Connection) -> None:
        """A closed connection: drop all its subscriptions."""
        for uri in list(self._legacy):
            self._legacy[uri].pop(connection, None)
            if not self._legacy[uri]:
                del self._legacy[uri]
