"""The messaging feature's tables (SQLAlchemy Core), in the platform's one metadata."""

from __future__ import annotations

import sqlalchemy as sa

from server_core.kernel.store.tables import Json, id_column, metadata, time_column

channels = sa.Table(
    "channels",
    metadata,
    id_column(primary_key=True),
    id_column("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("name", sa.String(100), nullable=True),
    sa.Column("description", sa.Text, nullable=True),
    sa.Column("context", sa.Text, nullable=True),
    sa.Column("context_version", sa.Integer, nullable=False),
    sa.Column("visibility", sa.String(16), nullable=False),
    sa.Column("coordination_mode", sa.String(16), nullable=False),
    sa.Column("loop_prevention", Json, nullable=False),
    # Both principal ids of a DM, sorted and joined: one DM per pair.
    sa.Column("dm_pair_key", sa.String(80), nullable=True),
    sa.Column("is_archived", sa.Boolean, nullable=False),
    time_column("archived_at", nullable=True),
    time_column("auto_archive_at", nullable=True),
    id_column("created_by", sa.ForeignKey("principals.id"), nullable=False),
    # Sequencing and turn-taking state, changed only with the channel row locked.
    sa.Column("last_seq", sa.BigInteger, nullable=False),
    time_column("last_message_at", nullable=True),
    id_column("last_sender_id", nullable=True),
    sa.Column("consecutive_count", sa.Integer, nullable=False),
    id_column("turn_principal_id", nullable=True),
    sa.Column("floor_ids", Json, nullable=False),
    time_column("created_at"),
    time_column("updated_at"),
    sa.UniqueConstraint("workspace_id", "dm_pair_key"),
    sa.CheckConstraint("kind in ('dm', 'group', 'topic', 'session')", name="kind"),
    sa.Index(None, "auto_archive_at"),
)

channel_members = sa.Table(
    "channel_members",
    metadata,
    id_column(primary_key=True),
    id_column("channel_id", sa.ForeignKey("channels.id", ondelete="CASCADE"), nullable=False),
    id_column("principal_id", sa.ForeignKey("principals.id"), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("participation_mode", sa.String(16), nullable=False),
    sa.Column("muted", sa.Boolean, nullable=False),
    sa.Column("last_read_seq", sa.BigInteger, nullable=False),
    time_column("last_read_at", nullable=True),
    time_column("joined_at"),
    # Loop prevention per sender: last send and a one-minute window count.
    time_column("last_sent_at", nullable=True),
    time_column("rate_window_start", nullable=True),
    sa.Column("rate_window_count", sa.Integer, nullable=False),
    sa.UniqueConstraint("channel_id", "principal_id"),
    sa.Index(None, "principal_id"),
)

channel_context_history = sa.Table(
    "channel_context_history",
    metadata,
    id_column(primary_key=True),
    id_column("channel_id", sa.ForeignKey("channels.id", ondelete="CASCADE"), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("context", sa.Text, nullable=True),
    id_column("replaced_by", sa.ForeignKey("principals.id"), nullable=False),
    time_column("created_at"),
    sa.UniqueConstraint("channel_id", "version"),
)

messages = sa.Table(
    "messages",
    metadata,
    id_column(primary_key=True),
    id_column("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    id_column("channel_id", sa.ForeignKey("channels.id", ondelete="CASCADE"), nullable=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    id_column("sender_id", sa.ForeignKey("principals.id"), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("intent", sa.String(16), nullable=False),
    # The text exists only as AES-256-GCM ciphertext under the data key `key_id`.
    sa.Column("ciphertext", sa.LargeBinary, nullable=True),
    id_column("key_id", nullable=True),
    id_column("thread_root_id", nullable=True),
    id_column("thread_owner_id", nullable=True),
    sa.Column("reply_count", sa.Integer, nullable=False),
    sa.Column("mentions", Json, nullable=False),
    sa.Column("meta", Json, nullable=False),
    sa.Column("attachment_ids", Json, nullable=False),
    sa.Column("client_generated_id", sa.String(64), nullable=True),
    sa.Column("is_edited", sa.Boolean, nullable=False),
    sa.Column("is_deleted", sa.Boolean, nullable=False),
    time_column("created_at"),
    time_column("updated_at"),
    time_column("edited_at", nullable=True),
    sa.UniqueConstraint("channel_id", "seq"),
    sa.UniqueConstraint("channel_id", "sender_id", "client_generated_id"),
    sa.Index(None, "channel_id", "thread_root_id", "seq"),
)

message_revisions = sa.Table(
    "message_revisions",
    metadata,
    id_column(primary_key=True),
    id_column("message_id", sa.ForeignKey("messages.id", ondelete="CASCADE"), nullable=False),
    sa.Column("ciphertext", sa.LargeBinary, nullable=True),
    id_column("key_id", nullable=True),
    id_column("edited_by", sa.ForeignKey("principals.id"), nullable=False),
    time_column("created_at"),
    sa.Index(None, "message_id"),
)

message_reactions = sa.Table(
    "message_reactions",
    metadata,
    id_column("message_id", sa.ForeignKey("messages.id", ondelete="CASCADE"), nullable=False),
    id_column("principal_id", sa.ForeignKey("principals.id"), nullable=False),
    sa.Column("emoji", sa.String(128), nullable=False),
    time_column("created_at"),
    sa.PrimaryKeyConstraint("message_id", "principal_id", "emoji"),
)
