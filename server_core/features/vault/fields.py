"""An item's fields, each sealed on its own (`envelope.py`): reading their rows, opening them,
writing one. A field lives in one of two slots: `field` (the item's named fields) or `meta`
(secrets kept out of typeMetadata: `totpSecret`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.vault.envelope import SealedField, open_field, seal_field
from server_core.features.vault.errors import FieldUnreadable
from server_core.features.vault.tables import vault_item_fields
from server_core.kernel.keyring import Keyring, KeyringError

log = logging.getLogger(__name__)

FIELD = "field"
META = "meta"  # secrets kept out of typeMetadata: `totpSecret`
TOTP_SECRET = "totpSecret"  # noqa: S105 (a key name, not a password)


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


def open_field_row(keyring: Keyring, row: Mapping[Any, Any]) -> str:
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
    return {row["field_key"]: open_field_row(keyring, row) for row in rows}


def write_field(
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
