"""The tasks feature's tables (SQLAlchemy Core), in the platform's one metadata."""

from __future__ import annotations

import sqlalchemy as sa

from server_core.kernel.store.tables import Json, id_column, metadata, time_column

# The last task number given in each workspace: T-1, T-2… without gaps or repeats.
task_counters = sa.Table(
    "task_counters",
    metadata,
    id_column("workspace_id", sa.ForeignKey("workspaces.id"), primary_key=True),
    sa.Column("last_number", sa.Integer, nullable=False),
)

tasks = sa.Table(
    "tasks",
    metadata,
    id_column(primary_key=True),
    id_column("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("title", sa.String(500), nullable=False),
    sa.Column("description", sa.Text, nullable=True),
    id_column("project_id", sa.ForeignKey("projects.id"), nullable=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("priority", sa.String(16), nullable=False),
    sa.Column("labels", Json, nullable=False),
    time_column("due_date", nullable=True),
    id_column("parent_id", sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=True),
    sa.Column("position", sa.Integer, nullable=True),
    # The context block, null until one is set.
    sa.Column("context", Json, nullable=True),
    id_column("created_by", sa.ForeignKey("principals.id"), nullable=True),
    time_column("created_at"),
    time_column("updated_at"),
    time_column("status_changed_at"),
    # Recurring tasks: a task with a rule is the template of its series; completing an
    # instance (or the template) spawns the next one, numbered by recurrence_index.
    sa.Column("recurrence_rule", sa.String(128), nullable=True),
    sa.Column("recurrence_timezone", sa.String(64), nullable=True),
    id_column(
        "recurrence_template_id",
        sa.ForeignKey("tasks.id", ondelete="SET NULL"),
        nullable=True,
    ),
    sa.Column("recurrence_index", sa.Integer, nullable=True),
    time_column("next_recurrence_at", nullable=True),
    # Channel-scoped (legacy) tasks: the channel they were created in and the message that
    # announces them there (reactions on it change the task).
    id_column("channel_id", sa.ForeignKey("channels.id", ondelete="SET NULL"), nullable=True),
    id_column("message_id", sa.ForeignKey("messages.id", ondelete="SET NULL"), nullable=True),
    sa.UniqueConstraint("workspace_id", "number"),
    # One instance per place in a series, however often an instance is completed.
    sa.UniqueConstraint("recurrence_template_id", "recurrence_index"),
    sa.Index(None, "workspace_id", "status"),
    sa.Index(None, "project_id"),
    sa.Index(None, "parent_id"),
    sa.Index(None, "channel_id"),
    sa.Index(None, "message_id"),
)

task_assignees = sa.Table(
    "task_assignees",
    metadata,
    id_column("task_id", sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
    id_column("principal_id", sa.ForeignKey("principals.id"), nullable=False),
    time_column("assigned_at"),
    sa.PrimaryKeyConstraint("task_id", "principal_id"),
    sa.Index(None, "principal_id"),
)

task_activity = sa.Table(
    "task_activity",
    metadata,
    id_column(primary_key=True),
    id_column("task_id", sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
    sa.Column("type", sa.String(32), nullable=False),
    sa.Column("message", sa.Text, nullable=True),
    sa.Column("meta", Json, nullable=False),
    id_column("author_id", sa.ForeignKey("principals.id"), nullable=True),
    time_column("created_at"),
    sa.Index(None, "task_id", "created_at"),
)

task_status_transitions = sa.Table(
    "task_status_transitions",
    metadata,
    id_column(primary_key=True),
    id_column("task_id", sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
    sa.Column("from_status", sa.String(16), nullable=True),
    sa.Column("to_status", sa.String(16), nullable=False),
    time_column("at"),
    sa.Column("duration_ms", sa.BigInteger, nullable=True),
    sa.Index(None, "task_id", "at"),
)

# "task is blocked by depends_on": when depends_on is done and nothing else blocks the task, a
# blocked task moves to todo by itself.
task_dependencies = sa.Table(
    "task_dependencies",
    metadata,
    id_column(primary_key=True),
    id_column("task_id", sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
    id_column("depends_on_id", sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
    id_column("created_by", sa.ForeignKey("principals.id"), nullable=True),
    time_column("created_at"),
    sa.UniqueConstraint("task_id", "depends_on_id"),
    sa.Index(None, "depends_on_id"),
)

task_templates = sa.Table(
    "task_templates",
    metadata,
    id_column(primary_key=True),
    id_column("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    id_column("project_id", sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("description", sa.Text, nullable=True),
    # "Fix {{component}} crash": {{var}} placeholders filled at create time.
    sa.Column("title_pattern", sa.String(500), nullable=False),
    sa.Column("default_priority", sa.String(16), nullable=True),
    sa.Column("default_labels", Json, nullable=False),
    sa.Column("context", Json, nullable=True),
    # [{"title": ..., "context": {...}}]: subtasks created with each task.
    sa.Column("subtask_templates", Json, nullable=False),
    id_column("created_by", sa.ForeignKey("principals.id"), nullable=True),
    time_column("created_at"),
    time_column("updated_at"),
    sa.Index(None, "workspace_id", "project_id"),
)
