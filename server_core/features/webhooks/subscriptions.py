"""Webhook subscriptions: create, read, change, delete, rotate the secret, list deliveries.

Who: the agent itself, or a human who manages it (its owner or a workspace admin). A create or
a URL change resolves the host before anything is written (an async flow, so the lookup never
holds the database thread).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.agents.service import access_agent, check_can_manage
from server_core.features.webhooks.event_types import check_event_types
from server_core.features.webhooks.schemas import (
    CreateWebhookRequest,
    DeliveriesQuery,
    Delivery,
    RotatedSecret,
    UpdateWebhookRequest,
    Webhook,
    WebhookWithSecret,
)
from server_core.features.webhooks.signing import new_secret
from server_core.features.webhooks.tables import webhook_deliveries, webhook_subscriptions
from server_core.features.webhooks.targets import check_target
from server_core.kernel.auth import Caller
from server_core.kernel.clock import utcnow
from server_core.kernel.errors import BadRequest, NotFound
from server_core.kernel.events import Event
from server_core.kernel.ids import new_id, parse_id
from server_core.kernel.keyring import Keyring
from server_core.kernel.platform import Platform


def access_own_agent(conn: Connection, caller: Caller, agent_id: str) -> RowMapping:
    """An agent whose webhooks the caller may manage: itself, or one it owns or administers."""
    agent = access_agent(conn, caller, agent_id)
    if agent["id"] != caller.principal_id:
        check_can_manage(caller, agent)
    return agent


def access_webhook(conn: Connection, caller: Caller, agent_id: str, webhook_id: str) -> RowMapping:
    agent = access_own_agent(conn, caller, agent_id)
    canonical = parse_id(webhook_id)
    row = (
        conn.execute(
            sa.select(webhook_subscriptions).where(
                webhook_subscriptions.c.id == canonical,
                webhook_subscriptions.c.agent_id == agent["id"],
            )
        )
        .mappings()
        .first()
        if canonical
        else None
    )
    if row is None:
        raise NotFound(f"No webhook with id '{webhook_id}' for this agent")
    return row


def _channel_ids(requested: list[str] | None) -> list[str] | None:
    if requested is None:
        return None
    canonical = []
    for given in requested:
        channel_id = parse_id(given)
        if channel_id is None:
            raise BadRequest(f"channelIds: '{given}' is not a channel id")
        canonical.append(channel_id)
    return list(dict.fromkeys(canonical))


def seal_secret(
    conn: Connection, keyring: Keyring, workspace_id: str, webhook_id: str, secret: str
) -> dict[str, Any]:
    key_id = keyring.current_key_id(conn, workspace_id)
    return {
        "secret_key_id": key_id,
        "secret_sealed": keyring.seal(conn, key_id, secret, f"webhook:{webhook_id}"),
    }


def open_secret(conn: Connection, keyring: Keyring, row: Mapping[Any, Any]) -> str:
    return keyring.open(conn, row["secret_key_id"], row["secret_sealed"], f"webhook:{row['id']}")


def _webhook(row: RowMapping) -> Webhook:
    return Webhook.model_validate(dict(row))


# --- writes ---------------------------------------------------------------------------------


async def _check_access(
    platform: Platform, caller: Caller, agent_id: str, webhook_id: str | None = None
) -> None:
    """403 / 404 before a URL is resolved, so that a caller who may not manage the agent's
    webhooks learns nothing about what a host resolves to. (The write checks again.)"""

    def check(conn: Connection) -> None:
        if webhook_id is None:
            access_own_agent(conn, caller, agent_id)
        else:
            access_webhook(conn, caller, agent_id, webhook_id)

    await platform.store.read(check)


async def do_create_webhook(
    platform: Platform, *, caller: Caller, agent_id: str, request: CreateWebhookRequest
) -> WebhookWithSecret:
    await _check_access(platform, caller, agent_id)  # before anything is looked up
    event_types = check_event_types(request.event_types)
    channel_ids = _channel_ids(request.channel_ids)
    await check_target(request.url, allow_private=platform.settings.webhooks_allow_private)
    secret = new_secret()
    keyring = platform.keyring

    def create(conn: Connection) -> WebhookWithSecret:
        agent = access_own_agent(conn, caller, agent_id)
        now = utcnow()
        webhook_id = new_id()
        values = {
            "id": webhook_id,
            "workspace_id": agent["workspace_id"],
            "agent_id": agent["id"],
            "url": request.url,
            "event_types": event_types,
            "channel_ids": channel_ids,
            "active": request.active,
            "consecutive_failures": 0,
            "created_at": now,
            "updated_at": now,
            **seal_secret(conn, keyring, agent["workspace_id"], webhook_id, secret),
        }
        conn.execute(sa.insert(webhook_subscriptions).values(values))
        return WebhookWithSecret.model_validate({**values, "secret": secret})

    async with platform.store.transaction() as tx:
        return await tx.run(create)


async def do_update_webhook(
    platform: Platform,
    *,
    caller: Caller,
    agent_id: str,
    webhook_id: str,
    request: UpdateWebhookRequest,
) -> Webhook:
    await _check_access(platform, caller, agent_id, webhook_id)
    changes: dict[str, Any] = {}
    fields = request.model_fields_set
    if "url" in fields and request.url is not None:
        await check_target(request.url, allow_private=platform.settings.webhooks_allow_private)
        changes["url"] = request.url
    if "event_types" in fields and request.event_types is not None:
        changes["event_types"] = check_event_types(request.event_types)
    if "channel_ids" in fields:
        changes["channel_ids"] = _channel_ids(request.channel_ids)
    if "active" in fields and request.active is not None:
        changes["active"] = request.active
        if request.active:
            changes["consecutive_failures"] = 0  # resumed: the count starts again

    def update(conn: Connection) -> Webhook:
        row = access_webhook(conn, caller, agent_id, webhook_id)
        if not changes:
            return _webhook(row)
        values = {**changes, "updated_at": utcnow()}
        conn.execute(
            sa.update(webhook_subscriptions)
            .where(webhook_subscriptions.c.id == row["id"])
            .values(values)
        )
        return _webhook({**row, **values})  # type: ignore[arg-type]

    async with platform.store.transaction() as tx:
        return await tx.run(update)


def do_delete_webhook(
    conn: Connection, events: list[Event], *, caller: Caller, agent_id: str, webhook_id: str
) -> Webhook:
    row = access_webhook(conn, caller, agent_id, webhook_id)
    conn.execute(
        sa.delete(webhook_deliveries).where(webhook_deliveries.c.subscription_id == row["id"])
    )
    conn.execute(sa.delete(webhook_subscriptions).where(webhook_subscriptions.c.id == row["id"]))
    return _webhook(row)


def do_rotate_secret(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    keyring: Keyring,
    agent_id: str,
    webhook_id: str,
) -> RotatedSecret:
    row = access_webhook(conn, caller, agent_id, webhook_id)
    secret = new_secret()
    conn.execute(
        sa.update(webhook_subscriptions)
        .where(webhook_subscriptions.c.id == row["id"])
        .values(
            updated_at=utcnow(),
            **seal_secret(conn, keyring, row["workspace_id"], row["id"], secret),
        )
    )
    return RotatedSecret(secret=secret)


# --- reads ----------------------------------------------------------------------------------


def list_webhooks(conn: Connection, *, caller: Caller, agent_id: str) -> list[Webhook]:
    agent = access_own_agent(conn, caller, agent_id)
    rows = conn.execute(
        sa.select(webhook_subscriptions)
        .where(webhook_subscriptions.c.agent_id == agent["id"])
        .order_by(webhook_subscriptions.c.id)
    ).mappings()
    return [_webhook(row) for row in rows]


def get_webhook(conn: Connection, *, caller: Caller, agent_id: str, webhook_id: str) -> Webhook:
    return _webhook(access_webhook(conn, caller, agent_id, webhook_id))


def list_deliveries(
    conn: Connection, *, caller: Caller, agent_id: str, webhook_id: str, query: DeliveriesQuery
) -> list[Delivery]:
    row = access_webhook(conn, caller, agent_id, webhook_id)
    d = webhook_deliveries.c
    statement = sa.select(webhook_deliveries).where(d.subscription_id == row["id"])
    if query.status is not None:
        statement = statement.where(d.status == query.status)
    rows = conn.execute(statement.order_by(d.id.desc()).limit(query.limit)).mappings()
    return [Delivery.model_validate({**r, "webhook_id": r["subscription_id"]}) for r in rows]
