"""Wake messages: how timers, schedule notifications, wake subscriptions and finished work
streams reach a principal that may not be listening.

A wake message is a `system` message with intent `wake` and `metadata.wake: true`, posted *as
the principal it wakes* (so it needs no one else's permission and no system principal), with
`metadata.wakeFor` naming that principal. Clients that hide a principal's own messages make an
exception for wake messages addressed to it (the spec's "bypasses sender exclusion"); the
MCP server does, and so do webhooks, which skip nothing.

Where it goes, in order:
1. the channel the caller names (a schedule event's `notifyChannelId`), when the principal is
   a member of it and it is not archived;
2. otherwise the principal's **control channel**: its DM with its owner (the human who
   provisioned the agent), created on first use;
3. for a principal without an owner (a human, or an agent whose owner is gone): its DM with
   the workspace's first active admin other than itself.
With none of these (a lone admin waking itself), the message is not posted and `None` is
returned: there is no one to show it to.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.messaging.channels import dm_between, do_open_dm
from server_core.features.messaging.messages import post_system_message, post_system_messages
from server_core.features.messaging.schemas import DmRequest, Message
from server_core.features.messaging.tables import channel_members, channels
from server_core.kernel.auth import Caller, caller_from_row
from server_core.kernel.errors import ApiError
from server_core.kernel.events import Event
from server_core.kernel.keyring import Keyring
from server_core.kernel.store.tables import principals

log = logging.getLogger(__name__)

WAKE_INTENT = "wake"


@dataclass
class Routes:
    """Who can be woken and their control channels, looked up once per transaction: a batch
    of wake messages (the notifier's, say) mostly goes to the same few principals."""

    principals: dict[str, RowMapping | None] = field(default_factory=dict)
    control: dict[str, str | None] = field(default_factory=dict)


def deliver_wake(
    conn: Connection,
    events: list[Event],
    keyring: Keyring,
    *,
    principal_id: str,
    text: str,
    metadata: dict[str, Any],
    channel_id: str | None = None,
    routes: Routes | None = None,
) -> Message | None:
    """Post a wake message for `principal_id` (see the module's notes) in the caller's
    transaction. A principal that is gone or deactivated is not woken (`None`). `routes`
    remembers lookups for the rest of the transaction."""
    target = wake_target(conn, events, principal_id, channel_id, routes or Routes())
    if target is None:
        return None
    woken, channel = target
    stored = {**metadata, "wake": True, "wakeFor": principal_id}
    return post_system_message(
        conn, events, keyring, channel, woken, text, intent=WAKE_INTENT, metadata=stored
    )


class WakeBatch:
    """Wake messages gathered during a transaction and posted at its end, those for one
    principal in one channel in a single append: the notifier may wake thousands at once."""

    def __init__(self) -> None:
        self.routes = Routes()
        self.pending: dict[tuple[str, str], tuple[Caller, list[tuple[str, dict[str, Any]]]]] = {}

    def add(
        self,
        conn: Connection,
        events: list[Event],
        *,
        principal_id: str,
        text: str,
        metadata: dict[str, Any],
        channel_id: str | None = None,
    ) -> None:
        target = wake_target(conn, events, principal_id, channel_id, self.routes)
        if target is None:
            return
        woken, channel = target
        stored = {**metadata, "wake": True, "wakeFor": principal_id}
        self.pending.setdefault((channel, principal_id), (woken, []))[1].append((text, stored))

    def post(self, conn: Connection, events: list[Event], keyring: Keyring) -> int:
        """Post what was gathered; how many messages."""
        posted = 0
        for (channel, _), (woken, items) in self.pending.items():
            posted += len(
                post_system_messages(
                    conn, events, keyring, channel, woken, items, intent=WAKE_INTENT
                )
            )
        self.pending.clear()
        return posted


def wake_target(
    conn: Connection,
    events: list[Event],
    principal_id: str,
    channel_id: str | None,
    routes: Routes,
) -> tuple[Caller, str] | None:
    """Who posts the wake message and where (see the module's notes); None when no one is
    woken."""
    if principal_id not in routes.principals:
        routes.principals[principal_id] = _active_principal(conn, principal_id)
    row = routes.principals[principal_id]
    if row is None:
        return None
    woken = caller_from_row(row, "api_key")
    if channel_id and _can_post(conn, principal_id, channel_id):
        return woken, channel_id
    if principal_id not in routes.control:
        routes.control[principal_id] = control_channel(conn, events, woken, row)
    target = routes.control[principal_id]
    if target is None:
        log.info("no channel to wake %s in: the wake message is dropped", principal_id)
        return None
    return woken, target


def control_channel(
    conn: Connection, events: list[Event], woken: Caller, row: RowMapping
) -> str | None:
    """The principal's DM with its owner, or with the workspace's first other admin."""
    for other in _control_partners(conn, row):
        existing = dm_between(conn, row["workspace_id"], row["id"], other)
        if existing is not None:
            return existing
        try:
            with conn.begin_nested():
                dm = do_open_dm(conn, events, caller=woken, request=DmRequest(principal_id=other))
        except ApiError as refused:
            log.info("control channel with %s refused: %s", other, refused.message)
            continue
        return dm.data.id
    return None


def _control_partners(conn: Connection, row: RowMapping) -> Iterator[str]:
    """The owner if active, then the first other admin (looked up only when needed)."""
    owner = row["owner_id"]
    if owner is not None and owner != row["id"] and _active_principal(conn, owner) is not None:
        yield owner
    admin = _first_other_admin(conn, row)
    if admin is not None and admin != owner:
        yield admin


def is_wake_for(message: Message, principal_id: str) -> bool:
    return message.intent == WAKE_INTENT and message.metadata.get("wakeFor") == principal_id


def _active_principal(conn: Connection, principal_id: str) -> RowMapping | None:
    return (
        conn.execute(
            sa.select(principals).where(
                principals.c.id == principal_id, principals.c.is_active.is_(True)
            )
        )
        .mappings()
        .first()
    )


def _first_other_admin(conn: Connection, row: RowMapping) -> str | None:
    found: str | None = conn.execute(
        sa.select(principals.c.id)
        .where(
            principals.c.workspace_id == row["workspace_id"],
            principals.c.kind == "human",
            principals.c.is_admin.is_(True),
            principals.c.is_active.is_(True),
            principals.c.id != row["id"],
        )
        .order_by(principals.c.created_at, principals.c.id)
        .limit(1)
    ).scalar()
    return found


def _can_post(conn: Connection, principal_id: str, channel_id: str) -> bool:
    found = conn.execute(
        sa.select(channels.c.id)
        .join(channel_members, channel_members.c.channel_id == channels.c.id)
        .where(
            channels.c.id == channel_id,
            channels.c.is_archived.is_(False),
            channel_members.c.principal_id == principal_id,
        )
    ).first()
    return found is not None
