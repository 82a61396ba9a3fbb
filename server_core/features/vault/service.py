"""Vaults, members, items, shares, reveal, TOTP and the wallet.

Each operation (`operations.py`) is answered by a unit of work: writes
`(connection, events, *, caller, …)`, reads `(connection, *, caller, …)`, each run in one hop
on the store's connection. Who may do what is in `roles.py`; every access to a secret and
every denial goes to the trail through `audit.Audit`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.vault import totp as totp_codes
from server_core.features.vault.audit import Audit
from server_core.features.vault.envelope import SealedField, open_field, seal_field
from server_core.features.vault.errors import (
    FieldUnreadable,
    NoTotpSecret,
    UnknownField,
    VaultAccessDenied,
    VaultNotFound,
)
from server_core.features.vault.events import ItemShared
from server_core.features.vault.hints import infer_hint
from server_core.features.vault.roles import (
    ItemAccess,
    Permission,
    VaultAccess,
    effective_role,
    find_item,
    find_vault,
    member_role_clause,
    vaults_with_role,
)
from server_core.features.vault.schemas import (
    MASK,
    AddVaultMemberRequest,
    AttachmentUploadRequest,
    AttachmentUrl,
    CreateItemRequest,
    CreateVaultRequest,
    ItemDetail,
    ItemShare,
    ListItemsQuery,
    MaskingPolicy,
    Revealed,
    RevealRequest,
    SetMaskingPolicyRequest,
    ShareItemRequest,
    TotpResponse,
    UpdateItemRequest,
    UpdateVaultRequest,
    Vault,
    VaultItem,
    VaultMember,
    Wallet,
    WalletLeasedItem,
    WalletMemberItem,
    WalletSharedItem,
    fields_as_dict,
)
from server_core.kernel.auth import Caller
from server_core.kernel.clock import as_utc, utcnow
from server_core.kernel.errors import (
    AttachmentsUnavailable,
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
)
from server_core.kernel.events import Event, EventRoute
from server_core.kernel.ids import new_id, parse_id
from server_core.kernel.keyring import Keyring, KeyringError
from server_core.kernel.store.tables import (
    principals,
    vault_item_fields,
    vault_item_shares,
    vault_items,
    vault_leases,
    vault_members,
    vaults,
)

log = logging.getLogger(__name__)

FIELD = "field"
META = "meta"  # secrets kept out of typeMetadata: `totpSecret`
TOTP_SECRET = "totpSecret"  # noqa: S105 (a key name, not a password)


def _audit(conn: Connection, events: list[Event], keyring: Keyring, caller: Caller) -> Audit:
    return Audit(conn, events, keyring, caller, utcnow())


# --- rendering ----------------------------------------------------------------------------


def _policy(value: Mapping[Any, Any] | None) -> MaskingPolicy | None:
    return None if value is None else MaskingPolicy.model_validate(value)


def _policy_or_empty(value: Mapping[Any, Any] | None) -> MaskingPolicy:
    return _policy(value) or MaskingPolicy()


def _vault(conn: Connection, row: Mapping[Any, Any], role: str) -> Vault:
    count = conn.execute(
        sa.select(sa.func.count()).where(vault_items.c.vault_id == row["id"])
    ).scalar_one()
    return Vault(
        id=row["id"],
        workspace_id=row["workspace_id"],
        name=row["name"],
        description=row["description"],
        sensitivity_label=row["sensitivity_label"],
        masking_policy=_policy(row["masking_policy"]),
        created_by=row["created_by"],
        role=role,
        item_count=count,
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _items_with_totp(conn: Connection, item_ids: Sequence[str]) -> set[str]:
    if not item_ids:
        return set()
    return set(
        conn.execute(
            sa.select(vault_item_fields.c.item_id)
            .where(
                vault_item_fields.c.item_id.in_(item_ids),
                sa.or_(
                    sa.and_(vault_item_fields.c.slot == FIELD, vault_item_fields.c.hint == "totp"),
                    vault_item_fields.c.slot == META,
                ),
            )
            .distinct()
        ).scalars()
    )


def _item(row: Mapping[Any, Any], has_totp: bool) -> VaultItem:
    return VaultItem(
        id=row["id"],
        workspace_id=row["workspace_id"],
        vault_id=row["vault_id"],
        name=row["name"],
        type=row["type"],
        url=row["url"],
        notes=row["notes"],
        tags=row["tags"],
        type_metadata=row["type_metadata"],
        has_totp=has_totp,
        status=row["status"],
        created_by=row["created_by"],
        updated_by=row["updated_by"],
        last_accessed_at=row["last_accessed_at"],
        last_rotated_at=row["last_rotated_at"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def render_items(conn: Connection, rows: Sequence[Mapping[Any, Any]]) -> list[VaultItem]:
    with_totp = _items_with_totp(conn, [row["id"] for row in rows])
    return [_item(row, row["id"] in with_totp) for row in rows]


def _share(row: Mapping[Any, Any]) -> ItemShare:
    return ItemShare(
        item_id=row["item_id"],
        principal_id=row["principal_id"],
        can_reveal=bool(row["can_reveal"]),
        allowed_domains=row["allowed_domains"],
        expires_at=row["expires_at"],
        shared_by=row["shared_by"],
        created_at=row["created_at"],
    )


def field_rows(conn: Connection, item_id: str, slot: str = FIELD) -> list[RowMapping]:
    return list(
        conn.execute(
            sa.select(vault_item_fields)
            .where(vault_item_fields.c.item_id == item_id, vault_item_fields.c.slot == slot)
            .order_by(vault_item_fields.c.position, vault_item_fields.c.field_key)
        )
        .mappings()
        .all()
    )


def _open(keyring: Keyring, row: Mapping[Any, Any]) -> str:
    try:
        return open_field(
            keyring,
            row["item_id"],
            row["slot"],
            row["field_key"],
            SealedField(bytes(row["ciphertext"]), bytes(row["wrapped_key"]), row["master_key_id"]),
        )
    except KeyringError as exc:
        log.error(
            "vault field does not open",
            extra={"itemId": row["item_id"], "fieldKey": row["field_key"], "reason": str(exc)},
        )
        raise FieldUnreadable() from exc


def open_fields(keyring: Keyring, rows: Iterable[Mapping[Any, Any]]) -> dict[str, str]:
    return {row["field_key"]: _open(keyring, row) for row in rows}


# --- access -------------------------------------------------------------------------------


def access_vault(
    audit: Audit | None,
    caller: Caller,
    conn: Connection,
    vault_id: str,
    permission: Permission | None,
    action: str,
) -> VaultAccess:
    """The vault if the caller is a member with `permission` (any member when None). Denials
    are recorded when `audit` is given (write requests); reads just answer 404 / 403."""
    access = find_vault(conn, caller, vault_id)
    if access is None:
        raise NotFound(f"No vault with id '{vault_id}' in this workspace")
    if access.role is None:
        missing = VaultNotFound(f"No vault with id '{vault_id}' in this workspace")
        if audit is None:
            raise NotFound(missing.message)
        audit.deny(missing, action, vault_id=access.vault["id"])
    if permission is not None and not access.allows(permission):
        error = VaultAccessDenied(
            f"Your role in this vault ({access.role}) does not allow {action}"
        )
        if audit is None:
            raise Forbidden(error.message)
        audit.deny(error, action, vault_id=access.vault["id"])
    return access


def access_item(
    audit: Audit | None,
    caller: Caller,
    conn: Connection,
    item_id: str,
    action: str,
    permission: Permission | None = None,
    *,
    lock: bool = False,
) -> ItemAccess:
    """The item if the caller can see it (member of its vault or live share), and, when
    `permission` is given, the caller's role grants it."""
    access = find_item(conn, caller, item_id, audit.now if audit else utcnow(), lock=lock)
    if access is None:
        raise NotFound(f"No vault item with id '{item_id}' in this workspace")
    ids = {"vault_id": access.item["vault_id"], "item_id": access.item["id"]}
    if not access.visible:
        missing = VaultNotFound(f"No vault item with id '{item_id}' in this workspace")
        if audit is None:
            raise NotFound(missing.message)
        audit.deny(missing, action, **ids)
    if permission is not None and not access.allows(permission):
        role = access.role or "share holder"
        error = VaultAccessDenied(f"Your role in this vault ({role}) does not allow {action}")
        if audit is None:
            raise Forbidden(error.message)
        audit.deny(error, action, **ids)
    return access


