"""The autonomous flow's tables (SQLAlchemy Core), in the platform's one metadata."""

from __future__ import annotations

import sqlalchemy as sa

from server_core.kernel.store.tables import Json, id_column, metadata, time_column

# A one-shot wake-up on a task. Deleting the task deletes its timers.
task_timers = sa.Table(
    "task_timers",
    metadata,
    id_column(primary_key=True),
    id_column("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    id_column("task_id", sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
    # Who set it; the wake goes to the task's assignee (see `worker.py`).
    id_column("principal_id", sa.ForeignKey("principals.id"), nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    time_column("fire_at"),
    sa.Column("status", sa.String(16), nullable=False),
    time_column("fired_at", nullable=True),
    sa.Column("woken_ids", Json, nullable=False),
    time_column("created_at"),
    # Due timers are one indexed range scan.
    sa.Index(None, "status", "fire_at"),
    sa.Index(None, "task_id", "created_at"),
)

# An agent's subscription to external events. The secret the sender signs with is sealed with
# the workspace's data key (bound to the subscription's id), never stored in clear.
wake_subscriptions = sa.Table(
    "wake_subscriptions",
    metadata,
    id_column(primary_key=True),
    id_column("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    id_column("agent_id", sa.ForeignKey("principals.id"), nullable=False),
    id_column("created_by", sa.ForeignKey("principals.id"), nullable=False),
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("event", sa.String(128), nullable=False),
    sa.Column("filter", Json, nullable=False),
    id_column("secret_key_id", nullable=False),
    sa.Column("secret_sealed", sa.LargeBinary, nullable=False),
    sa.Column("delivery_count", sa.Integer, nullable=False),
    time_column("last_delivered_at", nullable=True),
    time_column("created_at"),
    sa.Index(None, "agent_id", "created_at"),
)
