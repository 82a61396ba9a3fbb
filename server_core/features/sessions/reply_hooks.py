"""Reply webhooks: an `async` send with a `webhook` gets the agent's reply POSTed there, even
across restarts.

The send writes a hook in its own transaction: `waiting`, until `wait_until` (ten minutes).
The worker on every node then, on each pass:

- resolves waiting hooks from the messages table: the reply is the first later message in the
  session's channel from anyone but the sender. A hook with a reply, or whose wait ran out
  (sent with `reply: null, timedOut: true`), becomes `due`. Reading the table rather than the
  events means a reply posted while no node ran is found when one starts again; a `message`
  event in a channel with waiting hooks only wakes the worker early.
- claims due hooks (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite has one writer) with a token
  held until `claimed_until`, sends them and records the outcome only while the claim holds:
  two nodes never both send a hook, and one that dies mid-attempt leaves a claim that lapses.
  Attempts follow the webhooks' schedule (`webhook_retry_delays_seconds`); after the last the
  hook is `failed`.
- forgets delivered and failed hooks after a week.

The body names the hook (`id`, also `X-Sesame-Delivery`, the same on every attempt so receivers
can drop repeats); with a secret, `X-Sesame-Signature` signs it as the platform's webhooks do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.config import Settings
from server_core.features.messaging.rendering import MESSAGE_COLUMNS, MESSAGE_FROM, render
from server_core.features.messaging.tables import messages
from server_core.features.sessions.schemas import ReplyWebhook
from server_core.features.sessions.tables import session_reply_hooks
from server_core.features.webhooks.deliveries import Outcome
from server_core.kernel.ids import new_id
from server_core.kernel.keyring import Keyring

WAIT = timedelta(minutes=10)
RETENTION = timedelta(days=7)

h = session_reply_hooks.c
m = messages.c


@dataclass(frozen=True)
class ReplyAttempt:
    hook_id: str
    claim: str
    url: str
    secret: str | None
    body: bytes
    attempt_number: int  # the number this attempt will have


def _bound(hook_id: str) -> str:
    return f"session-reply-hook:{hook_id}"


def remember(
    conn: Connection,
    keyring: Keyring,
    *,
    session: RowMapping,
    sender_id: str,
    message: dict[str, Any],
    webhook: ReplyWebhook,
    now: datetime,
) -> str:
    """Write the hook of a send (in the send's transaction)."""
    hook_id = new_id()
    key_id = sealed = None
    if webhook.secret:
        key_id = keyring.current_key_id(conn, session["workspace_id"])
        sealed = keyring.seal(conn, key_id, webhook.secret, _bound(hook_id))
    conn.execute(
        sa.insert(session_reply_hooks).values(
            id=hook_id,
            workspace_id=session["workspace_id"],
            session_id=session["id"],
            channel_id=session["channel_id"],
            sender_id=sender_id,
            message_id=message["id"],
            message_seq=message["seq"],
            url=webhook.url,
            secret_key_id=key_id,
            secret_sealed=sealed,
            status="waiting",
            attempt_number=0,
            wait_until=now + WAIT,
            created_at=now,
            updated_at=now,
        )
    )
    return hook_id


# --- resolving ------------------------------------------------------------------------------

_FIRST_REPLY = (
    sa.select(m.id)
    .where(m.channel_id == h.channel_id, m.seq > h.message_seq, m.sender_id != h.sender_id)
    .order_by(m.seq)
    .limit(1)
    .scalar_subquery()
)
_WAITING = sa.select(
    h.id,
    h.channel_id,
    (h.wait_until <= sa.bindparam("now", type_=h.wait_until.type)).label("expired"),
    _FIRST_REPLY.label("reply_id"),
).where(h.status == "waiting")


@dataclass(frozen=True)
class Waiting:
    channels: set[str]  # of hooks still waiting
    resolved: list[tuple[str, str | None]]  # (hook, its reply or None: timed out)


def find_resolved(conn: Connection, *, now: datetime) -> Waiting:
    """Read only: most passes find nothing to change, and must not take the writer."""
    channels: set[str] = set()
    resolved: list[tuple[str, str | None]] = []
    for row in conn.execute(_WAITING, {"now": now}).mappings():
        if row["reply_id"] is not None or row["expired"]:
            resolved.append((row["id"], row["reply_id"]))
        else:
            channels.add(row["channel_id"])
    return Waiting(channels, resolved)


def mark_due(conn: Connection, resolved: list[tuple[str, str | None]], *, now: datetime) -> int:
    changed = 0
    for hook_id, reply_id in resolved:
        changed += conn.execute(
            sa.update(session_reply_hooks)
            .where(h.id == hook_id, h.status == "waiting")
            .values(status="due", reply_id=reply_id, next_attempt_at=now, updated_at=now)
        ).rowcount
    return changed


# --- claiming and recording -----------------------------------------------------------------


def claim_due(
    conn: Connection,
    keyring: Keyring,
    settings: Settings,
    *,
    now: datetime,
    limit: int,
    hold: timedelta,
) -> list[ReplyAttempt]:
    """Take up to `limit` due hooks for this node, with their bodies rendered now."""
    due = (
        conn.execute(
            sa.select(session_reply_hooks)
            .where(
                h.status == "due",
                h.next_attempt_at <= now,
                sa.or_(h.claimed_until.is_(None), h.claimed_until <= now),
            )
            .order_by(h.next_attempt_at, h.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        .mappings()
        .all()
    )
    attempts = []
    for row in due:
        claim = new_id()
        conn.execute(
            sa.update(session_reply_hooks)
            .where(h.id == row["id"])
            .values(claim=claim, claimed_until=now + hold)
        )
        secret = None
        if row["secret_sealed"] is not None:
            secret = keyring.open(
                conn, row["secret_key_id"], row["secret_sealed"], _bound(row["id"])
            )
        attempts.append(
            ReplyAttempt(
                hook_id=row["id"],
                claim=claim,
                url=row["url"],
                secret=secret,
                body=_body(conn, keyring, settings, row),
                attempt_number=row["attempt_number"] + 1,
            )
        )
    return attempts


def _body(conn: Connection, keyring: Keyring, settings: Settings, hook: Any) -> bytes:
    wanted = [hook["message_id"], *([hook["reply_id"]] if hook["reply_id"] else [])]
    rows = (
        conn.execute(sa.select(*MESSAGE_COLUMNS).select_from(MESSAGE_FROM).where(m.id.in_(wanted)))
        .mappings()
        .all()
    )
    rendered = {
        message["id"]: message
        for message in render(conn, keyring, rows, hook["sender_id"], settings)
    }
    reply = rendered.get(hook["reply_id"]) if hook["reply_id"] else None
    return orjson.dumps(
        {
            "id": hook["id"],
            "type": "session.reply",
            "sessionId": hook["session_id"],
            "message": rendered.get(hook["message_id"]),
            "reply": reply,
            "timedOut": reply is None,
        }
    )


def record(
    conn: Connection,
    attempt: ReplyAttempt,
    outcome: Outcome,
    *,
    now: datetime,
    retry_delays: list[float],
) -> bool:
    """Record an attempt's outcome (only while this node's claim holds); return whether it did."""
    number = attempt.attempt_number
    values: dict[str, Any] = {
        "attempt_number": number,
        "status_code": outcome.status_code,
        "error": outcome.error[:500] if outcome.error else None,
        "claim": None,
        "claimed_until": None,
        "updated_at": now,
    }
    if outcome.ok:
        values.update(status="delivered", next_attempt_at=None)
    elif number <= len(retry_delays):
        values["next_attempt_at"] = now + timedelta(seconds=retry_delays[number - 1])
    else:
        values.update(status="failed", next_attempt_at=None)
    changed: int = conn.execute(
        sa.update(session_reply_hooks)
        .where(h.id == attempt.hook_id, h.claim == attempt.claim)
        .values(values)
    ).rowcount
    return changed > 0


def forget_old(conn: Connection, *, now: datetime) -> int:
    count: int = conn.execute(
        sa.delete(session_reply_hooks).where(
            h.status.in_(("delivered", "failed")), h.updated_at < now - RETENTION
        )
    ).rowcount
    return count
