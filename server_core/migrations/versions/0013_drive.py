"""The drive: uploads, folders, files, their channel tags, message attachments and activity.

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "drive_folders",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("workspace_id", sa.String(length=36), nullable=False),
        sa.Column("owner_id", sa.String(length=36), nullable=False),
        sa.Column("parent_id", sa.String(length=36), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["principals.id"], name=op.f("fk_drive_folders_owner_id_principals")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["drive_folders.id"],
            name=op.f("fk_drive_folders_parent_id_drive_folders"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_drive_folders_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drive_folders")),
    )
    with op.batch_alter_table("drive_folders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_drive_folders_owner_id_parent_id"),
            ["owner_id", "parent_id"],
            unique=False,
        )

    op.create_table(
        "drive_uploads",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("workspace_id", sa.String(length=36), nullable=False),
        sa.Column("principal_id", sa.String(length=36), nullable=False),
        sa.Column("s3_key", sa.String(length=1024), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=255), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["principal_id"],
            ["principals.id"],
            name=op.f("fk_drive_uploads_principal_id_principals"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_drive_uploads_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drive_uploads")),
    )
    with op.batch_alter_table("drive_uploads", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_drive_uploads_created_at"), ["created_at"], unique=False
        )

    op.create_table(
        "drive_files",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("workspace_id", sa.String(length=36), nullable=False),
        sa.Column("folder_id", sa.String(length=36), nullable=True),
        sa.Column("uploaded_by", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("s3_key", sa.String(length=1024), nullable=False),
        sa.Column("content_type", sa.String(length=255), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "tags",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("is_deleted", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["folder_id"], ["drive_folders.id"], name=op.f("fk_drive_files_folder_id_drive_folders")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"], ["principals.id"], name=op.f("fk_drive_files_uploaded_by_principals")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"], name=op.f("fk_drive_files_workspace_id_workspaces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drive_files")),
    )
    with op.batch_alter_table("drive_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_drive_files_folder_id"), ["folder_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_drive_files_workspace_id_uploaded_by"),
            ["workspace_id", "uploaded_by"],
            unique=False,
        )

    op.create_table(
        "drive_attachments",
        sa.Column("file_id", sa.String(length=36), nullable=False),
        sa.Column("message_id", sa.String(length=36), nullable=False),
        sa.Column("channel_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["channel_id"], ["channels.id"], name=op.f("fk_drive_attachments_channel_id_channels")
        ),
        sa.ForeignKeyConstraint(
            ["file_id"], ["drive_files.id"], name=op.f("fk_drive_attachments_file_id_drive_files")
        ),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_drive_attachments_message_id_messages")
        ),
        sa.PrimaryKeyConstraint("file_id", "message_id", name=op.f("pk_drive_attachments")),
    )
    with op.batch_alter_table("drive_attachments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_drive_attachments_channel_id_file_id"),
            ["channel_id", "file_id"],
            unique=False,
        )

    op.create_table(
        "drive_file_activity",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("file_id", sa.String(length=36), nullable=False),
        sa.Column("actor_id", sa.String(length=36), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["principals.id"], name=op.f("fk_drive_file_activity_actor_id_principals")
        ),
        sa.ForeignKeyConstraint(
            ["file_id"], ["drive_files.id"], name=op.f("fk_drive_file_activity_file_id_drive_files")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drive_file_activity")),
    )
    with op.batch_alter_table("drive_file_activity", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_drive_file_activity_file_id_created_at"),
            ["file_id", "created_at"],
            unique=False,
        )

    op.create_table(
        "drive_file_channels",
        sa.Column("file_id", sa.String(length=36), nullable=False),
        sa.Column("channel_id", sa.String(length=36), nullable=False),
        sa.Column("tagged_by", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["channel_id"], ["channels.id"], name=op.f("fk_drive_file_channels_channel_id_channels")
        ),
        sa.ForeignKeyConstraint(
            ["file_id"], ["drive_files.id"], name=op.f("fk_drive_file_channels_file_id_drive_files")
        ),
        sa.ForeignKeyConstraint(
            ["tagged_by"],
            ["principals.id"],
            name=op.f("fk_drive_file_channels_tagged_by_principals"),
        ),
        sa.PrimaryKeyConstraint("file_id", "channel_id", name=op.f("pk_drive_file_channels")),
    )
    with op.batch_alter_table("drive_file_channels", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_drive_file_channels_channel_id"), ["channel_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("drive_file_channels", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_drive_file_channels_channel_id"))

    op.drop_table("drive_file_channels")
    with op.batch_alter_table("drive_file_activity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_drive_file_activity_file_id_created_at"))

    op.drop_table("drive_file_activity")
    with op.batch_alter_table("drive_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_drive_attachments_channel_id_file_id"))

    op.drop_table("drive_attachments")
    with op.batch_alter_table("drive_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_drive_files_workspace_id_uploaded_by"))
        batch_op.drop_index(batch_op.f("ix_drive_files_folder_id"))

    op.drop_table("drive_files")
    with op.batch_alter_table("drive_uploads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_drive_uploads_created_at"))

    op.drop_table("drive_uploads")
    with op.batch_alter_table("drive_folders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_drive_folders_owner_id_parent_id"))

    op.drop_table("drive_folders")
