"""The drive's tables (SQLAlchemy Core), in the platform's one metadata."""

from __future__ import annotations

import sqlalchemy as sa

from server_core.kernel.store.tables import Json, id_column, metadata, time_column

# An upload URL handed out: the file id and key it fixed, for whom, and what it binds (name,
# type, size). Registering the file marks it; one never registered is removed after a day.
drive_uploads = sa.Table(
    "drive_uploads",
    metadata,
    id_column(primary_key=True),  # the file id
    id_column("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    id_column("principal_id", sa.ForeignKey("principals.id"), nullable=False),
    sa.Column("s3_key", sa.String(1024), nullable=False),
    sa.Column("file_name", sa.String(255), nullable=False),
    sa.Column("content_type", sa.String(255), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    time_column("created_at"),
    time_column("registered_at", nullable=True),
    sa.Index(None, "created_at"),
)

# Folders nest (`parent_id`); each belongs to the principal who made it.
drive_folders = sa.Table(
    "drive_folders",
    metadata,
    id_column(primary_key=True),
    id_column("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    id_column("owner_id", sa.ForeignKey("principals.id"), nullable=False),
    id_column("parent_id", sa.ForeignKey("drive_folders.id"), nullable=True),
    sa.Column("name", sa.String(255), nullable=False),
    time_column("created_at"),
    time_column("updated_at"),
    sa.Index(None, "owner_id", "parent_id"),
)

drive_files = sa.Table(
    "drive_files",
    metadata,
    id_column(primary_key=True),
    id_column("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    id_column("folder_id", sa.ForeignKey("drive_folders.id"), nullable=True),
    id_column("uploaded_by", sa.ForeignKey("principals.id"), nullable=False),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("s3_key", sa.String(1024), nullable=False),
    sa.Column("content_type", sa.String(255), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("description", sa.Text, nullable=True),
    sa.Column("tags", Json, nullable=False),
    sa.Column("is_deleted", sa.Boolean, nullable=False),
    time_column("created_at"),
    time_column("updated_at"),
    sa.Index(None, "workspace_id", "uploaded_by"),
    sa.Index(None, "folder_id"),
)

# A file tagged to a channel: every member may see and download it.
drive_file_channels = sa.Table(
    "drive_file_channels",
    metadata,
    id_column("file_id", sa.ForeignKey("drive_files.id"), primary_key=True),
    id_column("channel_id", sa.ForeignKey("channels.id"), primary_key=True),
    id_column("tagged_by", sa.ForeignKey("principals.id"), nullable=False),
    time_column("created_at"),
    sa.Index(None, "channel_id"),
)

# A file attached to a message: the channel's members may read it.
drive_attachments = sa.Table(
    "drive_attachments",
    metadata,
    id_column("file_id", sa.ForeignKey("drive_files.id"), primary_key=True),
    id_column("message_id", sa.ForeignKey("messages.id"), primary_key=True),
    id_column("channel_id", sa.ForeignKey("channels.id"), nullable=False),
    time_column("created_at"),
    sa.Index(None, "channel_id", "file_id"),
)

drive_file_activity = sa.Table(
    "drive_file_activity",
    metadata,
    id_column(primary_key=True),
    id_column("file_id", sa.ForeignKey("drive_files.id"), nullable=False),
    id_column("actor_id", sa.ForeignKey("principals.id"), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("details", Json, nullable=True),
    time_column("created_at"),
    sa.Index(None, "file_id", "created_at"),
)
