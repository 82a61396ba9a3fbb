"""A session's history: reading it, sending to it (waiting for the agent's reply or not), and
clearing it.

The history is the session's channel, so messages keep the platform's gap-free seqs,
encryption at rest, `message` events and replay; the agent answers by sending to that channel
like to any other (or to this route). Clearing moves `clearedThroughSeq` to the newest seq:
earlier messages are hidden from the session's reads, and seqs stay continuous.

A `sync` send subscribes to the bus before its message commits, then waits (up to `timeout`,
at most 120 s) for the next message someone else posts there: the reply. Past the timeout it
answers with the message it posted and `timedOut: true`. An `async` send answers at once; with
a `webhook`, it also writes a reply hook, and the reply (or, after ten minutes, none) is POSTed
there by the reply worker (see `reply_hooks`)."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from functools import partial
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.config import Settings
from server_core.features.messaging.events import MessageCreated
from server_core.features.messaging.messages import do_send
from server_core.features.messaging.rendering import MESSAGE_COLUMNS, MESSAGE_FROM, render
from server_core.features.messaging.schemas import SendMessageRequest
from server_core.features.messaging.tables import channels, messages
from server_core.features.sessions.access import (
    access_session,
    check_can_change,
    check_live,
)
from server_core.features.sessions.reply_hooks import remember
from server_core.features.sessions.schemas import (
    DEFAULT_SYNC_TIMEOUT,
    MessagesQuery,
    Session,
    SessionMessageRequest,
    SessionMessageResult,
)
from server_core.features.sessions.sessions import announce
from server_core.features.sessions.tables import agent_sessions
from server_core.features.webhooks.targets import check_target
from server_core.kernel.auth import Caller
from server_core.kernel.clock import utcnow
from server_core.kernel.errors import ValidationFailed
from server_core.kernel.events import Event
from server_core.kernel.ids import parse_id
from server_core.kernel.keyring import Keyring
from server_core.kernel.platform import Platform
from server_core.kernel.wire import Page

s = agent_sessions.c
m = messages.c


def parse_instant(value: str, field: str) -> datetime:
    """ISO 8601, or epoch milliseconds (what JavaScript clients send)."""
    try:
        if value.strip().lstrip("-").isdigit():
            return datetime.fromtimestamp(int(value) / 1000, UTC)
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except (ValueError, OverflowError, OSError) as exc:
        raise ValidationFailed(
            f"{field}: give an ISO 8601 time or epoch milliseconds", details={"field": field}
        ) from exc


def _after_seq(conn: Connection, channel_id: str, after: str) -> int:
    if after.isdigit():
        return int(after)
    canonical = parse_id(after)
    seq = None
    if canonical is not None:
        seq = conn.scalar(sa.select(m.seq).where(m.id == canonical, m.channel_id == channel_id))
    if seq is None:
        raise ValidationFailed(
            f"after: no message '{after}' in this session", details={"field": "after"}
        )
    return int(seq)


def read_messages(
    conn: Connection,
    *,
    caller: Caller,
    keyring: Keyring,
    settings: Settings,
    session_id: str,
    query: MessagesQuery,
) -> Page[dict[str, Any]]:
    """Messages after the clear point, oldest first (`order=desc`: newest first); the cursor
    is the last seq returned, for `after` (asc) or `before` (desc)."""
    session = access_session(conn, caller, session_id)
    floor = session["cleared_through_seq"]
    if query.after is not None:
        floor = max(floor, _after_seq(conn, session["channel_id"], query.after))
    statement = sa.select(*MESSAGE_COLUMNS).select_from(MESSAGE_FROM)
    statement = statement.where(m.channel_id == session["channel_id"], m.seq > floor)
    if query.before is not None:
        statement = statement.where(m.seq < query.before)
    if query.since is not None:
        statement = statement.where(m.created_at > parse_instant(query.since, "since"))
    if query.until is not None:
        statement = statement.where(m.created_at < parse_instant(query.until, "until"))
    newest_first = query.order == "desc"
    statement = statement.order_by(m.seq.desc() if newest_first else m.seq)
    rows = conn.execute(statement.limit(query.limit + 1)).mappings().all()
    has_more = len(rows) > query.limit
    rows = rows[: query.limit]
    items = render(conn, keyring, rows, caller.principal_id, settings)
    return Page(items, rows[-1]["seq"] if rows and has_more else None, has_more)


_TOUCH = (
    sa.update(agent_sessions)
    .where(s.id == sa.bindparam("session_id"))
    .values(
        last_activity_at=sa.bindparam("now"),
        status=sa.case((s.status == "idle", "active"), else_=s.status),
    )
)
_TOUCH_AND_BEAT = _TOUCH.values(last_heartbeat_at=sa.bindparam("now"))


def touch(conn: Connection, session_id: str, now: datetime, *, heartbeat: bool = False) -> None:
    """Activity: the session is live again (idle → active) and its clock restarts."""
    conn.execute(_TOUCH_AND_BEAT if heartbeat else _TOUCH, {"session_id": session_id, "now": now})


def _post(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    keyring: Keyring,
    settings: Settings,
    session_id: str,
    request: SessionMessageRequest,
) -> tuple[dict[str, Any], str]:
    session = access_session(conn, caller, session_id, lock=True)
    check_live(session)
    send = SendMessageRequest(
        content=request.content,
        metadata=request.metadata or {},
        attachment_ids=request.attachment_ids,
    )
    sent = do_send(
        conn,
        events,
        keyring=keyring,
        caller=caller,
        channel_id=session["channel_id"],
        request=send,
        settings=settings,
    )
    now = utcnow()
    touch(conn, session["id"], now)
    wire = sent.data.model_dump(mode="json", by_alias=True)
    if request.webhook is not None and request.mode == "async":
        remember(
            conn,
            keyring,
            session=session,
            sender_id=caller.principal_id,
            message=wire,
            webhook=request.webhook,
            now=now,
        )
    if session["first_user_message"] is None and caller.principal_id != session["agent_id"]:
        conn.execute(
            sa.update(agent_sessions)
            .where(s.id == session["id"])
            .values(first_user_message=request.content[:2000])
        )
    return wire, session["channel_id"]


def _is_reply(event: Event, channel_id: str, sender_id: str, after_seq: int) -> bool:
    return (
        isinstance(event, MessageCreated)
        and event.message.channel_id == channel_id
        and event.message.sender_id != sender_id
        and event.message.seq > after_seq
    )


async def wait_for_reply(
    subscription: Any, channel_id: str, sender_id: str, after_seq: int, seconds: float
) -> dict[str, Any] | None:
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            event = await asyncio.wait_for(subscription.get(), left)
        except TimeoutError:
            return None
        if event is None:
            return None
        if _is_reply(event, channel_id, sender_id, after_seq):
            reply: dict[str, Any] = event.message.model_dump(mode="json", by_alias=True)
            return reply
    return None


async def do_send_to_session(
    platform: Platform, *, caller: Caller, session_id: str, request: SessionMessageRequest
) -> SessionMessageResult:
    if request.webhook is not None:
        await check_target(
            request.webhook.url, allow_private=platform.settings.webhooks_allow_private
        )
    subscription = platform.bus.subscribe() if request.mode == "sync" else None
    try:
        async with platform.store.transaction() as tx:
            message, channel_id = await tx.unit(
                partial(
                    _post,
                    caller=caller,
                    keyring=platform.keyring,
                    settings=platform.settings,
                    session_id=session_id,
                    request=request,
                )
            )
        if subscription is None:
            return SessionMessageResult.model_validate(
                {"message": message, "reply": None, "timedOut": False}
            )
        timeout = request.timeout or DEFAULT_SYNC_TIMEOUT
        reply = await wait_for_reply(
            subscription, channel_id, caller.principal_id, message["seq"], timeout
        )
        return SessionMessageResult.model_validate(
            {"message": message, "reply": reply, "timedOut": reply is None}
        )
    finally:
        if subscription is not None:
            subscription.close()


def do_clear(conn: Connection, events: list[Event], *, caller: Caller, session_id: str) -> Session:
    session = access_session(conn, caller, session_id, lock=True)
    check_can_change(caller, session)
    last_seq = conn.scalar(
        sa.select(channels.c.last_seq).where(channels.c.id == session["channel_id"])
    )
    conn.execute(
        sa.update(agent_sessions)
        .where(s.id == session["id"])
        .values(cleared_through_seq=last_seq or 0, updated_at=utcnow())
    )
    return announce(conn, events, session["id"], "updated")
