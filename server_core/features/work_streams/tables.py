"""The work streams feature's tables (SQLAlchemy Core), in the platform's one metadata."""

from __future__ import annotations

import sqlalchemy as sa

from server_core.kernel.store.tables import Json, id_column, metadata, time_column

work_streams = sa.Table(
    "work_streams",
    metadata,
    id_column(primary_key=True),
    id_column("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    id_column("principal_id", sa.ForeignKey("principals.id"), nullable=False),
    sa.Column("runner_type", sa.String(64), nullable=False),
    sa.Column("title", sa.String(500), nullable=False),
    id_column("task_id", sa.ForeignKey("tasks.id", ondelete="SET NULL"), nullable=True),
    id_column("channel_id", sa.ForeignKey("channels.id", ondelete="SET NULL"), nullable=True),
    # The system message that shows the stream's status in its channel.
    id_column("message_id", nullable=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("result_summary", sa.Text, nullable=True),
    sa.Column("on_complete", Json, nullable=False),
    # The seq of the last event appended (0: none yet); events are numbered 1, 2, 3…
    sa.Column("last_seq", sa.Integer, nullable=False),
    time_column("created_at"),
    time_column("updated_at"),
    time_column("finished_at", nullable=True),
    sa.Index(None, "workspace_id", "created_at"),
    sa.Index(None, "task_id"),
    sa.Index(None, "channel_id"),
)

work_stream_events = sa.Table(
    "work_stream_events",
    metadata,
    id_column("stream_id", sa.ForeignKey("work_streams.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("event_type", sa.String(16), nullable=False),
    sa.Column("content", sa.Text, nullable=False),
    time_column("created_at"),
)
