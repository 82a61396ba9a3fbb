"""Sealing vault fields: AES-256-GCM envelopes, one data key per field.

    master key ──wrap──▶ data key (32 random bytes, fresh for every write of a field)
                              └──seal──▶ field value

Both the wrap and the ciphertext carry the item id, the slot and the field key as associated
data, so a ciphertext or a wrapped key copied to another field or item does not open. The id of
the master key that wrapped the data key is stored with the field; `sesame-server keys rotate`
rewraps the data keys (`rewrap_all`) without touching the ciphertexts.

Stored forms: `wrapped_key` and `ciphertext` are both `nonce (12) ‖ ciphertext ‖ tag (16)`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.engine import Connection

from server_core.features.vault.sealed_files import key_aad as attachment_key_aad
from server_core.features.vault.tables import vault_attachments, vault_item_fields
from server_core.kernel.keyring import NONCE_BYTES, Keyring, KeyringError


@dataclass(frozen=True)
class SealedField:
    ciphertext: bytes
    wrapped_key: bytes
    master_key_id: str


def _key_aad(item_id: str, slot: str, field_key: str) -> bytes:
    return f"vault-field-key:{item_id}:{slot}:{field_key}".encode()


def _value_aad(item_id: str, slot: str, field_key: str) -> bytes:
    return f"vault-field:{item_id}:{slot}:{field_key}".encode()


def seal_field(
    keyring: Keyring, item_id: str, slot: str, field_key: str, plaintext: str
) -> SealedField:
    data_key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = nonce + AESGCM(data_key).encrypt(
        nonce, plaintext.encode(), _value_aad(item_id, slot, field_key)
    )
    master_key_id, wrapped = keyring.wrap_key(data_key, _key_aad(item_id, slot, field_key))
    return SealedField(ciphertext, wrapped, master_key_id)


def open_field(
    keyring: Keyring, item_id: str, slot: str, field_key: str, sealed: SealedField
) -> str:
    """The plaintext, or KeyringError when the field does not open (tampered or moved)."""
    data_key = keyring.unwrap_key(
        sealed.master_key_id, sealed.wrapped_key, _key_aad(item_id, slot, field_key)
    )
    try:
        raw = AESGCM(data_key).decrypt(
            sealed.ciphertext[:NONCE_BYTES],
            sealed.ciphertext[NONCE_BYTES:],
            _value_aad(item_id, slot, field_key),
        )
    except InvalidTag as exc:
        raise KeyringError(f"vault field '{field_key}' of item {item_id} does not open") from exc
    return raw.decode()


def rewrap_all(conn: Connection, keyring: Keyring) -> int:
    """Rewrap every field's and attachment's data key under the current master key; return how
    many changed."""
    current = keyring.masters.current_id
    rows = conn.execute(
        sa.select(
            vault_item_fields.c.item_id,
            vault_item_fields.c.slot,
            vault_item_fields.c.field_key,
            vault_item_fields.c.wrapped_key,
            vault_item_fields.c.master_key_id,
        ).where(vault_item_fields.c.master_key_id != current)
    ).all()
    for item_id, slot, field_key, wrapped, master_key_id in rows:
        aad = _key_aad(item_id, slot, field_key)
        data_key = keyring.unwrap_key(master_key_id, wrapped, aad)
        new_master, rewrapped = keyring.wrap_key(data_key, aad)
        conn.execute(
            sa.update(vault_item_fields)
            .where(
                vault_item_fields.c.item_id == item_id,
                vault_item_fields.c.slot == slot,
                vault_item_fields.c.field_key == field_key,
            )
            .values(wrapped_key=rewrapped, master_key_id=new_master)
        )
    return len(rows) + _rewrap_attachment_keys(conn, keyring)


def _rewrap_attachment_keys(conn: Connection, keyring: Keyring) -> int:
    """The same for attachments' data keys (their sealed bytes stay as they are)."""
    current = keyring.masters.current_id
    rows = conn.execute(
        sa.select(
            vault_attachments.c.id,
            vault_attachments.c.wrapped_key,
            vault_attachments.c.master_key_id,
        ).where(vault_attachments.c.master_key_id != current)
    ).all()
    for attachment_id, wrapped, master_key_id in rows:
        aad = attachment_key_aad(attachment_id)
        new_master, rewrapped = keyring.wrap_key(
            keyring.unwrap_key(master_key_id, wrapped, aad), aad
        )
        conn.execute(
            sa.update(vault_attachments)
            .where(vault_attachments.c.id == attachment_id)
            .values(wrapped_key=rewrapped, master_key_id=new_master)
        )
    return len(rows)
