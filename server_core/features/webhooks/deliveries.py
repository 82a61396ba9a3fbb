"""The delivery log: which subscriptions an event goes to, claiming due attempts, recording
their outcome, and forgetting old deliveries.

An event goes to the active subscriptions of active agents of its workspace that list its
type and may see it — the rule the WebSocket gateway routes by: a workspace-wide event
(presence) to everyone, an event naming principals to them, a channel event to the channel's
members. A subscription with `channelIds` gets channel events of those channels only; events
that belong to no channel pass its filter.

Attempts: the first at once, then a retry after each delay of `webhook_retry_delays_seconds`
(0, 10, 60, 300 s: "immediate, 10 seconds, 60 seconds, 5 minutes"), so five attempts in all.
A delivery whose last attempt fails counts one failure of its subscription; a success resets
the count; `CONSECUTIVE_FAILURE_LIMIT` failures in a row pause the subscription.

Claims: a node takes due attempts with `FOR UPDATE SKIP LOCKED` (PostgreSQL; SQLite has one
writer) and marks them with a claim token held until `claimed_until`; only the holder of the
token records the outcome. A node that dies mid-attempt leaves a claim that lapses, and another
node tries again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.messaging.tables import channel_members
from server_core.features.webhooks.event_types import EVENT_TYPES
from server_core.features.webhooks.subscriptions import open_secret
from server_core.features.webhooks.tables import webhook_deliveries, webhook_subscriptions
from server_core.kernel.clock import as_utc, to_wire
from server_core.kernel.counters import WebhookOutcome
from server_core.kernel.events import Event
from server_core.kernel.ids import new_id
from server_core.kernel.keyring import Keyring
from server_core.kernel.store.tables import principals

CONSECUTIVE_FAILURE_LIMIT = 10
RETENTION = timedelta(days=7)
CLAIM_MARGIN = timedelta(seconds=30)

d = webhook_deliveries.c
s = webhook_subscriptions.c


@dataclass(frozen=True)
class Attempt:
    """A claimed attempt, with what sending it needs."""

    delivery_id: str
    claim: str
    event_type: str
    url: str
    secret: str
    body: bytes
    attempt_number: int  # the number this attempt will have


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str | None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _bound(delivery_id: str) -> str:
    return f"webhook-delivery:{delivery_id}"


def _visible_to(conn: Connection, event: Event, agent_ids: set[str]) -> set[str]:
    """Those of `agent_ids` the event is routed to."""
    route = event.route
    if route.channel_id is None and not route.principal_ids:
        return agent_ids
    seen = agent_ids & set(route.principal_ids)
    rest = agent_ids - seen
    if route.channel_id is not None and rest:
        members = conn.execute(
            sa.select(channel_members.c.principal_id).where(
                channel_members.c.channel_id == route.channel_id,
                channel_members.c.principal_id.in_(rest),
            )
        ).scalars()
        seen.update(members)
    return seen


def plan(
    conn: Connection, keyring: Keyring, events: Sequence[Event], *, now: datetime
) -> list[dict[str, Any]]:
    """The pending deliveries of the events, one per subscription each goes to (read only:
    most events go to no webhook, and finding that out must not take the writer). A
    workspace's subscriptions are read once for the whole batch."""
    subscriptions: dict[str, list[RowMapping]] = {}
    rows: list[dict[str, Any]] = []
    for event in events:
        if event.wire_name not in EVENT_TYPES:
            continue
        workspace_id = event.route.workspace_id
        if workspace_id not in subscriptions:
            subscriptions[workspace_id] = _active_subscriptions(conn, workspace_id)
        if subscriptions[workspace_id]:
            rows += _plan_one(conn, keyring, event, subscriptions[workspace_id], now=now)
    return rows


