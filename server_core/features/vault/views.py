"""How vault rows are shown: a vault with the caller's role and its item count, items with
whether they hold a TOTP secret, and a vault's masking policy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.features.vault.fields import FIELD, META
from server_core.features.vault.schemas import MaskingPolicy, Vault, VaultItem
from server_core.features.vault.tables import vault_item_fields, vault_items


def _policy(value: Mapping[Any, Any] | None) -> MaskingPolicy | None:
    return None if value is None else MaskingPolicy.model_validate(value)


def policy_or_empty(value: Mapping[Any, Any] | None) -> MaskingPolicy:
    return _policy(value) or MaskingPolicy()


def vault_view(conn: Connection, row: Mapping[Any, Any], role: str) -> Vault:
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


def item_view(row: Mapping[Any, Any], has_totp: bool) -> VaultItem:
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
    return [item_view(row, row["id"] in with_totp) for row in rows]
