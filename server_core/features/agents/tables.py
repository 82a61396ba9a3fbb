"""The agents feature's tables (SQLAlchemy Core), in the platform's one metadata."""

from __future__ import annotations

import sqlalchemy as sa

from server_core.kernel.store.tables import Json, id_column, metadata, time_column

principal_status = sa.Table(
    "principal_status",
    metadata,
    id_column("principal_id", sa.ForeignKey("principals.id"), primary_key=True),
    id_column("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    sa.Column("status", sa.String(64), nullable=False),
    sa.Column("detail", sa.String(500), nullable=True),
    sa.Column("progress", sa.Integer, nullable=True),
    sa.Column("emoji", sa.String(32), nullable=True),
    time_column("updated_at"),
)

# Session state: one JSON object per (agent, namespace), versioned, optionally expiring.
agent_state = sa.Table(
    "agent_state",
    metadata,
    id_column("agent_id", sa.ForeignKey("principals.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("namespace", sa.String(64), primary_key=True),
    id_column("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    sa.Column("state", Json, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    time_column("updated_at"),
    time_column("expires_at", nullable=True),
)

# The task an agent is focused on; no row when none. Deleting the task drops the focus.
agent_focus = sa.Table(
    "agent_focus",
    metadata,
    id_column("agent_id", sa.ForeignKey("principals.id", ondelete="CASCADE"), primary_key=True),
    id_column("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    id_column("task_id", sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
    time_column("focused_at"),
    sa.Index(None, "task_id"),
)

# Long-term memory: entries upserted by (category, key); `size` is the content's UTF-8 bytes,
# summed for the per-agent quota.
agent_memory = sa.Table(
    "agent_memory",
    metadata,
    id_column(primary_key=True),
    id_column("agent_id", sa.ForeignKey("principals.id", ondelete="CASCADE"), nullable=False),
    id_column("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    sa.Column("category", sa.String(64), nullable=False),
    sa.Column("key", sa.String(200), nullable=False),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("pinned", sa.Boolean, nullable=False),
    time_column("created_at"),
    time_column("updated_at"),
    sa.UniqueConstraint("agent_id", "category", "key"),
)

# What an agent says it can do, found by `GET /agents/discover`; one row per (namespace, name).
agent_capabilities = sa.Table(
    "agent_capabilities",
    metadata,
    id_column(primary_key=True),
    id_column("agent_id", sa.ForeignKey("principals.id", ondelete="CASCADE"), nullable=False),
    id_column("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    sa.Column("namespace", sa.String(64), nullable=False),
    sa.Column("name", sa.String(64), nullable=False),
    sa.Column("description", sa.Text, nullable=True),
    sa.Column("version", sa.String(64), nullable=True),
    sa.Column("input_schema", Json, nullable=False),
    sa.Column("output_schema", Json, nullable=False),
    sa.Column("metadata", Json, nullable=False),
    time_column("created_at"),
    time_column("updated_at"),
    sa.UniqueConstraint("agent_id", "namespace", "name"),
    sa.Index(None, "workspace_id", "namespace", "name"),
)

# How an agent means to behave in one channel (advisory: read back by the agent).
agent_channel_configs = sa.Table(
    "agent_channel_configs",
    metadata,
    id_column(primary_key=True),
    id_column("agent_id", sa.ForeignKey("principals.id", ondelete="CASCADE"), nullable=False),
    id_column("channel_id", sa.ForeignKey("channels.id", ondelete="CASCADE"), nullable=False),
    sa.Column("purpose", sa.Text, nullable=True),
    sa.Column("attention_level", sa.String(16), nullable=False),
    sa.Column("context_strategy", sa.String(16), nullable=False),
    sa.Column("context_window", sa.Integer, nullable=False),
    sa.Column("response_style", Json, nullable=False),
    sa.Column("triggers", Json, nullable=False),
    sa.Column("metadata", Json, nullable=False),
    time_column("created_at"),
    time_column("updated_at"),
    sa.UniqueConstraint("agent_id", "channel_id"),
)
