"""The wallet: every item the caller can reach, by how: as a member of its vault (with the
role), through a live share, or through an active lease.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.features.vault.roles import member_role_clause
from server_core.features.vault.schemas import (
    Wallet,
    WalletLeasedItem,
    WalletMemberItem,
    WalletSharedItem,
)
from server_core.features.vault.tables import (
    vault_item_shares,
    vault_items,
    vault_leases,
    vault_members,
    vaults,
)
from server_core.kernel.auth import Caller
from server_core.kernel.clock import utcnow


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
