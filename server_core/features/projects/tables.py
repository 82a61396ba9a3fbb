"""The projects feature's tables (SQLAlchemy Core), in the platform's one metadata."""

from __future__ import annotations

import sqlalchemy as sa

from server_core.kernel.store.tables import Json, id_column, metadata, time_column

projects = sa.Table(
    "projects",
    metadata,
    id_column(primary_key=True),
    id_column("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    sa.Column("slug", sa.String(64), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("description", sa.Text, nullable=True),
    sa.Column("is_archived", sa.Boolean, nullable=False),
    time_column("archived_at", nullable=True),
    id_column("created_by", sa.ForeignKey("principals.id"), nullable=True),
    time_column("created_at"),
    time_column("updated_at"),
    sa.UniqueConstraint("workspace_id", "slug"),
)

project_members = sa.Table(
    "project_members",
    metadata,
    id_column("project_id", sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    id_column("principal_id", sa.ForeignKey("principals.id"), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    time_column("added_at"),
    sa.PrimaryKeyConstraint("project_id", "principal_id"),
)

# Every version of every project's context; the current context is the newest version.
project_context_versions = sa.Table(
    "project_context_versions",
    metadata,
    id_column("project_id", sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("context", Json, nullable=False),
    sa.Column("changed_fields", Json, nullable=False),
    id_column("changed_by", sa.ForeignKey("principals.id"), nullable=True),
    time_column("created_at"),
    sa.PrimaryKeyConstraint("project_id", "version"),
)
