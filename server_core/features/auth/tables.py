"""The auth feature's tables (SQLAlchemy Core), in the platform's one metadata."""

from __future__ import annotations

import sqlalchemy as sa

from server_core.kernel.store.tables import id_column, metadata, time_column

refresh_tokens = sa.Table(
    "refresh_tokens",
    metadata,
    id_column(primary_key=True),
    id_column("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    id_column("principal_id", sa.ForeignKey("principals.id"), nullable=False),
    # Tokens rotated from one login share a family; reuse of a spent token revokes the family.
    id_column("family_id", nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    time_column("created_at"),
    time_column("expires_at"),
    time_column("used_at", nullable=True),
    time_column("revoked_at", nullable=True),
    sa.Index(None, "family_id"),
)

# Invitations to join a workspace. The token is shown once and kept only as its digest;
# `status` is pending, accepted or revoked (a pending one past `expires_at` reads as expired).
invitations = sa.Table(
    "invitations",
    metadata,
    id_column(primary_key=True),
    id_column("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    sa.Column("email", sa.String(320), nullable=False),
    sa.Column("is_admin", sa.Boolean, nullable=False),
    id_column("invited_by", sa.ForeignKey("principals.id"), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("status", sa.String(16), nullable=False),
    time_column("created_at"),
    time_column("sent_at"),
    time_column("expires_at"),
    sa.Column("resent_count", sa.Integer, nullable=False),
    time_column("accepted_at", nullable=True),
    id_column("accepted_by", sa.ForeignKey("principals.id"), nullable=True),
    time_column("revoked_at", nullable=True),
    sa.Index(None, "workspace_id", "email"),
)
