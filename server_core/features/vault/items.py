"""Vault items: create, list, read, update, delete; reveal their fields and give their TOTP
codes, each recorded on the trail before a value leaves. A `totpSecret` given in
typeMetadata is kept sealed in the item's `meta` slot. Attachments: `attachments.py`.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.features.vault import totp as totp_codes
from server_core.features.vault.access import access_item, access_vault, begin_audit
from server_core.features.vault.attachments import item_attachments
from server_core.features.vault.blob_removals import committed, queue_removals, remove_now
from server_core.features.vault.errors import NoTotpSecret, UnknownField, VaultAccessDenied
from server_core.features.vault.fields import (
    FIELD,
    META,
    TOTP_SECRET,
    field_rows,
    open_field_row,
    write_field,
)
from server_core.features.vault.hints import infer_hint
from server_core.features.vault.roles import ItemAccess, member_role_clause
from server_core.features.vault.schemas import (
    MASK,
    CreateItemRequest,
    ItemDetail,
    ListItemsQuery,
    Revealed,
    RevealRequest,
    TotpResponse,
    UpdateItemRequest,
    VaultItem,
    fields_as_dict,
)
from server_core.features.vault.tables import (
    vault_attachments,
    vault_item_fields,
    vault_item_shares,
    vault_items,
    vaults,
)
from server_core.features.vault.views import item_view, policy_or_empty, render_items
from server_core.kernel.auth import Caller
from server_core.kernel.clock import utcnow
from server_core.kernel.errors import BadRequest
from server_core.kernel.events import Event
from server_core.kernel.ids import new_id, parse_id
from server_core.kernel.keyring import Keyring
from server_core.kernel.platform import Platform


def _split_metadata(metadata: dict[str, Any]) -> tuple[dict[str, Any], str | None, bool]:
    """typeMetadata without `totpSecret`, the secret, and whether the key was present."""
    cleaned = dict(metadata)
    present = TOTP_SECRET in cleaned
    secret = cleaned.pop(TOTP_SECRET, None)
    if secret is not None and (not isinstance(secret, str) or not secret.strip()):
        raise BadRequest("typeMetadata.totpSecret: must be a non-empty string (base32)")
    return cleaned, secret, present


def create_item(
    conn: Connection,
    events: list[Event],
    *,
    keyring: Keyring,
    caller: Caller,
    request: CreateItemRequest,
) -> ItemDetail:
    audit = begin_audit(conn, events, keyring, caller)
    access = access_vault(audit, caller, conn, request.vault_id, "create_item", "create_item")
    fields = fields_as_dict(request.fields)
    given_hints = request.field_hints or {}
    unknown = sorted(set(given_hints) - set(fields))
    if unknown:
        raise BadRequest(f"fieldHints: '{unknown[0]}' is not one of the item's fields")
    metadata, totp_secret, _ = _split_metadata(request.type_metadata)
    item_id = new_id()
    row = {
        "id": item_id,
        "workspace_id": caller.workspace_id,
        "vault_id": access.vault["id"],
        "name": request.name,
        "type": request.type,
        "url": request.url,
        "notes": request.notes,
        "tags": list(dict.fromkeys(request.tags)),
        "type_metadata": metadata,
        "status": "active",
        "created_by": caller.principal_id,
        "updated_by": caller.principal_id,
        "last_accessed_at": None,
        "last_rotated_at": None,
        "created_at": audit.now,
        "updated_at": audit.now,
    }
    conn.execute(sa.insert(vault_items).values(**row))
    hints = {key: given_hints.get(key) or infer_hint(key) for key in fields}
    for position, (key, value) in enumerate(fields.items()):
        write_field(conn, keyring, item_id, FIELD, key, value, hints[key], position, audit.now)
    if totp_secret is not None:
        write_field(conn, keyring, item_id, META, TOTP_SECRET, totp_secret, "totp", 0, audit.now)
    has_totp = totp_secret is not None or "totp" in hints.values()
    return ItemDetail(
        item=item_view(row, has_totp),
        field_keys=list(fields),
        field_hints=hints,
        masking_policy=policy_or_empty(access.vault["masking_policy"]),
    )


def list_items(conn: Connection, *, caller: Caller, query: ListItemsQuery) -> list[VaultItem]:
    now = utcnow()
    shared = sa.select(vault_item_shares.c.item_id).where(
        vault_item_shares.c.principal_id == caller.principal_id,
        sa.or_(vault_item_shares.c.expires_at.is_(None), vault_item_shares.c.expires_at > now),
    )
    member_vaults = sa.select(vaults.c.id).where(member_role_clause(caller))
    statement = sa.select(vault_items).where(
        vault_items.c.workspace_id == caller.workspace_id,
        sa.or_(vault_items.c.vault_id.in_(member_vaults), vault_items.c.id.in_(shared)),
    )
    if query.vault_id is not None:
        vault_id = parse_id(query.vault_id) or query.vault_id
        statement = statement.where(vault_items.c.vault_id == vault_id)
    if query.type is not None:
        statement = statement.where(vault_items.c.type == query.type)
    if query.q:
        escaped = query.q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        name = sa.func.lower(vault_items.c.name)
        statement = statement.where(name.like(f"%{escaped}%", escape="\\"))
    rows = conn.execute(statement.order_by(vault_items.c.name, vault_items.c.id)).mappings().all()
    return render_items(conn, rows)


def get_item(conn: Connection, *, caller: Caller, item_id: str) -> ItemDetail:
    access = access_item(None, caller, conn, item_id, "read")
    return _detail(conn, access)


def _detail(conn: Connection, access: ItemAccess) -> ItemDetail:
    fields = field_rows(conn, access.item["id"])
    (item,) = render_items(conn, [access.item])
    return ItemDetail(
        item=item,
        field_keys=[row["field_key"] for row in fields],
        field_hints={row["field_key"]: row["hint"] for row in fields},
        masking_policy=policy_or_empty(access.vault["masking_policy"]),
        attachments=item_attachments(conn, access.item["id"]),
    )


def reveal(
    conn: Connection,
    events: list[Event],
    *,
    keyring: Keyring,
    caller: Caller,
    item_id: str,
    request: RevealRequest | None,
) -> Revealed:
    audit = begin_audit(conn, events, keyring, caller)
    access = access_item(audit, caller, conn, item_id, "reveal")
    ids = {"vault_id": access.item["vault_id"], "item_id": access.item["id"]}
    if not access.can_reveal:
        reason = (
            "use_only members reveal through a lease: POST /vault/leases/request"
            if access.role == "use_only"
            else "Your share of this item does not allow revealing it"
        )
        audit.deny(VaultAccessDenied(reason), "reveal", **ids)
    rows = field_rows(conn, access.item["id"])
    by_key = {row["field_key"]: row for row in rows}
    asked = request.fields if request is not None else None
    wanted = list(dict.fromkeys(asked or []))
    unknown = [key for key in wanted if key not in by_key]
    if unknown:
        raise UnknownField(f"The item has no field '{unknown[0]}'")
    chosen = [by_key[key] for key in wanted] if wanted else rows
    # The trail first, in this transaction: the values leave only once it has committed.
    audit.record("reveal", "allowed", fields=[row["field_key"] for row in chosen], **ids)
    conn.execute(
        sa.update(vault_items)
        .where(vault_items.c.id == access.item["id"])
        .values(last_accessed_at=audit.now)
    )
    policy = policy_or_empty(access.vault["masking_policy"])
    masked = set(policy.always_mask)
    values = {
        row["field_key"]: MASK if row["hint"] in masked else open_field_row(keyring, row)
        for row in chosen
    }
    return Revealed(
        fields=values,
        field_hints={row["field_key"]: row["hint"] for row in chosen},
        masking_policy=policy,
    )


def totp(
    conn: Connection, events: list[Event], *, keyring: Keyring, caller: Caller, item_id: str
) -> TotpResponse:
    audit = begin_audit(conn, events, keyring, caller)
    access = access_item(audit, caller, conn, item_id, "totp")
    ids = {"vault_id": access.item["vault_id"], "item_id": access.item["id"]}
    if not access.can_reveal:
        audit.deny(
            VaultAccessDenied("Your access to this item does not allow TOTP codes"), "totp", **ids
        )
    source = next(
        (row for row in field_rows(conn, access.item["id"]) if row["hint"] == "totp"), None
    )
    if source is None:
        source = next(iter(field_rows(conn, access.item["id"], META)), None)
    if source is None:
        raise NoTotpSecret()
    code = totp_codes.code_at(open_field_row(keyring, source), options=access.item["type_metadata"])
    audit.record("totp", "allowed", fields=[source["field_key"]], **ids)
    conn.execute(
        sa.update(vault_items)
        .where(vault_items.c.id == access.item["id"])
        .values(last_accessed_at=audit.now)
    )
    return TotpResponse(code=code.code, expires_in=code.expires_in, period=code.period)


def update_item(
    conn: Connection,
    events: list[Event],
    *,
    keyring: Keyring,
    caller: Caller,
    item_id: str,
    request: UpdateItemRequest,
) -> ItemDetail:
    audit = begin_audit(conn, events, keyring, caller)
    access = access_item(audit, caller, conn, item_id, "edit_item", "edit_item", lock=True)
    iid = access.item["id"]
    given = request.model_fields_set
    changes: dict[str, Any] = {}
    for name in ("name", "type_metadata"):
        if name in given and getattr(request, name) is None:
            raise BadRequest(
                f"{'typeMetadata' if name == 'type_metadata' else name}: cannot be null"
            )
    if "name" in given:
        changes["name"] = request.name
    if "url" in given:
        changes["url"] = request.url
    if "notes" in given:
        changes["notes"] = request.notes
    if "tags" in given:
        changes["tags"] = list(dict.fromkeys(request.tags or []))
    existing = {row["field_key"]: row for row in field_rows(conn, iid)}
    fields = fields_as_dict(request.fields) if request.fields is not None else {}
    given_hints = request.field_hints or {}
    unknown = sorted(set(given_hints) - set(fields) - set(existing))
    if unknown:
        raise BadRequest(f"fieldHints: '{unknown[0]}' is not one of the item's fields")
    if request.type_metadata is not None:
        metadata, secret, present = _split_metadata(request.type_metadata)
        changes["type_metadata"] = metadata
        if secret is not None:
            write_field(conn, keyring, iid, META, TOTP_SECRET, secret, "totp", 0, audit.now)
        elif present:  # `"totpSecret": null` removes it
            conn.execute(
                sa.delete(vault_item_fields).where(
                    vault_item_fields.c.item_id == iid, vault_item_fields.c.slot == META
                )
            )
    position = len(existing)
    for key, value in fields.items():
        old = existing.get(key)
        hint = given_hints.get(key) or (old["hint"] if old is not None else infer_hint(key))
        write_field(conn, keyring, iid, FIELD, key, value, hint, position, audit.now)
        position += old is None
    for key, hint in given_hints.items():
        if key not in fields:
            conn.execute(
                sa.update(vault_item_fields)
                .where(
                    vault_item_fields.c.item_id == iid,
                    vault_item_fields.c.slot == FIELD,
                    vault_item_fields.c.field_key == key,
                )
                .values(hint=hint, updated_at=audit.now)
            )
    if fields:
        changes["last_rotated_at"] = audit.now
    if changes or given_hints:
        changes.update(updated_at=audit.now, updated_by=caller.principal_id)
        conn.execute(sa.update(vault_items).where(vault_items.c.id == iid).values(**changes))
    updated = conn.execute(sa.select(vault_items).where(vault_items.c.id == iid)).mappings().one()
    return _detail(conn, ItemAccess(updated, access.vault, access.role, access.share))


async def delete_item(platform: Platform, *, caller: Caller, item_id: str) -> ItemDetail:
    """Delete the item; once that commits, its attachments' sealed blobs are removed."""
    detail, queued = await committed(
        platform, partial(_delete_item, keyring=platform.keyring, caller=caller, item_id=item_id)
    )
    await remove_now(platform, queued)
    return detail


def _delete_item(
    conn: Connection, events: list[Event], *, keyring: Keyring, caller: Caller, item_id: str
) -> tuple[ItemDetail, list[tuple[str, str]]]:
    audit = begin_audit(conn, events, keyring, caller)
    access = access_item(audit, caller, conn, item_id, "delete_item", "delete_item")
    detail = _detail(conn, access)
    queued = queue_removals(conn, vault_attachments.c.item_id == access.item["id"], audit.now)
    # Fields, shares, leases and attachments go with it; the access events stay.
    conn.execute(sa.delete(vault_items).where(vault_items.c.id == access.item["id"]))
    audit.record(
        "delete_item", "allowed", vault_id=access.item["vault_id"], item_id=access.item["id"]
    )
    return detail, queued
