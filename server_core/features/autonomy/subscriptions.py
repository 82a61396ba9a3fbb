"""Wake subscriptions: subscribe an agent to external events, list and delete them.

Who: the agent itself, or a human who manages it (its owner or a workspace admin). A
subscription is persistent (every matching delivery wakes the agent) until deleted. Its
secret — `whsec_` + base64 of 32 random bytes, for GitHub as for signed webhooks — is shown
once, in the create answer, and stored sealed with the workspace's data key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.config import Settings
from server_core.features.agents.service import access_agent, check_can_manage
from server_core.features.autonomy.schemas import (
    MAX_SUBSCRIPTIONS,
    CreateSubscriptionRequest,
    WakeSubscription,
    WakeSubscriptionWithSecret,
)
from server_core.features.autonomy.tables import wake_subscriptions
from server_core.features.webhooks.signing import new_secret
from server_core.kernel.auth import Caller
from server_core.kernel.clock import utcnow
from server_core.kernel.errors import Conflict, NotFound
from server_core.kernel.events import Event
from server_core.kernel.ids import new_id, parse_id
from server_core.kernel.keyring import Keyring

ws = wake_subscriptions.c


def inbound_url(settings: Settings, source: str, subscription_id: str) -> str:
    base = (settings.inbound_public_url or settings.public_url).rstrip("/")
    return f"{base}/inbound/{source}/{subscription_id}"


def open_secret(conn: Connection, keyring: Keyring, row: Mapping[Any, Any]) -> str:
    bound = f"wake-subscription:{row['id']}"
    return keyring.open(conn, row["secret_key_id"], row["secret_sealed"], bound)


def access_own_agent(conn: Connection, caller: Caller, agent_id: str) -> RowMapping:
    """An agent whose subscriptions the caller may manage: itself, or one it owns or
    administers."""
    agent = access_agent(conn, caller, agent_id)
    if agent["id"] != caller.principal_id:
        check_can_manage(caller, agent)
    return agent


def _view(settings: Settings, row: Mapping[Any, Any]) -> WakeSubscription:
    url = inbound_url(settings, row["source"], row["id"])
    return WakeSubscription.model_validate({**row, "inbound_url": url})


def do_subscribe(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    agent_id: str,
    request: CreateSubscriptionRequest,
    keyring: Keyring,
    settings: Settings,
) -> WakeSubscriptionWithSecret:
    agent = access_own_agent(conn, caller, agent_id)
    count = conn.execute(sa.select(sa.func.count()).where(ws.agent_id == agent["id"])).scalar_one()
    if count >= MAX_SUBSCRIPTIONS:
        raise Conflict(f"An agent has at most {MAX_SUBSCRIPTIONS} wake subscriptions")
    subscription_id = new_id()
    secret = new_secret()
    key_id = keyring.current_key_id(conn, agent["workspace_id"])
    bound = f"wake-subscription:{subscription_id}"
    values = {
        "id": subscription_id,
        "workspace_id": agent["workspace_id"],
        "agent_id": agent["id"],
        "created_by": caller.principal_id,
        "source": request.source,
        "event": request.event,
        "filter": request.filter,
        "secret_key_id": key_id,
        "secret_sealed": keyring.seal(conn, key_id, secret, bound),
        "delivery_count": 0,
        "last_delivered_at": None,
        "created_at": utcnow(),
    }
    conn.execute(sa.insert(wake_subscriptions).values(values))
    view = _view(settings, values)
    return WakeSubscriptionWithSecret(**view.model_dump(), secret=secret)


def list_subscriptions(
    conn: Connection, *, caller: Caller, agent_id: str, settings: Settings
) -> list[WakeSubscription]:
    agent = access_own_agent(conn, caller, agent_id)
    rows = conn.execute(
        sa.select(wake_subscriptions)
        .where(ws.agent_id == agent["id"])
        .order_by(ws.created_at, ws.id)
    ).mappings()
    return [_view(settings, row) for row in rows]


def do_unsubscribe(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    agent_id: str,
    subscription_id: str,
    settings: Settings,
) -> WakeSubscription:
    agent = access_own_agent(conn, caller, agent_id)
    canonical = parse_id(subscription_id)
    row = (
        conn.execute(
            sa.select(wake_subscriptions).where(ws.id == canonical, ws.agent_id == agent["id"])
        )
        .mappings()
        .first()
        if canonical
        else None
    )
    if row is None:
        raise NotFound(f"No wake subscription '{subscription_id}' for this agent")
    conn.execute(sa.delete(wake_subscriptions).where(ws.id == row["id"]))
    return _view(settings, row)
