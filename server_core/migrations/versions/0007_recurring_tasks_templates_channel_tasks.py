"""Recurring tasks, task templates, and the channel (and announcing message) of channel-scoped
tasks.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "task_templates",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("workspace_id", sa.String(length=36), nullable=False),
        sa.Column("project_id", sa.String(length=36), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("title_pattern", sa.String(length=500), nullable=False),
        sa.Column("default_priority", sa.String(length=16), nullable=True),
        sa.Column(
            "default_labels",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "context",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "subtask_templates",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["principals.id"], name=op.f("fk_task_templates_created_by_principals")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_task_templates_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_task_templates_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_templates")),
    )
    with op.batch_alter_table("task_templates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_task_templates_workspace_id_project_id"),
            ["workspace_id", "project_id"],
            unique=False,
        )

    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recurrence_rule", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("recurrence_timezone", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("recurrence_template_id", sa.String(length=36), nullable=True)
        )
        batch_op.add_column(sa.Column("recurrence_index", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("next_recurrence_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("channel_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("message_id", sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f("ix_tasks_channel_id"), ["channel_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tasks_message_id"), ["message_id"], unique=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_tasks_recurrence_template_id_recurrence_index"),
            ["recurrence_template_id", "recurrence_index"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_tasks_message_id_messages"),
            "messages",
            ["message_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_tasks_channel_id_channels"),
            "channels",
            ["channel_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_tasks_recurrence_template_id_tasks"),
            "tasks",
            ["recurrence_template_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_tasks_recurrence_template_id_tasks"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("fk_tasks_channel_id_channels"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_tasks_message_id_messages"), type_="foreignkey")
        batch_op.drop_constraint(
            batch_op.f("uq_tasks_recurrence_template_id_recurrence_index"), type_="unique"
        )
        batch_op.drop_index(batch_op.f("ix_tasks_message_id"))
        batch_op.drop_index(batch_op.f("ix_tasks_channel_id"))
        batch_op.drop_column("message_id")
        batch_op.drop_column("channel_id")
        batch_op.drop_column("next_recurrence_at")
        batch_op.drop_column("recurrence_index")
        batch_op.drop_column("recurrence_template_id")
        batch_op.drop_column("recurrence_timezone")
        batch_op.drop_column("recurrence_rule")

    with op.batch_alter_table("task_templates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_templates_workspace_id_project_id"))

    op.drop_table("task_templates")
