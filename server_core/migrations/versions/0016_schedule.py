"""Schedule: events (with assignees), per-occurrence exceptions and the run log.

Revision ID: 0016
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0016"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "schedule_events",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("workspace_id", sa.String(length=36), nullable=False),
        sa.Column("principal_id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("cron_expression", sa.String(length=128), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("max_occurrences", sa.Integer(), nullable=True),
        sa.Column("occurrence_count", sa.Integer(), nullable=False),
        sa.Column("next_occurrence_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_occurrence_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("external_id", sa.String(length=255), nullable=True),
        sa.Column("notify_channel_id", sa.String(length=36), nullable=True),
        sa.Column("notify_minutes_before", sa.Integer(), nullable=False),
        sa.Column("notify_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["notify_channel_id"],
            ["channels.id"],
            name=op.f("fk_schedule_events_notify_channel_id_channels"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["principal_id"],
            ["principals.id"],
            name=op.f("fk_schedule_events_principal_id_principals"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_schedule_events_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_events")),
        sa.UniqueConstraint(
            "principal_id", "external_id", name=op.f("uq_schedule_events_principal_id_external_id")
        ),
    )
    with op.batch_alter_table("schedule_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_schedule_events_principal_id_status"),
            ["principal_id", "status"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_schedule_events_status_notify_at"), ["status", "notify_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_schedule_events_workspace_id_next_occurrence_at"),
            ["workspace_id", "next_occurrence_at"],
            unique=False,
        )

    op.create_table(
        "schedule_event_assignees",
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("principal_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["schedule_events.id"],
            name=op.f("fk_schedule_event_assignees_event_id_schedule_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["principal_id"],
            ["principals.id"],
            name=op.f("fk_schedule_event_assignees_principal_id_principals"),
        ),
        sa.PrimaryKeyConstraint(
            "event_id", "principal_id", name=op.f("pk_schedule_event_assignees")
        ),
    )
    with op.batch_alter_table("schedule_event_assignees", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_schedule_event_assignees_principal_id"), ["principal_id"], unique=False
        )

    op.create_table(
        "schedule_exceptions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("original_date", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["schedule_events.id"],
            name=op.f("fk_schedule_exceptions_event_id_schedule_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_exceptions")),
        sa.UniqueConstraint(
            "event_id", "original_date", name=op.f("uq_schedule_exceptions_event_id_original_date")
        ),
    )
    op.create_table(
        "schedule_occurrences",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("scheduled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["schedule_events.id"],
            name=op.f("fk_schedule_occurrences_event_id_schedule_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_occurrences")),
    )
    with op.batch_alter_table("schedule_occurrences", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_schedule_occurrences_event_id_created_at"),
            ["event_id", "created_at"],
            unique=False,
        )


def downgrade() -> None:

    with op.batch_alter_table("schedule_occurrences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_schedule_occurrences_event_id_created_at"))

    op.drop_table("schedule_occurrences")
    op.drop_table("schedule_exceptions")
    with op.batch_alter_table("schedule_event_assignees", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_schedule_event_assignees_principal_id"))

    op.drop_table("schedule_event_assignees")
    with op.batch_alter_table("schedule_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_schedule_events_workspace_id_next_occurrence_at"))
        batch_op.drop_index(batch_op.f("ix_schedule_events_status_notify_at"))
        batch_op.drop_index(batch_op.f("ix_schedule_events_principal_id_status"))

    op.drop_table("schedule_events")
