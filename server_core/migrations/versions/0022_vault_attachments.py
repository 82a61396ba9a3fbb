"""Vault attachments: files attached to vault items, sealed in the blob store

Each row holds the attachment's name, type, size, where its sealed bytes are and its data
key wrapped by the master key.

Revision ID: 0022
Revises: 0021
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "vault_attachments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("workspace_id", sa.String(length=36), nullable=False),
        sa.Column("item_id", sa.String(length=36), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=255), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("blob_key", sa.String(length=512), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=False),
        sa.Column("master_key_id", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["vault_items.id"],
            name=op.f("fk_vault_attachments_item_id_vault_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"],
            ["principals.id"],
            name=op.f("fk_vault_attachments_uploaded_by_principals"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_vault_attachments_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vault_attachments")),
    )
    with op.batch_alter_table("vault_attachments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vault_attachments_item_id"), ["item_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_vault_attachments_master_key_id"), ["master_key_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("vault_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vault_attachments_master_key_id"))
        batch_op.drop_index(batch_op.f("ix_vault_attachments_item_id"))

    op.drop_table("vault_attachments")