def _principal(conn: Connection, caller: Caller, principal_id: str) -> RowMapping:
    canonical = parse_id(principal_id)
    row = (
        conn.execute(
            sa.select(principals).where(
                principals.c.id == canonical, principals.c.workspace_id == caller.workspace_id
            )
        )
        .mappings()
        .first()
        if canonical
        else None
    )
    if row is None:
        raise NotFound(f"No principal with id '{principal_id}' in this workspace")
    return row


# --- vaults -------------------------------------------------------------------------------


def create_vault(
    conn: Connection, events: list[Event], *, caller: Caller, request: CreateVaultRequest
) -> Vault:
    now = utcnow()
    vault_id = new_id()
    row = {
        "id": vault_id,
        "workspace_id": caller.workspace_id,
        "name": request.name,
        "description": request.description,
        "sensitivity_label": request.sensitivity_label,
        "masking_policy": (
            request.masking_policy.model_dump(mode="json") if request.masking_policy else None
        ),
        "created_by": caller.principal_id,
        "created_at": now,
        "updated_at": now,
    }
    conn.execute(sa.insert(vaults).values(**row))
    conn.execute(
        sa.insert(vault_members).values(
            vault_id=vault_id,
            principal_id=caller.principal_id,
            role="owner",
            added_by=caller.principal_id,
            added_at=now,
        )
    )
    return _vault(conn, row, "owner")