def _active_subscriptions(conn: Connection, workspace_id: str) -> list[RowMapping]:
    query = (
        sa.select(s.id, s.agent_id, s.event_types, s.channel_ids)
        .join(principals, principals.c.id == s.agent_id)
        .where(
            s.workspace_id == workspace_id,
            s.active.is_(True),
            principals.c.is_active.is_(True),
        )
    )
    return list(conn.execute(query).mappings())


def _plan_one(
    conn: Connection,
    keyring: Keyring,
    event: Event,
    subscriptions: list[RowMapping],
    *,
    now: datetime,
) -> list[dict[str, Any]]:
    event_type = event.wire_name
    route = event.route
    candidates = [
        row
        for row in subscriptions
        if event_type in row["event_types"]
        and (
            row["channel_ids"] is None
            or route.channel_id is None
            or route.channel_id in row["channel_ids"]
        )
    ]
    if not candidates:
        return []
    visible = _visible_to(conn, event, {row["agent_id"] for row in candidates})
    key_id = keyring.current_key_id(conn, route.workspace_id)
    data = event.frame()
    rows: list[dict[str, Any]] = []
    for row in candidates:
        if row["agent_id"] not in visible:
            continue
        delivery_id = new_id()
        body = orjson.dumps(
            {
                "id": delivery_id,
                "type": event_type,
                "timestamp": to_wire(now),
                "workspaceId": route.workspace_id,
                "channelId": route.channel_id,
                "data": data,
            }
        ).decode()
        rows.append(
            {
                "id": delivery_id,
                "subscription_id": row["id"],
                "event_type": event_type,
                "status": "pending",
                "status_code": None,
                "attempt_number": 0,
                "error": None,
                "body_key_id": key_id,
                "body_sealed": keyring.seal(conn, key_id, body, _bound(delivery_id)),
                "next_attempt_at": now,
                "claimed_until": None,
                "claim": None,
                "created_at": now,
                "updated_at": now,
            }
        )
    return rows


def claim_planned(
    conn: Connection,
    keyring: Keyring,
    rows: list[dict[str, Any]],
    *,
    now: datetime,
    limit: int,
    hold: timedelta,
) -> list[Attempt]:
    """Claim up to `limit` planned deliveries before they are written, so that the node that
    logs them sends their first attempt at once (no claim of its own: one commit less between
    the event and its receiver)."""
    attempts = []
    for row in rows[: max(limit, 0)]:
        target = (
            conn.execute(
                sa.select(s.id, s.url, s.secret_key_id, s.secret_sealed).where(
                    s.id == row["subscription_id"]
                )
            )
            .mappings()
            .one()
        )
        row["claim"] = new_id()
        row["claimed_until"] = now + hold
        body = keyring.open(conn, row["body_key_id"], row["body_sealed"], _bound(row["id"]))
        attempts.append(
            Attempt(
                delivery_id=row["id"],
                claim=row["claim"],
                event_type=row["event_type"],
                url=target["url"],
                secret=open_secret(conn, keyring, target),
                body=body.encode(),
                attempt_number=1,
            )
        )
    return attempts


def insert(conn: Connection, rows: list[dict[str, Any]]) -> int:
    if rows:
        conn.execute(sa.insert(webhook_deliveries), rows)
    return len(rows)


