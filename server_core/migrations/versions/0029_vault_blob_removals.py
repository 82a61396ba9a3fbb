"""Vault blob removals: the sealed blobs of deleted vault attachments, until they are removed

A row is written in the transaction that deletes an attachment (alone, or with its item or
vault) and removed once its blob is gone from the blob store.

Revision ID: 0029
Revises: 0028
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "vault_blob_removals",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("blob_key", sa.String(length=512), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vault_blob_removals")),
    )
    with op.batch_alter_table("vault_blob_removals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vault_blob_removals_created_at"), ["created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("vault_blob_removals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vault_blob_removals_created_at"))

    op.drop_table("vault_blob_removals")
