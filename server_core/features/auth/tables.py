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
