"""The sessions feature's tables (SQLAlchemy Core), in the platform's one metadata."""

from __future__ import annotations

import sqlalchemy as sa

from server_core.kernel.store.tables import Json, id_column, metadata, time_column

agent_sessions = sa.Table(
    "agent_sessions",
    metadata,
    id_column(primary_key=True),
    id_column("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    # A client's own id for the session (an IDE conversation, an external agent's session id).
    sa.Column("external_id", sa.String(128), nullable=True),
    id_column("agent_id", sa.ForeignKey("principals.id"), nullable=True),
    id_column("user_id", sa.ForeignKey("principals.id"), nullable=True),
    id_column("created_by", sa.ForeignKey("principals.id"), nullable=False),
    # The history: a channel of kind `session` whose members are the session's principals.
    id_column("channel_id", sa.ForeignKey("channels.id"), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("end_reason", sa.String(16), nullable=True),
    sa.Column("title", sa.String(500), nullable=True),
    time_column("pinned_at", nullable=True),
    sa.Column("attributes", Json, nullable=False),
    sa.Column("summary", sa.Text, nullable=True),
    time_column("summary_updated_at", nullable=True),
    sa.Column("current_task", sa.String(2000), nullable=True),
    sa.Column("current_file", sa.String(1000), nullable=True),
    sa.Column("branch", sa.String(255), nullable=True),
    sa.Column("cwd", sa.String(1000), nullable=True),
    id_column("task_id", sa.ForeignKey("tasks.id", ondelete="SET NULL"), nullable=True),
    sa.Column("adapter_id", sa.String(128), nullable=True),
    sa.Column("adapter_name", sa.String(128), nullable=True),
    sa.Column("adapter_session_id", sa.String(255), nullable=True),
    sa.Column("client_id", sa.String(128), nullable=True),
    sa.Column("model", sa.String(128), nullable=True),
    id_column("parent_session_id", nullable=True),
    id_column("root_session_id", nullable=True),
    sa.Column("fork_point_message_id", sa.String(128), nullable=True),
    sa.Column("branch_kind", sa.String(16), nullable=True),
    sa.Column("spawning_tool_call_id", sa.String(255), nullable=True),
    sa.Column("is_imported", sa.Boolean, nullable=False),
    sa.Column("is_orchestrated", sa.Boolean, nullable=False),
    sa.Column("execution_target_id", sa.String(128), nullable=True),
    # History up to this seq is cleared: hidden, while seqs stay gap-free.
    sa.Column("cleared_through_seq", sa.BigInteger, nullable=False),
    # The first message a user sent, kept for previews and search (message bodies are sealed).
    sa.Column("first_user_message", sa.Text, nullable=True),
    time_column("last_activity_at"),
    time_column("last_heartbeat_at", nullable=True),
    time_column("created_at"),
    time_column("updated_at"),
    time_column("ended_at", nullable=True),
    time_column("deleted_at", nullable=True),
    sa.UniqueConstraint("workspace_id", "external_id"),
    sa.Index(None, "workspace_id", "status", "last_activity_at"),
    sa.Index(None, "workspace_id", "adapter_session_id"),
    sa.Index(None, "parent_session_id"),
    sa.Index(None, "channel_id"),
)

file_reservations = sa.Table(
    "file_reservations",
    metadata,
    id_column(primary_key=True),
    id_column("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    id_column("session_id", sa.ForeignKey("agent_sessions.id", ondelete="CASCADE"), nullable=False),
    id_column("principal_id", sa.ForeignKey("principals.id"), nullable=False),
    # Repository-relative, normalised; unique among the workspace's active reservations.
    sa.Column("path", sa.String(1000), nullable=False),
    sa.Column("exclusive", sa.Boolean, nullable=False),
    sa.Column("reason", sa.String(2000), nullable=True),
    time_column("created_at"),
    time_column("last_touched_at"),
    time_column("expires_at"),
    time_column("released_at", nullable=True),
    # Set while the reservation is active and exclusive, null after: the unique index below
    # then allows one holder per path, on both engines, with a plain insert.
    sa.Column("active_path", sa.String(1000), nullable=True),
    sa.UniqueConstraint("workspace_id", "active_path"),
    sa.Index(None, "session_id"),
    sa.Index(None, "workspace_id", "expires_at"),
)

# A send's promise to POST the agent's reply to a webhook (see `reply_hooks`): written in the
# send's transaction, so a restart between the send and the reply loses nothing.
session_reply_hooks = sa.Table(
    "session_reply_hooks",
    metadata,
    id_column(primary_key=True),
    id_column("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    id_column("session_id", sa.ForeignKey("agent_sessions.id", ondelete="CASCADE"), nullable=False),
    id_column("channel_id", sa.ForeignKey("channels.id"), nullable=False),
    # Who sent: the reply is the next message in the channel from anyone else.
    id_column("sender_id", sa.ForeignKey("principals.id"), nullable=False),
    id_column("message_id", nullable=False),
    sa.Column("message_seq", sa.BigInteger, nullable=False),
    id_column("reply_id", nullable=True),
    sa.Column("url", sa.String(2048), nullable=False),
    # Any text the sender chose; sealed with the workspace's data key, bound to the hook's id.
    id_column("secret_key_id", nullable=True),
    sa.Column("secret_sealed", sa.LargeBinary, nullable=True),
    # waiting → due (a reply, or none by `wait_until`) → delivered | failed
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("attempt_number", sa.Integer, nullable=False),
    sa.Column("status_code", sa.Integer, nullable=True),
    sa.Column("error", sa.String(500), nullable=True),
    time_column("wait_until"),
    time_column("next_attempt_at", nullable=True),
    time_column("claimed_until", nullable=True),
    sa.Column("claim", sa.String(36), nullable=True),
    time_column("created_at"),
    time_column("updated_at"),
    sa.Index(None, "status", "next_attempt_at"),
    sa.Index(None, "status", "channel_id"),
    sa.Index(None, "session_id"),
)
