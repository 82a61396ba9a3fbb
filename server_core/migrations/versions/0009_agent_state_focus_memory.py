"""Agents' session state (namespaced, versioned, expiring), focused task and long-term memory.

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agent_memory",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("agent_id", sa.String(length=36), nullable=False),
        sa.Column("workspace_id", sa.String(length=36), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["principals.id"],
            name=op.f("fk_agent_memory_agent_id_principals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_agent_memory_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_memory")),
        sa.UniqueConstraint(
            "agent_id", "category", "key", name=op.f("uq_agent_memory_agent_id_category_key")
        ),
    )
    op.create_table(
        "agent_state",
        sa.Column("agent_id", sa.String(length=36), nullable=False),
        sa.Column("namespace", sa.String(length=64), nullable=False),
        sa.Column("workspace_id", sa.String(length=36), nullable=False),
        sa.Column(
            "state",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["principals.id"],
            name=op.f("fk_agent_state_agent_id_principals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"], name=op.f("fk_agent_state_workspace_id_workspaces")
        ),
        sa.PrimaryKeyConstraint("agent_id", "namespace", name=op.f("pk_agent_state")),
    )
    op.create_table(
        "agent_focus",
        sa.Column("agent_id", sa.String(length=36), nullable=False),
        sa.Column("workspace_id", sa.String(length=36), nullable=False),
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("focused_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["principals.id"],
            name=op.f("fk_agent_focus_agent_id_principals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_agent_focus_task_id_tasks"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"], name=op.f("fk_agent_focus_workspace_id_workspaces")
        ),
        sa.PrimaryKeyConstraint("agent_id", name=op.f("pk_agent_focus")),
    )
    with op.batch_alter_table("agent_focus", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agent_focus_task_id"), ["task_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("agent_focus", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agent_focus_task_id"))

    op.drop_table("agent_focus")
    op.drop_table("agent_state")
    op.drop_table("agent_memory")
