"""What may be sent in a channel: thread roots and mentions that exist, roles, visibility,
coordination modes and loop prevention.

Checked with the channel row locked, so the turn-taking state and the loop counters are read
and written by one send at a time (on every node).

- `readonly` members never send.
- Visibility: `agent_only` — humans read only; `human_only` — agents may only reply in
  threads.
- Coordination (applies to agents and services; humans always speak):
  - `free`: no turns.
  - `round_robin`: agents take turns in the order they joined. After an agent sends, the turn
    passes to the next agent; while nobody holds the turn, any agent may take it.
  - `sequential`: like `round_robin`, but every human message starts a new round with the
    first agent that joined.
  - `moderated`: the channel's owners and admins speak freely; any other agent speaks only
    when a moderator's latest message @mentioned it, once per mention.
- Loop prevention (agents and services): at most `maxConsecutive` messages in a row in the
  channel, `cooldownMs` between two of one agent's messages, `rateLimit` per minute (fixed
  one-minute windows). A refused send answers 429 `Loop prevention: …`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.features.messaging.access import MANAGERS, ChannelAccess
from server_core.features.messaging.errors import ChannelReadOnly, LoopPrevention, NotYourTurn
from server_core.features.messaging.tables import channel_members, messages
from server_core.kernel.auth import Caller
from server_core.kernel.clock import as_utc
from server_core.kernel.errors import BadRequest
from server_core.kernel.store.tables import principals

DEFAULT_LOOP_PREVENTION = {"maxConsecutive": 50, "cooldownMs": 100, "rateLimit": 600}
WINDOW_MS = 60_000
AGENT_KINDS = ("agent", "service")


def loop_limits(channel: Any) -> dict[str, int]:
    return {**DEFAULT_LOOP_PREVENTION, **(channel["loop_prevention"] or {})}


@dataclass(frozen=True)
class SendChanges:
    """What a permitted send changes besides the message: the channel's turn-taking state and
    the sender's loop-prevention counters (membership columns), written with the message."""

    channel: dict[str, Any]
    sender: dict[str, Any]


def check_send(
    conn: Connection,
    access: ChannelAccess,
    caller: Caller,
    thread_root_id: str | None,
    mentioned: list[str],
    now: datetime,
) -> SendChanges:
    """Raise if the caller may not send now; otherwise return what the send changes."""
    channel = access.channel
    member = access.require_member()
    is_agent = caller.kind in AGENT_KINDS
    if member["role"] == "readonly":
        raise ChannelReadOnly("Read-only members cannot send messages")
    if channel["visibility"] == "agent_only" and not is_agent:
        raise ChannelReadOnly("This channel is agent_only: humans can read but not send")
    if channel["visibility"] == "human_only" and is_agent and thread_root_id is None:
        raise ChannelReadOnly("This channel is human_only: agents may only reply in threads")
    sender = _check_loop(channel, member, caller, now) if is_agent else {}
    return SendChanges(_coordinate(conn, channel, member, caller, is_agent, mentioned), sender)


def check_thread_root(conn: Connection, channel_id: str, root_id: str) -> None:
    root = conn.execute(
        sa.select(messages.c.channel_id, messages.c.thread_root_id).where(messages.c.id == root_id)
    ).first()
    if root is None or root.channel_id != channel_id:
        raise BadRequest(
            f"threadRootId '{root_id}' is not a message of this channel",
            details={"field": "threadRootId"},
        )
    if root.thread_root_id is not None:
        raise BadRequest(
            "threadRootId must be a top-level message, not a reply "
            f"(this one is in thread '{root.thread_root_id}')"
        )


def check_mentioned_exist(conn: Connection, workspace_id: str, principal_ids: list[str]) -> None:
    if not principal_ids:
        return
    wanted = set(principal_ids)
    found = set(
        conn.execute(
            sa.select(principals.c.id).where(
                principals.c.id.in_(wanted), principals.c.workspace_id == workspace_id
            )
        ).scalars()
    )
    missing = sorted(wanted - found)
    if missing:
        raise BadRequest(f"mentions: no principal with id '{missing[0]}' in this workspace")


def _check_loop(channel: Any, member: Any, caller: Caller, now: datetime) -> dict[str, Any]:
    """Raise if the send would break a limit; otherwise the sender's new counters."""
    limits = loop_limits(channel)
    if (
        channel["last_sender_id"] == caller.principal_id
        and channel["consecutive_count"] >= limits["maxConsecutive"]
    ):
        raise LoopPrevention(
            f"Loop prevention: max {limits['maxConsecutive']} consecutive messages; "
            "wait for someone else to post",
            retry_after_ms=limits["cooldownMs"] or 1000,
        )
    if member["last_sent_at"] is not None:
        since_ms = (now - as_utc(member["last_sent_at"])).total_seconds() * 1000
        if since_ms < limits["cooldownMs"]:
            raise LoopPrevention(
                f"Loop prevention: cooldown of {limits['cooldownMs']} ms between messages",
                retry_after_ms=int(limits["cooldownMs"] - since_ms) + 1,
            )
    start = member["rate_window_start"]
    count = member["rate_window_count"]
    elapsed_ms = (now - as_utc(start)).total_seconds() * 1000 if start is not None else WINDOW_MS
    if elapsed_ms >= WINDOW_MS:
        start, count = now, 0
    elif count >= limits["rateLimit"]:
        raise LoopPrevention(
            f"Loop prevention: max {limits['rateLimit']} messages per minute",
            retry_after_ms=int(WINDOW_MS - elapsed_ms) + 1,
        )
    return {"last_sent_at": now, "rate_window_start": start, "rate_window_count": count + 1}


def _agent_order(conn: Connection, channel_id: str) -> list[str]:
    return list(
        conn.execute(
            sa.select(channel_members.c.principal_id)
            .join(principals, principals.c.id == channel_members.c.principal_id)
            .where(
                channel_members.c.channel_id == channel_id,
                principals.c.kind.in_(AGENT_KINDS),
                channel_members.c.role != "readonly",
            )
            .order_by(channel_members.c.joined_at, channel_members.c.id)
        ).scalars()
    )


def _coordinate(
    conn: Connection,
    channel: Any,
    member: Any,
    caller: Caller,
    is_agent: bool,
    mentioned: list[str],
) -> dict[str, Any]:
    mode = channel["coordination_mode"]
    if mode in ("round_robin", "sequential"):
        order = _agent_order(conn, channel["id"])
        if not is_agent:
            if mode == "sequential":
                return {"turn_principal_id": order[0] if order else None}
            return {}
        turn = channel["turn_principal_id"]
        if turn is not None and turn != caller.principal_id and turn in order:
            raise NotYourTurn(f"{mode}: it is another agent's turn ({_handle(conn, turn)})")
        position = order.index(caller.principal_id) if caller.principal_id in order else -1
        return {"turn_principal_id": order[(position + 1) % len(order)] if order else None}
    if mode == "moderated":
        floor = list(channel["floor_ids"] or [])
        if member["role"] in MANAGERS:
            # A moderator's message gives the floor to the agents it mentions.
            return {"floor_ids": sorted(set(mentioned))} if mentioned else {}
        if not is_agent:
            return {}
        if caller.principal_id not in floor:
            raise NotYourTurn(
                "moderated: wait until a channel owner or admin @mentions you to give you the floor"
            )
        floor.remove(caller.principal_id)
        return {"floor_ids": floor}
    return {}


def _handle(conn: Connection, principal_id: str) -> str:
    handle = conn.execute(
        sa.select(principals.c.handle).where(principals.c.id == principal_id)
    ).scalar()
    return f"@{handle}" if handle else principal_id