def list_vaults(conn: Connection, *, caller: Caller) -> list[Vault]:
    rows = conn.execute(
        vaults_with_role(caller)
        .where(member_role_clause(caller))
        .order_by(vaults.c.name, vaults.c.id)
    ).mappings()
    # Every row listed has a role: humans are admins, everyone else is a member.
    return [
        _vault(conn, row, effective_role(row["member_role"], caller.kind) or "admin")
        for row in rows.all()
    ]


def get_vault(conn: Connection, *, caller: Caller, vault_id: str) -> Vault:
    access = access_vault(None, caller, conn, vault_id, None, "read")
    assert access.role is not None
    return _vault(conn, access.vault, access.role)


def update_vault(
    conn: Connection,
    events: list[Event],
    *,
    keyring: Keyring,
    caller: Caller,
    vault_id: str,
    request: UpdateVaultRequest,
) -> Vault:
    audit = _audit(conn, events, keyring, caller)
    access = access_vault(audit, caller, conn, vault_id, "update_vault", "update_vault")
    changes: dict[str, Any] = {}
    given = request.model_fields_set
    if "name" in given:
        if request.name is None:
            raise BadRequest("name: cannot be null")
        changes["name"] = request.name
    if "description" in given:
        changes["description"] = request.description
    if "sensitivity_label" in given:
        if request.sensitivity_label is None:
            raise BadRequest("sensitivityLabel: cannot be null")
        changes["sensitivity_label"] = request.sensitivity_label
    row = dict(access.vault)
    if changes:
        changes["updated_at"] = audit.now
        conn.execute(sa.update(vaults).where(vaults.c.id == row["id"]).values(**changes))
        row.update(changes)
    assert access.role is not None
    return _vault(conn, row, access.role)


def set_masking_policy(
    conn: Connection,
    events: list[Event],
    *,
    keyring: Keyring,
    caller: Caller,
    vault_id: str,
    request: SetMaskingPolicyRequest,
) -> Vault:
    audit = _audit(conn, events, keyring, caller)
    access = access_vault(audit, caller, conn, vault_id, "update_vault", "set_masking_policy")
    policy = request.masking_policy
    value = policy.model_dump(mode="json") if policy is not None else None
    conn.execute(
        sa.update(vaults)
        .where(vaults.c.id == access.vault["id"])
        .values(masking_policy=value, updated_at=audit.now)
    )
    assert access.role is not None
    return _vault(
        conn, {**access.vault, "masking_policy": value, "updated_at": audit.now}, access.role
    )


