"""The voice feature's table (SQLAlchemy Core), in the platform's one metadata."""

from __future__ import annotations

import sqlalchemy as sa

from server_core.kernel.store.tables import Json, id_column, metadata, time_column

# One row per message sent with audio or video attached: `pending` until its transcript lands
# (a node claims it until `claimed_until`), then `done` with the transcript sealed under the
# workspace's data key, or `failed` once `attempts` are spent. The row outlives restarts, so
# what was waiting is picked up again.
voice_transcripts = sa.Table(
    "voice_transcripts",
    metadata,
    id_column("message_id", sa.ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True),
    id_column("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    id_column("channel_id", sa.ForeignKey("channels.id", ondelete="CASCADE"), nullable=False),
    # [{fileId, s3Key, contentType, size}] of the message's audio and video, in order.
    sa.Column("media", Json, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    time_column("claimed_until", nullable=True),
    sa.Column("ciphertext", sa.LargeBinary, nullable=True),
    id_column("key_id", nullable=True),
    sa.Column("duration", sa.Float, nullable=True),
    sa.Column("language", sa.String(32), nullable=True),
    time_column("created_at"),
    time_column("updated_at"),
    sa.CheckConstraint("status in ('pending', 'done', 'failed')", name="status"),
    sa.Index(None, "status", "created_at"),
)

# The transcript of one audio or video file, sealed: written when a message's attachment or a
# `POST /voice/transcribe` is transcribed, shown in drive lists and details, and answered again
# by `POST /voice/transcribe` without asking the engine twice.
voice_file_transcripts = sa.Table(
    "voice_file_transcripts",
    metadata,
    id_column("file_id", sa.ForeignKey("drive_files.id", ondelete="CASCADE"), primary_key=True),
    id_column("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    sa.Column("ciphertext", sa.LargeBinary, nullable=False),
    id_column("key_id", nullable=False),
    sa.Column("duration", sa.Float, nullable=True),
    sa.Column("language", sa.String(32), nullable=True),
    time_column("created_at"),
)
