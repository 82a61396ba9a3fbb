"""The schedule feature's tables (SQLAlchemy Core), in the platform's one metadata."""

from __future__ import annotations

import sqlalchemy as sa

from server_core.kernel.store.tables import Json, id_column, metadata, time_column

schedule_events = sa.Table(
    "schedule_events",
    metadata,
    id_column(primary_key=True),
    id_column("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    id_column("principal_id", sa.ForeignKey("principals.id"), nullable=False),
    sa.Column("title", sa.String(500), nullable=False),
    sa.Column("description", sa.Text, nullable=True),
    sa.Column("cron_expression", sa.String(128), nullable=True),
    sa.Column("timezone", sa.String(64), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("max_occurrences", sa.Integer, nullable=True),
    sa.Column("occurrence_count", sa.Integer, nullable=False),
    time_column("next_occurrence_at", nullable=True),
    time_column("last_occurrence_at", nullable=True),
    time_column("starts_at", nullable=True),
    time_column("expires_at", nullable=True),
    sa.Column("metadata", Json, nullable=False),
    sa.Column("external_id", sa.String(255), nullable=True),
    id_column(
        "notify_channel_id", sa.ForeignKey("channels.id", ondelete="SET NULL"), nullable=True
    ),
    sa.Column("notify_minutes_before", sa.Integer, nullable=False),
    # When the notifier may fire next (next occurrence minus the lead time), kept beside it so
    # that due events are one indexed range scan.
    time_column("notify_at", nullable=True),
    time_column("created_at"),
    time_column("updated_at"),
    # Sync matches an agent's events on its own external ids.
    sa.UniqueConstraint("principal_id", "external_id"),
    sa.Index(None, "workspace_id", "next_occurrence_at"),
    sa.Index(None, "principal_id", "status"),
    sa.Index(None, "status", "notify_at"),
)

schedule_event_assignees = sa.Table(
    "schedule_event_assignees",
    metadata,
    id_column(
        "event_id", sa.ForeignKey("schedule_events.id", ondelete="CASCADE"), primary_key=True
    ),
    id_column("principal_id", sa.ForeignKey("principals.id"), primary_key=True),
    sa.Index(None, "principal_id"),
)

schedule_exceptions = sa.Table(
    "schedule_exceptions",
    metadata,
    id_column(primary_key=True),
    id_column("event_id", sa.ForeignKey("schedule_events.id", ondelete="CASCADE"), nullable=False),
    time_column("original_date"),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("title", sa.String(500), nullable=True),
    sa.Column("description", sa.Text, nullable=True),
    time_column("starts_at", nullable=True),
    sa.Column("metadata", Json, nullable=False),
    time_column("created_at"),
    time_column("updated_at"),
    sa.UniqueConstraint("event_id", "original_date"),
)

schedule_occurrences = sa.Table(
    "schedule_occurrences",
    metadata,
    id_column(primary_key=True),
    id_column("event_id", sa.ForeignKey("schedule_events.id", ondelete="CASCADE"), nullable=False),
    time_column("scheduled_at"),
    time_column("occurred_at"),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("result", sa.Text, nullable=True),
    sa.Column("metadata", Json, nullable=False),
    time_column("created_at"),
    sa.Index(None, "event_id", "created_at"),
)
