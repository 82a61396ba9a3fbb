"""Autonomous flow: task timers and wake subscriptions.

Revision ID: 0019
Revises: 0018
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "wake_subscriptions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("workspace_id", sa.String(length=36), nullable=False),
        sa.Column("agent_id", sa.String(length=36), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("event", sa.String(length=128), nullable=False),
        sa.Column(
            "filter",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("secret_key_id", sa.String(length=36), nullable=False),
        sa.Column("secret_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("delivery_count", sa.Integer(), nullable=False),
        sa.Column("last_delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["principals.id"], name=op.f("fk_wake_subscriptions_agent_id_principals")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["principals.id"],
            name=op.f("fk_wake_subscriptions_created_by_principals"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_wake_subscriptions_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wake_subscriptions")),
    )
    with op.batch_alter_table("wake_subscriptions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_wake_subscriptions_agent_id_created_at"),
            ["agent_id", "created_at"],
            unique=False,
        )

    op.create_table(
        "task_timers",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("workspace_id", sa.String(length=36), nullable=False),
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("principal_id", sa.String(length=36), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("fire_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("fired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "woken_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["principal_id"], ["principals.id"], name=op.f("fk_task_timers_principal_id_principals")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_task_timers_task_id_tasks"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"], name=op.f("fk_task_timers_workspace_id_workspaces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_timers")),
    )
    with op.batch_alter_table("task_timers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_task_timers_status_fire_at"), ["status", "fire_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_task_timers_task_id_created_at"), ["task_id", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("task_timers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_timers_task_id_created_at"))
        batch_op.drop_index(batch_op.f("ix_task_timers_status_fire_at"))

    op.drop_table("task_timers")
    with op.batch_alter_table("wake_subscriptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wake_subscriptions_agent_id_created_at"))

    op.drop_table("wake_subscriptions")
