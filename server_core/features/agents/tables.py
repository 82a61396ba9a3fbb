"""The agents feature's tables (SQLAlchemy Core), in the platform's one metadata."""

from __future__ import annotations

import sqlalchemy as sa

from server_core.kernel.store.tables import id_column, metadata, time_column

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
