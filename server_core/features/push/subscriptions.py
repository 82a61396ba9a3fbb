"""The caller's Web Push subscriptions, and the VAPID public key browsers subscribe with.

Any principal may subscribe (humans' browsers, in practice). An endpoint is upserted: the same
browser subscribing again updates its keys, and an endpoint another principal had moves to
the caller (the browser now belongs to whoever subscribed last). Endpoints must be https URLs
on public hosts, so the server never posts to its own network; a setting lifts that for tests
and local setups.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.config import Settings
from server_core.features.push.errors import PushEndpointRefused
from server_core.features.push.schemas import (
    PushSubscription,
    SubscribeRequest,
    SubscriptionKeys,
    UnsubscribeQuery,
    VapidKey,
)
from server_core.features.push.tables import push_subscriptions
from server_core.features.push.vapid import public_key_b64url
from server_core.kernel.auth import Caller
from server_core.kernel.clock import utcnow
from server_core.kernel.errors import NotFound
from server_core.kernel.events import Event
from server_core.kernel.ids import new_id


def check_endpoint(endpoint: str, settings: Settings) -> None:
    """https on a public host; with `push_allow_insecure_endpoints`, any http(s) URL."""
    try:
        parts = urlsplit(endpoint)
        hostname = parts.hostname
    except ValueError as malformed:  # e.g. an unclosed IPv6 bracket
        raise PushEndpointRefused("endpoint: not a URL") from malformed
    if parts.scheme not in ("https", "http") or not hostname:
        raise PushEndpointRefused("endpoint: must be an http(s) URL")
    if settings.push_allow_insecure_endpoints:
        return
    if parts.scheme != "https":
        raise PushEndpointRefused("endpoint: must be an https URL")
    host = hostname.rstrip(".").lower()
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        raise PushEndpointRefused("endpoint: must be on a public host")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return  # a name: push services are named hosts
    if not address.is_global:
        raise PushEndpointRefused("endpoint: must be on a public host")


def _subscription(row: RowMapping) -> PushSubscription:
    return PushSubscription(
        id=row["id"],
        principal_id=row["principal_id"],
        endpoint=row["endpoint"],
        keys=SubscriptionKeys(p256dh=row["p256dh"], auth=row["auth"]),
        user_agent=row["user_agent"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def get_vapid_key(conn: Connection, *, caller: Caller, settings: Settings) -> VapidKey:
    """Made on first use (a file write, so not inside a write transaction's lock)."""
    return VapidKey(public_key=public_key_b64url(settings))


def do_subscribe(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    settings: Settings,
    request: SubscribeRequest,
) -> PushSubscription:
    check_endpoint(request.endpoint, settings)
    now = utcnow()
    values = {
        "workspace_id": caller.workspace_id,
        "principal_id": caller.principal_id,
        "p256dh": request.keys.p256dh,
        "auth": request.keys.auth,
        "user_agent": request.user_agent,
        "updated_at": now,
    }
    where = push_subscriptions.c.endpoint == request.endpoint
    existing = conn.scalar(sa.select(push_subscriptions.c.id).where(where).with_for_update())
    if existing is None:
        subscription_id = new_id()
        conn.execute(
            sa.insert(push_subscriptions).values(
                id=subscription_id, endpoint=request.endpoint, created_at=now, **values
            )
        )
    else:
        subscription_id = existing
        conn.execute(sa.update(push_subscriptions).where(where).values(**values))
    query = sa.select(push_subscriptions).where(push_subscriptions.c.id == subscription_id)
    return _subscription(conn.execute(query).mappings().one())


def do_unsubscribe(
    conn: Connection, events: list[Event], *, caller: Caller, query: UnsubscribeQuery
) -> PushSubscription:
    """By `?endpoint=`: DELETE takes no body on this platform."""
    select = sa.select(push_subscriptions).where(
        push_subscriptions.c.endpoint == query.endpoint,
        push_subscriptions.c.principal_id == caller.principal_id,
    )
    row = conn.execute(select).mappings().first()
    if row is None:
        raise NotFound("You have no subscription with that endpoint")
    conn.execute(sa.delete(push_subscriptions).where(push_subscriptions.c.id == row["id"]))
    return _subscription(row)


def list_subscriptions(conn: Connection, *, caller: Caller) -> list[PushSubscription]:
    query = (
        sa.select(push_subscriptions)
        .where(push_subscriptions.c.principal_id == caller.principal_id)
        .order_by(push_subscriptions.c.created_at, push_subscriptions.c.id)
    )
    return [_subscription(row) for row in conn.execute(query).mappings()]