def claim_due(
    conn: Connection, keyring: Keyring, *, now: datetime, limit: int, hold: timedelta
) -> list[Attempt]:
    """Take up to `limit` due attempts of active subscriptions for this node."""
    if limit <= 0:
        return []
    due = (
        conn.execute(
            sa.select(
                d.id,
                d.event_type,
                d.attempt_number,
                d.body_key_id,
                d.body_sealed,
                s.id.label("subscription_id"),
                s.url,
                s.secret_key_id,
                s.secret_sealed,
            )
            .join(webhook_subscriptions, s.id == d.subscription_id)
            .where(
                d.status == "pending",
                d.next_attempt_at <= now,
                sa.or_(d.claimed_until.is_(None), d.claimed_until <= now),
                s.active.is_(True),
            )
            .order_by(d.next_attempt_at, d.id)
            .limit(limit)
            .with_for_update(skip_locked=True, of=webhook_deliveries)
        )
        .mappings()
        .all()
    )
    attempts = []
    for row in due:
        claim = new_id()
        conn.execute(
            sa.update(webhook_deliveries)
            .where(d.id == row["id"])
            .values(claim=claim, claimed_until=now + hold)
        )
        secret = open_secret(
            conn,
            keyring,
            {
                "id": row["subscription_id"],
                "secret_key_id": row["secret_key_id"],
                "secret_sealed": row["secret_sealed"],
            },
        )
        body = keyring.open(conn, row["body_key_id"], row["body_sealed"], _bound(row["id"]))
        attempts.append(
            Attempt(
                delivery_id=row["id"],
                claim=claim,
                event_type=row["event_type"],
                url=row["url"],
                secret=secret,
                body=body.encode(),
                attempt_number=row["attempt_number"] + 1,
            )
        )
    return attempts


def outcome_kind(outcome: Outcome, number: int, retry_delays: list[float]) -> WebhookOutcome:
    """What comes of attempt `number`: delivered, retried later, or given up."""
    if outcome.ok:
        return "success"
    return "retry" if number <= len(retry_delays) else "failure"


def record(
    conn: Connection,
    attempt: Attempt,
    outcome: Outcome,
    *,
    now: datetime,
    retry_delays: list[float],
) -> bool:
    """Record an attempt's outcome (only while this node's claim holds); return whether it did."""
    number = attempt.attempt_number
    kind = outcome_kind(outcome, number, retry_delays)
    values: dict[str, Any] = {
        "attempt_number": number,
        "status_code": outcome.status_code,
        "error": outcome.error[:500] if outcome.error else None,
        "claim": None,
        "claimed_until": None,
        "updated_at": now,
    }
    final = kind == "failure"
    if kind == "success":
        values.update(status="success", next_attempt_at=None)
    elif kind == "retry":
        values["next_attempt_at"] = now + timedelta(seconds=retry_delays[number - 1])
    else:
        values.update(status="failed", next_attempt_at=None)
    changed = conn.execute(
        sa.update(webhook_deliveries)
        .where(d.id == attempt.delivery_id, d.claim == attempt.claim)
        .values(values)
    ).rowcount
    if not changed:
        return False
    subscription_id = conn.execute(
        sa.select(d.subscription_id).where(d.id == attempt.delivery_id)
    ).scalar_one()
    if outcome.ok:
        conn.execute(
            sa.update(webhook_subscriptions)
            .where(s.id == subscription_id, s.consecutive_failures != 0)
            .values(consecutive_failures=0)
        )
    elif final:
        conn.execute(
            sa.update(webhook_subscriptions)
            .where(s.id == subscription_id)
            .values(
                consecutive_failures=s.consecutive_failures + 1,
                active=sa.case(
                    (s.consecutive_failures + 1 >= CONSECUTIVE_FAILURE_LIMIT, sa.false()),
                    else_=s.active,
                ),
                updated_at=now,
            )
        )
    return True


def forget_old(conn: Connection, *, now: datetime) -> int:
    """Delete deliveries older than the retention period; return how many."""
    count: int = conn.execute(
        sa.delete(webhook_deliveries).where(d.created_at < now - RETENTION)
    ).rowcount
    return count


def oldest_due(conn: Connection, *, now: datetime) -> datetime | None:
    """When the longest-waiting due attempt of an active subscription came due (None when
    nothing is due): how far the sender is behind. Walks the status index in order."""
    found: datetime | None = conn.execute(
        sa.select(d.next_attempt_at)
        .join(webhook_subscriptions, s.id == d.subscription_id)
        .where(d.status == "pending", d.next_attempt_at <= now, s.active.is_(True))
        .order_by(d.next_attempt_at)
        .limit(1)
    ).scalar_one_or_none()
    return as_utc(found) if found is not None else None