def delete_vault(
    conn: Connection, events: list[Event], *, keyring: Keyring, caller: Caller, vault_id: str
) -> Vault:
    audit = _audit(conn, events, keyring, caller)
    access = access_vault(audit, caller, conn, vault_id, "delete_vault", "delete_vault")
    assert access.role is not None
    gone = _vault(conn, access.vault, access.role)
    # Items, fields, shares, leases, members and scoped alert rules go with it (cascades);
    # the access events stay.
    conn.execute(sa.delete(vaults).where(vaults.c.id == access.vault["id"]))
    audit.record("delete_vault", "allowed", vault_id=access.vault["id"])
    return gone


# --- members ------------------------------------------------------------------------------


def _member(row: Mapping[Any, Any], vault_id: str, *, implicit: bool) -> VaultMember:
    return VaultMember(
        vault_id=vault_id,
        principal_id=row["id"],
        role=row["role"],
        implicit=implicit,
        handle=row["handle"],
        display_name=row["display_name"],
        kind=row["kind"],
        added_by=row.get("added_by"),
        added_at=row.get("added_at"),
    )


def list_members(conn: Connection, *, caller: Caller, vault_id: str) -> list[VaultMember]:
    access = access_vault(None, caller, conn, vault_id, None, "list_members")
    vid = access.vault["id"]
    explicit = conn.execute(
        sa.select(
            principals.c.id,
            principals.c.handle,
            principals.c.display_name,
            principals.c.kind,
            vault_members.c.role,
            vault_members.c.added_by,
            vault_members.c.added_at,
        )
        .join(vault_members, vault_members.c.principal_id == principals.c.id)
        .where(vault_members.c.vault_id == vid)
        .order_by(vault_members.c.added_at, principals.c.id)
    ).mappings()
    members: list[VaultMember] = []
    listed: set[str] = set()
    for row in explicit.all():
        role = row["role"] if row["kind"] != "human" or row["role"] == "owner" else "admin"
        members.append(_member({**row, "role": role}, vid, implicit=False))
        listed.add(row["id"])
    humans = conn.execute(
        sa.select(
            principals.c.id, principals.c.handle, principals.c.display_name, principals.c.kind
        )
        .where(
            principals.c.workspace_id == caller.workspace_id,
            principals.c.kind == "human",
            principals.c.is_active.is_(True),
        )
        .order_by(principals.c.created_at, principals.c.id)
    ).mappings()
    for row in humans.all():
        if row["id"] not in listed:
            members.append(_member({**row, "role": "admin"}, vid, implicit=True))
    return members


def add_member(
    conn: Connection,
    events: list[Event],
    *,
    keyring: Keyring,
    caller: Caller,
    vault_id: str,
    request: AddVaultMemberRequest,
) -> VaultMember:
    audit = _audit(conn, events, keyring, caller)
    access = access_vault(audit, caller, conn, vault_id, "manage_members", "add_member")
    vid = access.vault["id"]
    principal = _principal(conn, caller, request.principal_id)
    existing = conn.execute(
        sa.select(vault_members.c.role).where(
            vault_members.c.vault_id == vid, vault_members.c.principal_id == principal["id"]
        )
    ).scalar()
    if (request.role == "owner" or existing == "owner") and access.role != "owner":
        audit.deny(
            VaultAccessDenied("Only the vault's owners may grant or change the owner role"),
            "add_member",
            vault_id=vid,
        )
    if existing == "owner" and request.role != "owner" and _owner_count(conn, vid) <= 1:
        raise Conflict("The vault's last owner cannot step down; add another owner first")
    if existing is None:
        conn.execute(
            sa.insert(vault_members).values(
                vault_id=vid,
                principal_id=principal["id"],
                role=request.role,
                added_by=caller.principal_id,
                added_at=audit.now,
            )
        )
    else:
        conn.execute(
            sa.update(vault_members)
            .where(vault_members.c.vault_id == vid, vault_members.c.principal_id == principal["id"])
            .values(role=request.role)
        )
    audit.record("add_member", "allowed", vault_id=vid, detail=f"{principal['id']}:{request.role}")
    role = request.role if principal["kind"] != "human" or request.role == "owner" else "admin"
    return _member(
        {**principal, "role": role, "added_by": caller.principal_id, "added_at": audit.now},
        vid,
        implicit=False,
    )


