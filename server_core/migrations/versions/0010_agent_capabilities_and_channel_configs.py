"""Agent capabilities (for discovery) and agents' per-channel configs.

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "agent_capabilities",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("agent_id", sa.String(length=36), nullable=False),
        sa.Column("workspace_id", sa.String(length=36), nullable=False),
        sa.Column("namespace", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("version", sa.String(length=64), nullable=True),
        sa.Column("input_schema", _json(), nullable=False),
        sa.Column("output_schema", _json(), nullable=False),
        sa.Column("metadata", _json(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["principals.id"],
            name=op.f("fk_agent_capabilities_agent_id_principals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_agent_capabilities_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_capabilities")),
        sa.UniqueConstraint(
            "agent_id",
            "namespace",
            "name",
            name=op.f("uq_agent_capabilities_agent_id_namespace_name"),
        ),
    )
    with op.batch_alter_table("agent_capabilities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agent_capabilities_workspace_id_namespace_name"),
            ["workspace_id", "namespace", "name"],
            unique=False,
        )

    op.create_table(
        "agent_channel_configs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("agent_id", sa.String(length=36), nullable=False),
        sa.Column("channel_id", sa.String(length=36), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=True),
        sa.Column("attention_level", sa.String(length=16), nullable=False),
        sa.Column("context_strategy", sa.String(length=16), nullable=False),
        sa.Column("context_window", sa.Integer(), nullable=False),
        sa.Column("response_style", _json(), nullable=False),
        sa.Column("triggers", _json(), nullable=False),
        sa.Column("metadata", _json(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["principals.id"],
            name=op.f("fk_agent_channel_configs_agent_id_principals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["channels.id"],
            name=op.f("fk_agent_channel_configs_channel_id_channels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_channel_configs")),
        sa.UniqueConstraint(
            "agent_id", "channel_id", name=op.f("uq_agent_channel_configs_agent_id_channel_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("agent_channel_configs")
    with op.batch_alter_table("agent_capabilities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agent_capabilities_workspace_id_namespace_name"))
    op.drop_table("agent_capabilities")
