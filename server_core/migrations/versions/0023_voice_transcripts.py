"""Voice: a row per message sent with audio or video, pending until its transcript (sealed)
lands, and the transcripts of single files.

Revision ID: 0023
Revises: 0022
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "voice_transcripts",
        sa.Column("message_id", sa.String(length=36), nullable=False),
        sa.Column("workspace_id", sa.String(length=36), nullable=False),
        sa.Column("channel_id", sa.String(length=36), nullable=False),
        sa.Column(
            "media",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=True),
        sa.Column("key_id", sa.String(length=36), nullable=True),
        sa.Column("duration", sa.Float(), nullable=True),
        sa.Column("language", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status in ('pending', 'done', 'failed')", name=op.f("ck_voice_transcripts_status")
        ),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["channels.id"],
            name=op.f("fk_voice_transcripts_channel_id_channels"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name=op.f("fk_voice_transcripts_message_id_messages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_voice_transcripts_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("message_id", name=op.f("pk_voice_transcripts")),
    )
    with op.batch_alter_table("voice_transcripts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_voice_transcripts_status_created_at"),
            ["status", "created_at"],
            unique=False,
        )

    op.create_table(
        "voice_file_transcripts",
        sa.Column("file_id", sa.String(length=36), nullable=False),
        sa.Column("workspace_id", sa.String(length=36), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("key_id", sa.String(length=36), nullable=False),
        sa.Column("duration", sa.Float(), nullable=True),
        sa.Column("language", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["drive_files.id"],
            name=op.f("fk_voice_file_transcripts_file_id_drive_files"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_voice_file_transcripts_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("file_id", name=op.f("pk_voice_file_transcripts")),
    )


def downgrade() -> None:
    with op.batch_alter_table("voice_transcripts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_voice_transcripts_status_created_at"))

    op.drop_table("voice_transcripts")
    op.drop_table("voice_file_transcripts")
