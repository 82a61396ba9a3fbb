"""Alert rules (create, list, delete) and reading the access trail.

- A rule's scope is its item, else its vault, else the whole workspace. Workspace-wide rules
  are for humans; scoped ones for the owners and admins of the vault.
- `threshold` rules need `threshold` (accesses per hour); `channel` destinations need
  `destinationConfig.channelId`, a channel of the workspace the creator belongs to.
- The trail: humans read the whole workspace's; agents read the events of vaults they own or
  administer. An item's events are for the owners and admins of its vault.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.features.messaging.channels import access_channel
from server_core.features.vault.access import access_item, access_vault
from server_core.features.vault.audit import Audit
from server_core.features.vault.errors import VaultAccessDenied
from server_core.features.vault.schemas import (
    AccessEvent,
    AccessEventsQuery,
    AlertRule,
    CreateAlertRequest,
)
from server_core.features.vault.tables import vault_access_events, vault_alert_rules, vault_members
from server_core.kernel.auth import Caller
from server_core.kernel.clock import utcnow
from server_core.kernel.errors import BadRequest, Forbidden, NotFound
from server_core.kernel.events import Event
from server_core.kernel.ids import new_id, parse_id
from server_core.kernel.keyring import Keyring
from server_core.kernel.wire import Page


def _rule(row: Mapping[Any, Any]) -> AlertRule:
    return AlertRule.model_validate(dict(row))


def _managed_vaults(caller: Caller) -> sa.Select[Any]:
    return sa.select(vault_members.c.vault_id).where(
        vault_members.c.principal_id == caller.principal_id,
        vault_members.c.role.in_(("owner", "admin")),
    )


def create_alert(
    conn: Connection,
    events: list[Event],
    *,
    keyring: Keyring,
    caller: Caller,
    request: CreateAlertRequest,
) -> AlertRule:
    audit = Audit(conn, events, keyring, caller, utcnow())
    vault_id = request.vault_id
    item_id = request.item_id
    if item_id is not None:
        item = access_item(audit, caller, conn, item_id, "create_alert", "update_vault")
        item_id = item.item["id"]
        if vault_id is not None and vault_id != item.item["vault_id"]:
            raise BadRequest("itemId: the item is not in the vault given as vaultId")
        vault_id = item.item["vault_id"]
    elif vault_id is not None:
        vault_id = access_vault(
            audit, caller, conn, vault_id, "update_vault", "create_alert"
        ).vault["id"]
    elif not caller.is_human:
        audit.deny(
            VaultAccessDenied("Workspace-wide alert rules are for humans; give a vaultId"),
            "create_alert",
            vault_id=None,
        )
    if request.trigger == "threshold" and request.threshold is None:
        raise BadRequest("threshold: required for the threshold trigger")
    config = dict(request.destination_config)
    if request.destination == "channel":
        channel_id = config.get("channelId")
        if not isinstance(channel_id, str) or parse_id(channel_id) is None:
            raise BadRequest("destinationConfig.channelId: a channel id is required")
        try:
            channel = access_channel(conn, caller, channel_id)
        except NotFound as exc:
            raise BadRequest("destinationConfig.channelId: no such channel") from exc
        if channel.member is None:
            raise BadRequest("destinationConfig.channelId: you are not a member of that channel")
        config["channelId"] = channel.channel["id"]
    row = {
        "id": new_id(),
        "workspace_id": caller.workspace_id,
        "vault_id": vault_id,
        "item_id": item_id,
        "trigger": request.trigger,
        "destination": request.destination,
        "destination_config": config,
        "threshold": request.threshold,
        "created_by": caller.principal_id,
        "last_fired_at": None,
        "created_at": audit.now,
    }
    conn.execute(sa.insert(vault_alert_rules).values(**row))
    return _rule(row)


def _visible_rules(caller: Caller) -> sa.ColumnElement[bool]:
    clauses = [vault_alert_rules.c.workspace_id == caller.workspace_id]
    if not caller.is_human:
        clauses.append(
            sa.or_(
                vault_alert_rules.c.created_by == caller.principal_id,
                vault_alert_rules.c.vault_id.in_(_managed_vaults(caller)),
            )
        )
    return sa.and_(*clauses)


def list_alerts(conn: Connection, *, caller: Caller) -> list[AlertRule]:
    rows = conn.execute(
        sa.select(vault_alert_rules)
        .where(_visible_rules(caller))
        .order_by(vault_alert_rules.c.created_at, vault_alert_rules.c.id)
    ).mappings()
    return [_rule(row) for row in rows.all()]


def delete_alert(
    conn: Connection, events: list[Event], *, keyring: Keyring, caller: Caller, alert_id: str
) -> AlertRule:
    canonical = parse_id(alert_id)
    row = (
        conn.execute(
            sa.select(vault_alert_rules).where(
                vault_alert_rules.c.id == canonical, _visible_rules(caller)
            )
        )
        .mappings()
        .first()
        if canonical
        else None
    )
    if row is None:
        raise NotFound(f"No alert rule with id '{alert_id}' in this workspace")
    conn.execute(sa.delete(vault_alert_rules).where(vault_alert_rules.c.id == row["id"]))
    return _rule(row)


# --- the trail ----------------------------------------------------------------------------


def _event(row: Mapping[Any, Any]) -> AccessEvent:
    return AccessEvent.model_validate(dict(row))


def _page(
    conn: Connection, where: list[sa.ColumnElement[bool]], query: AccessEventsQuery
) -> Page[AccessEvent]:
    """One page, newest first; its cursor is the offset of the next page."""
    rows = conn.execute(
        sa.select(vault_access_events)
        .where(*where)
        .order_by(vault_access_events.c.created_at.desc(), vault_access_events.c.id.desc())
        .limit(query.limit + 1)
        .offset(query.offset)
    ).mappings()
    found = [_event(row) for row in rows.all()]
    page, more = found[: query.limit], len(found) > query.limit
    return Page(page, query.offset + len(page) if more else None, more)


def list_events(conn: Connection, *, caller: Caller, query: AccessEventsQuery) -> Page[AccessEvent]:
    where = [vault_access_events.c.workspace_id == caller.workspace_id]
    if not caller.is_human:
        where.append(vault_access_events.c.vault_id.in_(_managed_vaults(caller)))
    return _page(conn, where, query)


def list_item_events(
    conn: Connection, *, caller: Caller, item_id: str, query: AccessEventsQuery
) -> Page[AccessEvent]:
    access = access_item(None, caller, conn, item_id, "read_events")
    if not access.allows("read_events"):
        raise Forbidden("Only the vault's owners and admins read an item's access events")
    where = [
        vault_access_events.c.workspace_id == caller.workspace_id,
        vault_access_events.c.item_id == access.item["id"],
    ]
    return _page(conn, where, query)