def _owner_count(conn: Connection, vault_id: str) -> int:
    count: int = conn.execute(
        sa.select(sa.func.count()).where(
            vault_members.c.vault_id == vault_id, vault_members.c.role == "owner"
        )
    ).scalar_one()
    return count


def remove_member(
    conn: Connection,
    events: list[Event],
    *,
    keyring: Keyring,
    caller: Caller,
    vault_id: str,
    principal_id: str,
) -> VaultMember:
    audit = _audit(conn, events, keyring, caller)
    access = access_vault(audit, caller, conn, vault_id, "manage_members", "remove_member")
    vid = access.vault["id"]
    principal = _principal(conn, caller, principal_id)
    row = (
        conn.execute(
            sa.select(vault_members).where(
                vault_members.c.vault_id == vid, vault_members.c.principal_id == principal["id"]
            )
        )
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound(
            f"'{principal_id}' has no membership in this vault"
            + (
                " (humans are admins of every vault without one)"
                if principal["kind"] == "human"
                else ""
            )
        )
    if row["role"] == "owner":
        if access.role != "owner":
            audit.deny(
                VaultAccessDenied("Only the vault's owners may remove an owner"),
                "remove_member",
                vault_id=vid,
            )
        if _owner_count(conn, vid) <= 1:
            raise Conflict("The vault's last owner cannot be removed; add another owner first")
    conn.execute(
        sa.delete(vault_members).where(
            vault_members.c.vault_id == vid, vault_members.c.principal_id == principal["id"]
        )
    )
    audit.record("remove_member", "allowed", vault_id=vid, detail=principal["id"])
    return _member({**principal, **row, "id": principal["id"]}, vid, implicit=False)


# --- items --------------------------------------------------------------------------------


def _write_field(
    conn: Connection,
    keyring: Keyring,
    item_id: str,
    slot: str,
    field_key: str,
    plaintext: str,
    hint: str,
    position: int,
    now: datetime,
) -> None:
    sealed = seal_field(keyring, item_id, slot, field_key, plaintext)
    values = {
        "hint": hint,
        "ciphertext": sealed.ciphertext,
        "wrapped_key": sealed.wrapped_key,
        "master_key_id": sealed.master_key_id,
        "updated_at": now,
    }
    changed = conn.execute(
        sa.update(vault_item_fields)
        .where(
            vault_item_fields.c.item_id == item_id,
            vault_item_fields.c.slot == slot,
            vault_item_fields.c.field_key == field_key,
        )
        .values(**values)
    ).rowcount
    if not changed:
        conn.execute(
            sa.insert(vault_item_fields).values(
                item_id=item_id,
                slot=slot,
                field_key=field_key,
                position=position,
                created_at=now,
                **values,
            )
        )


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
    audit = _audit(conn, events, keyring, caller)
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
        _write_field(conn, keyring, item_id, FIELD, key, value, hints[key], position, audit.now)
    if totp_secret is not None:
        _write_field(conn, keyring, item_id, META, TOTP_SECRET, totp_secret, "totp", 0, audit.now)
    has_totp = totp_secret is not None or "totp" in hints.values()
    return ItemDetail(
        item=_item(row, has_totp),
        field_keys=list(fields),
        field_hints=hints,
        masking_policy=_policy_or_empty(access.vault["masking_policy"]),
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
        masking_policy=_policy_or_empty(access.vault["masking_policy"]),
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
    audit = _audit(conn, events, keyring, caller)
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
    policy = _policy_or_empty(access.vault["masking_policy"])
    masked = set(policy.always_mask)
    values = {
        row["field_key"]: MASK if row["hint"] in masked else _open(keyring, row) for row in chosen
    }
    return Revealed(
        fields=values,
        field_hints={row["field_key"]: row["hint"] for row in chosen},
        masking_policy=policy,
    )


def totp(
    conn: Connection, events: list[Event], *, keyring: Keyring, caller: Caller, item_id: str
) -> TotpResponse:
    audit = _audit(conn, events, keyring, caller)
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
    code = totp_codes.code_at(_open(keyring, source), options=access.item["type_metadata"])
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
    audit = _audit(conn, events, keyring, caller)
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
            _write_field(conn, keyring, iid, META, TOTP_SECRET, secret, "totp", 0, audit.now)
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
        _write_field(conn, keyring, iid, FIELD, key, value, hint, position, audit.now)
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


def delete_item(
    conn: Connection, events: list[Event], *, keyring: Keyring, caller: Caller, item_id: str
) -> ItemDetail:
    audit = _audit(conn, events, keyring, caller)
    access = access_item(audit, caller, conn, item_id, "delete_item", "delete_item")
    detail = _detail(conn, access)
    # Fields, shares and leases go with it; the access events stay.
    conn.execute(sa.delete(vault_items).where(vault_items.c.id == access.item["id"]))
    audit.record(
        "delete_item", "allowed", vault_id=access.item["vault_id"], item_id=access.item["id"]
    )
    return detail


# --- shares -------------------------------------------------------------------------------


def share_item(
    conn: Connection,
    events: list[Event],
    *,
    keyring: Keyring,
    caller: Caller,
    item_id: str,
    request: ShareItemRequest,
) -> ItemShare:
    audit = _audit(conn, events, keyring, caller)
    access = access_item(audit, caller, conn, item_id, "share", "share")
    iid = access.item["id"]
    principal = _principal(conn, caller, request.principal_id)
    if principal["id"] == caller.principal_id:
        raise BadRequest("principalId: you cannot share an item with yourself")
    if request.expires_at is not None and as_utc(request.expires_at) <= audit.now:
        raise BadRequest("expiresAt: must lie in the future")
    row = {
        "item_id": iid,
        "principal_id": principal["id"],
        "can_reveal": request.can_reveal,
        "allowed_domains": list(dict.fromkeys(request.allowed_domains)),
        "expires_at": as_utc(request.expires_at) if request.expires_at else None,
        "shared_by": caller.principal_id,
        "created_at": audit.now,
    }
    conn.execute(
        sa.delete(vault_item_shares).where(
            vault_item_shares.c.item_id == iid,
            vault_item_shares.c.principal_id == principal["id"],
        )
    )
    conn.execute(sa.insert(vault_item_shares).values(**row))
    audit.record(
        "share",
        "allowed",
        vault_id=access.item["vault_id"],
        item_id=iid,
        detail=f"{principal['id']}:canReveal={str(request.can_reveal).lower()}",
    )
    events.append(
        ItemShared(
            item_id=iid,
            shared_by=caller.principal_id,
            can_reveal=request.can_reveal,
            route=EventRoute(workspace_id=caller.workspace_id, principal_ids=(principal["id"],)),
        )
    )
    return _share(row)


def revoke_share(
    conn: Connection,
    events: list[Event],
    *,
    keyring: Keyring,
    caller: Caller,
    item_id: str,
    principal_id: str,
) -> ItemShare:
    audit = _audit(conn, events, keyring, caller)
    access = access_item(audit, caller, conn, item_id, "unshare", "share")
    canonical = parse_id(principal_id)
    row = (
        conn.execute(
            sa.select(vault_item_shares).where(
                vault_item_shares.c.item_id == access.item["id"],
                vault_item_shares.c.principal_id == canonical,
            )
        )
        .mappings()
        .first()
        if canonical
        else None
    )
    if row is None:
        raise NotFound(f"The item is not shared with '{principal_id}'")
    conn.execute(
        sa.delete(vault_item_shares).where(
            vault_item_shares.c.item_id == access.item["id"],
            vault_item_shares.c.principal_id == canonical,
        )
    )
    audit.record(
        "unshare",
        "allowed",
        vault_id=access.item["vault_id"],
        item_id=access.item["id"],
        detail=canonical,
    )
    return _share(row)


# --- attachments --------------------------------------------------------------------------


def attachment_upload_url(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    item_id: str,
    request: AttachmentUploadRequest,
) -> AttachmentUrl:
    """Attachments live on the drive, which this server does not offer yet."""
    raise AttachmentsUnavailable()


def attachment_download_url(
    conn: Connection, *, caller: Caller, attachment_id: str
) -> AttachmentUrl:
    raise AttachmentsUnavailable()


# --- wallet -------------------------------------------------------------------------------


def wallet(conn: Connection, *, caller: Caller) -> Wallet:
    now = utcnow()
    member_rows = conn.execute(
        sa.select(
            vault_items.c.id,
            vault_items.c.name,
            vault_items.c.type,
            vault_items.c.vault_id,
            vaults.c.name.label("vault_name"),
            vault_members.c.role,
        )
        .join(vaults, vaults.c.id == vault_items.c.vault_id)
        .outerjoin(
            vault_members,
            sa.and_(
                vault_members.c.vault_id == vaults.c.id,
                vault_members.c.principal_id == caller.principal_id,
            ),
        )
        .where(member_role_clause(caller))
        .order_by(vaults.c.name, vault_items.c.name, vault_items.c.id)
    ).mappings()
    member_items = []
    for row in member_rows.all():
        role = row["role"]
        if caller.is_human and role != "owner":
            role = "admin"
        member_items.append(
            WalletMemberItem(
                id=row["id"],
                name=row["name"],
                type=row["type"],
                vault_id=row["vault_id"],
                vault_name=row["vault_name"],
                access_type=f"vault_member:{role}",
            )
        )
    shared_rows = conn.execute(
        sa.select(
            vault_items.c.id,
            vault_items.c.name,
            vault_items.c.type,
            vault_items.c.vault_id,
            vault_item_shares.c.can_reveal,
            vault_item_shares.c.expires_at,
        )
        .join(vault_item_shares, vault_item_shares.c.item_id == vault_items.c.id)
        .where(
            vault_items.c.workspace_id == caller.workspace_id,
            vault_item_shares.c.principal_id == caller.principal_id,
            sa.or_(vault_item_shares.c.expires_at.is_(None), vault_item_shares.c.expires_at > now),
        )
        .order_by(vault_items.c.name, vault_items.c.id)
    ).mappings()
    shared_items = [
        WalletSharedItem(
            id=row["id"],
            name=row["name"],
            type=row["type"],
            vault_id=row["vault_id"],
            can_reveal=bool(row["can_reveal"]),
            expires_at=row["expires_at"],
        )
        for row in shared_rows.all()
    ]
    leased_rows = conn.execute(
        sa.select(
            vault_items.c.id,
            vault_items.c.name,
            vault_items.c.type,
            vault_items.c.vault_id,
            vault_leases.c.id.label("lease_id"),
            vault_leases.c.expires_at,
            vault_leases.c.uses_remaining,
        )
        .join(vault_leases, vault_leases.c.item_id == vault_items.c.id)
        .where(
            vault_leases.c.workspace_id == caller.workspace_id,
            vault_leases.c.requester_id == caller.principal_id,
            vault_leases.c.status == "active",
            vault_leases.c.expires_at > now,
        )
        .order_by(vault_leases.c.expires_at, vault_leases.c.id)
    ).mappings()
    leased_items = [
        WalletLeasedItem(
            id=row["id"],
            name=row["name"],
            type=row["type"],
            vault_id=row["vault_id"],
            lease_id=row["lease_id"],
            lease_expires_at=row["expires_at"],
            uses_remaining=row["uses_remaining"],
        )
        for row in leased_rows.all()
    ]
    return Wallet(member_items=member_items, shared_items=shared_items, leased_items=leased_items)
