"""Vault: vaults, members, items and their sealed fields, shares, leases, the access events
that audit them, and alert rules with their deliveries.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "vault_access_events",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("workspace_id", sa.String(length=36), nullable=False),
        sa.Column("vault_id", sa.String(length=36), nullable=True),
        sa.Column("item_id", sa.String(length=36), nullable=True),
        sa.Column("lease_id", sa.String(length=36), nullable=True),
        sa.Column("principal_id", sa.String(length=36), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column(
            "fields",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vault_access_events")),
    )
    with op.batch_alter_table("vault_access_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vault_access_events_item_id_id"), ["item_id", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_vault_access_events_workspace_id_id"),
            ["workspace_id", "id"],
            unique=False,
        )

    op.create_table(
        "vaults",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("workspace_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("sensitivity_label", sa.String(length=16), nullable=False),
        sa.Column(
            "masking_policy",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "sensitivity_label in ('low', 'medium', 'high', 'critical')",
            name=op.f("ck_vaults_sensitivity_label"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["principals.id"], name=op.f("fk_vaults_created_by_principals")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"], name=op.f("fk_vaults_workspace_id_workspaces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vaults")),
    )
    with op.batch_alter_table("vaults", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vaults_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "vault_items",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("workspace_id", sa.String(length=36), nullable=False),
        sa.Column("vault_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column(
            "tags",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "type_metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        sa.Column("updated_by", sa.String(length=36), nullable=False),
        sa.Column("last_accessed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_rotated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["principals.id"], name=op.f("fk_vault_items_created_by_principals")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["principals.id"], name=op.f("fk_vault_items_updated_by_principals")
        ),
        sa.ForeignKeyConstraint(
            ["vault_id"],
            ["vaults.id"],
            name=op.f("fk_vault_items_vault_id_vaults"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"], name=op.f("fk_vault_items_workspace_id_workspaces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vault_items")),
    )
    with op.batch_alter_table("vault_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vault_items_vault_id"), ["vault_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_vault_items_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "vault_members",
        sa.Column("vault_id", sa.String(length=36), nullable=False),
        sa.Column("principal_id", sa.String(length=36), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("added_by", sa.String(length=36), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role in ('owner', 'admin', 'editor', 'viewer', 'use_only')",
            name=op.f("ck_vault_members_role"),
        ),
        sa.ForeignKeyConstraint(
            ["added_by"], ["principals.id"], name=op.f("fk_vault_members_added_by_principals")
        ),
        sa.ForeignKeyConstraint(
            ["principal_id"],
            ["principals.id"],
            name=op.f("fk_vault_members_principal_id_principals"),
        ),
        sa.ForeignKeyConstraint(
            ["vault_id"],
            ["vaults.id"],
            name=op.f("fk_vault_members_vault_id_vaults"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("vault_id", "principal_id", name=op.f("pk_vault_members")),
    )
    with op.batch_alter_table("vault_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vault_members_principal_id"), ["principal_id"], unique=False
        )

    op.create_table(
        "vault_alert_rules",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("workspace_id", sa.String(length=36), nullable=False),
        sa.Column("vault_id", sa.String(length=36), nullable=True),
        sa.Column("item_id", sa.String(length=36), nullable=True),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("destination", sa.String(length=16), nullable=False),
        sa.Column(
            "destination_config",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("threshold", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        sa.Column("last_fired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["principals.id"],
            name=op.f("fk_vault_alert_rules_created_by_principals"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["vault_items.id"],
            name=op.f("fk_vault_alert_rules_item_id_vault_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["vault_id"],
            ["vaults.id"],
            name=op.f("fk_vault_alert_rules_vault_id_vaults"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_vault_alert_rules_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vault_alert_rules")),
    )
    with op.batch_alter_table("vault_alert_rules", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vault_alert_rules_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "vault_item_fields",
        sa.Column("item_id", sa.String(length=36), nullable=False),
        sa.Column("slot", sa.String(length=8), nullable=False),
        sa.Column("field_key", sa.String(length=128), nullable=False),
        sa.Column("hint", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=False),
        sa.Column("master_key_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["vault_items.id"],
            name=op.f("fk_vault_item_fields_item_id_vault_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("item_id", "slot", "field_key", name=op.f("pk_vault_item_fields")),
    )
    with op.batch_alter_table("vault_item_fields", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vault_item_fields_master_key_id"), ["master_key_id"], unique=False
        )

    op.create_table(
        "vault_item_shares",
        sa.Column("item_id", sa.String(length=36), nullable=False),
        sa.Column("principal_id", sa.String(length=36), nullable=False),
        sa.Column("can_reveal", sa.Boolean(), nullable=False),
        sa.Column(
            "allowed_domains",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("shared_by", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["vault_items.id"],
            name=op.f("fk_vault_item_shares_item_id_vault_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["principal_id"],
            ["principals.id"],
            name=op.f("fk_vault_item_shares_principal_id_principals"),
        ),
        sa.ForeignKeyConstraint(
            ["shared_by"], ["principals.id"], name=op.f("fk_vault_item_shares_shared_by_principals")
        ),
        sa.PrimaryKeyConstraint("item_id", "principal_id", name=op.f("pk_vault_item_shares")),
    )
    with op.batch_alter_table("vault_item_shares", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vault_item_shares_principal_id"), ["principal_id"], unique=False
        )

    op.create_table(
        "vault_leases",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("workspace_id", sa.String(length=36), nullable=False),
        sa.Column("item_id", sa.String(length=36), nullable=False),
        sa.Column("vault_id", sa.String(length=36), nullable=False),
        sa.Column("requester_id", sa.String(length=36), nullable=False),
        sa.Column("approver_id", sa.String(length=36), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("duration_minutes", sa.Integer(), nullable=True),
        sa.Column("max_uses", sa.Integer(), nullable=True),
        sa.Column("uses_remaining", sa.Integer(), nullable=True),
        sa.Column("use_count", sa.Integer(), nullable=False),
        sa.Column(
            "constraints",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status in ('pending', 'active', 'expired', 'revoked', 'denied')",
            name=op.f("ck_vault_leases_status"),
        ),
        sa.ForeignKeyConstraint(
            ["approver_id"], ["principals.id"], name=op.f("fk_vault_leases_approver_id_principals")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["vault_items.id"],
            name=op.f("fk_vault_leases_item_id_vault_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requester_id"],
            ["principals.id"],
            name=op.f("fk_vault_leases_requester_id_principals"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_vault_leases_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vault_leases")),
    )
    with op.batch_alter_table("vault_leases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vault_leases_item_id"), ["item_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_vault_leases_requester_id"), ["requester_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_vault_leases_status_expires_at"), ["status", "expires_at"], unique=False
        )

    op.create_table(
        "vault_alert_deliveries",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("workspace_id", sa.String(length=36), nullable=False),
        sa.Column("rule_id", sa.String(length=36), nullable=False),
        sa.Column("access_event_id", sa.String(length=36), nullable=True),
        sa.Column("destination", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("message_id", sa.String(length=36), nullable=True),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["vault_alert_rules.id"],
            name=op.f("fk_vault_alert_deliveries_rule_id_vault_alert_rules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vault_alert_deliveries")),
    )
    with op.batch_alter_table("vault_alert_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vault_alert_deliveries_rule_id"), ["rule_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("vault_alert_deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vault_alert_deliveries_rule_id"))

    op.drop_table("vault_alert_deliveries")
    with op.batch_alter_table("vault_leases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vault_leases_status_expires_at"))
        batch_op.drop_index(batch_op.f("ix_vault_leases_requester_id"))
        batch_op.drop_index(batch_op.f("ix_vault_leases_item_id"))

    op.drop_table("vault_leases")
    with op.batch_alter_table("vault_item_shares", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vault_item_shares_principal_id"))

    op.drop_table("vault_item_shares")
    with op.batch_alter_table("vault_item_fields", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vault_item_fields_master_key_id"))

    op.drop_table("vault_item_fields")
    with op.batch_alter_table("vault_alert_rules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vault_alert_rules_workspace_id"))

    op.drop_table("vault_alert_rules")
    with op.batch_alter_table("vault_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vault_members_principal_id"))

    op.drop_table("vault_members")
    with op.batch_alter_table("vault_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vault_items_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_vault_items_vault_id"))

    op.drop_table("vault_items")
    with op.batch_alter_table("vaults", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vaults_workspace_id"))

    op.drop_table("vaults")
    with op.batch_alter_table("vault_access_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vault_access_events_workspace_id_id"))
        batch_op.drop_index(batch_op.f("ix_vault_access_events_item_id_id"))

    op.drop_table("vault_access_events")
