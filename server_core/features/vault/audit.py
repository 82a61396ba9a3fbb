"""The access trail and the alert rules that watch it.

Every reveal, lease use, TOTP code, denial and lease decision is written to
`vault_access_events` in the transaction of the request, so a secret is returned only after
its access event committed; if the event cannot be written the request fails with
`AuditUnavailable` and reveals nothing (audit fails closed).

Writing an event fires the alert rules whose scope (workspace, vault or item) and trigger
match it. A rule posts a `system` message in its channel (authored by the rule's creator) or
records a pending push/email delivery; a delivery that fails is recorded as failed and never
fails the access it reports on. Alert texts name the item and the principal, never a value.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NoReturn

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from server_core.features.messaging import messages as messages_service
from server_core.features.vault.errors import AuditUnavailable
from server_core.features.vault.tables import (
    vault_access_events,
    vault_alert_deliveries,
    vault_alert_rules,
    vault_items,
    vaults,
)
from server_core.kernel.auth import Caller, caller_from_row
from server_core.kernel.errors import ApiError
from server_core.kernel.events import Event
from server_core.kernel.ids import new_id
from server_core.kernel.keyring import Keyring
from server_core.kernel.store.tables import principals

log = logging.getLogger(__name__)

# Actions that count as an access (every_access and threshold rules).
ACCESS_ACTIONS = frozenset({"reveal", "totp", "lease_use", "attachment_download"})
THRESHOLD_WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class Audit:
    """What one request needs to write to the trail: connection, events, keyring, caller."""

    conn: Connection
    events: list[Event]
    keyring: Keyring
    caller: Caller
    now: datetime

    def record(
        self,
        action: str,
        outcome: str,
        *,
        vault_id: str | None,
        item_id: str | None = None,
        lease_id: str | None = None,
        detail: str | None = None,
        fields: Sequence[str] = (),
    ) -> str:
        """Write one access event and fire the alert rules it matches; its id."""
        event_id = new_id()
        try:
            self.conn.execute(
                sa.insert(vault_access_events).values(
                    id=event_id,
                    workspace_id=self.caller.workspace_id,
                    vault_id=vault_id,
                    item_id=item_id,
                    lease_id=lease_id,
                    principal_id=self.caller.principal_id,
                    action=action,
                    outcome=outcome,
                    detail=detail,
                    fields=list(fields),
                    created_at=self.now,
                )
            )
        except SQLAlchemyError as exc:
            log.error("vault access event could not be written", extra={"action": action})
            raise AuditUnavailable() from exc
        _fire_alerts(self, event_id, action, outcome, vault_id, item_id)
        return event_id

    def deny(
        self,
        error: ApiError,
        action: str,
        *,
        vault_id: str | None,
        item_id: str | None = None,
        lease_id: str | None = None,
    ) -> NoReturn:
        """Record a denied access event, then raise `error` (which keeps the write)."""
        self.record(
            action,
            "denied",
            vault_id=vault_id,
            item_id=item_id,
            lease_id=lease_id,
            detail=error.message,
        )
        raise error


def _matching_rules(
    conn: Connection, workspace_id: str, vault_id: str | None, item_id: str | None
) -> list[Any]:
    scope = [vault_alert_rules.c.workspace_id == workspace_id]
    scope.append(
        vault_alert_rules.c.vault_id.is_(None)
        if vault_id is None
        else sa.or_(
            vault_alert_rules.c.vault_id.is_(None), vault_alert_rules.c.vault_id == vault_id
        )
    )
    scope.append(
        vault_alert_rules.c.item_id.is_(None)
        if item_id is None
        else sa.or_(vault_alert_rules.c.item_id.is_(None), vault_alert_rules.c.item_id == item_id)
    )
    return list(conn.execute(sa.select(vault_alert_rules).where(*scope)).mappings().all())


def _fires(audit: Audit, rule: Any, action: str, outcome: str) -> bool:
    trigger = rule["trigger"]
    if trigger == "denied":
        return outcome == "denied"
    if trigger == "lease_request":
        return action == "lease_request" and outcome == "allowed"
    if outcome != "allowed" or action not in ACCESS_ACTIONS:
        return False
    if trigger == "every_access":
        return True
    # threshold: more than `threshold` accesses in scope within the last hour, once an hour.
    since = audit.now - THRESHOLD_WINDOW
    last = rule["last_fired_at"]
    if last is not None and last.replace(tzinfo=since.tzinfo) > since:
        return False
    scope = [
        vault_access_events.c.workspace_id == rule["workspace_id"],
        vault_access_events.c.outcome == "allowed",
        vault_access_events.c.action.in_(ACCESS_ACTIONS),
        vault_access_events.c.created_at > since,
    ]
    if rule["vault_id"] is not None:
        scope.append(vault_access_events.c.vault_id == rule["vault_id"])
    if rule["item_id"] is not None:
        scope.append(vault_access_events.c.item_id == rule["item_id"])
    count = audit.conn.execute(sa.select(sa.func.count()).where(*scope)).scalar_one()
    return bool(count > rule["threshold"])


def _fire_alerts(
    audit: Audit,
    event_id: str,
    action: str,
    outcome: str,
    vault_id: str | None,
    item_id: str | None,
) -> None:
    rules = [
        rule
        for rule in _matching_rules(audit.conn, audit.caller.workspace_id, vault_id, item_id)
        if _fires(audit, rule, action, outcome)
    ]
    if not rules:
        return
    text = _alert_text(audit, rules[0]["trigger"], action, outcome, vault_id, item_id)
    for rule in rules:
        if len(rules) > 1:
            text = _alert_text(audit, rule["trigger"], action, outcome, vault_id, item_id)
        status, message_id = "pending", None
        if rule["destination"] == "channel":
            status, message_id = _post_to_channel(audit, rule, text)
        audit.conn.execute(
            sa.insert(vault_alert_deliveries).values(
                id=new_id(),
                workspace_id=rule["workspace_id"],
                rule_id=rule["id"],
                access_event_id=event_id,
                destination=rule["destination"],
                status=status,
                message_id=message_id,
                payload={
                    "text": text,
                    "trigger": rule["trigger"],
                    "action": action,
                    "outcome": outcome,
                    "principalId": audit.caller.principal_id,
                    "vaultId": vault_id,
                    "itemId": item_id,
                    "config": rule["destination_config"],
                },
                created_at=audit.now,
            )
        )
        audit.conn.execute(
            sa.update(vault_alert_rules)
            .where(vault_alert_rules.c.id == rule["id"])
            .values(last_fired_at=audit.now)
        )


def _alert_text(
    audit: Audit,
    trigger: str,
    action: str,
    outcome: str,
    vault_id: str | None,
    item_id: str | None,
) -> str:
    item_name = (
        audit.conn.execute(sa.select(vault_items.c.name).where(vault_items.c.id == item_id))
        .scalars()
        .first()
        if item_id
        else None
    )
    vault_name = (
        audit.conn.execute(sa.select(vaults.c.name).where(vaults.c.id == vault_id))
        .scalars()
        .first()
        if vault_id
        else None
    )
    what = action.replace("_", " ")
    subject = f" item '{item_name}'" if item_name else ""
    where = f" in vault '{vault_name}'" if vault_name else ""
    return (
        f"Vault alert ({trigger}): @{audit.caller.handle} {what} {outcome}{subject}{where}"
    ).strip()


def _post_to_channel(audit: Audit, rule: Any, text: str) -> tuple[str, str | None]:
    channel_id = rule["destination_config"].get("channelId")
    author_row = (
        audit.conn.execute(sa.select(principals).where(principals.c.id == rule["created_by"]))
        .mappings()
        .first()
    )
    if not channel_id or author_row is None:
        return "failed", None
    author: Caller = caller_from_row(author_row, "api_key")
    try:
        # A savepoint: a channel that is gone must not undo the access being reported.
        with audit.conn.begin_nested():
            message = messages_service.post_system_message(
                audit.conn, audit.events, audit.keyring, channel_id, author, text
            )
    except (ApiError, SQLAlchemyError):
        log.warning("vault alert could not be posted", extra={"ruleId": rule["id"]})
        return "failed", None
    return "sent", message.id
