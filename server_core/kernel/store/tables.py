"""Table definitions (SQLAlchemy Core), shared by both engines and by the migrations.

Every workspace-owned row carries `workspace_id`, and every query a feature makes filters on it.
Ids are UUIDv7 strings; timestamps are timezone-aware UTC.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

Json = sa.JSON().with_variant(JSONB(), "postgresql")


def _id(name: str = "id", *args: Any, **kwargs: Any) -> sa.Column[str]:
    return sa.Column(name, sa.String(36), *args, **kwargs)


def _when(name: str, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


server_meta = sa.Table(
    "server_meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

workspaces = sa.Table(
    "workspaces",
    metadata,
    _id(primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    _when("created_at"),
)

principals = sa.Table(
    "principals",
    metadata,
    _id(primary_key=True),
    _id("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("handle", sa.String(40), nullable=False),
    sa.Column("display_name", sa.String(200), nullable=False),
    sa.Column("email", sa.String(320), nullable=True, unique=True),
    sa.Column("password_hash", sa.Text, nullable=True),
    sa.Column("profile", Json, nullable=False),
    sa.Column("avatar_url", sa.Text, nullable=True),
    sa.Column("public_key", sa.Text, nullable=True),
    _id("owner_id", sa.ForeignKey("principals.id"), nullable=True),
    sa.Column("is_admin", sa.Boolean, nullable=False, default=False),
    sa.Column("is_active", sa.Boolean, nullable=False, default=True),
    _when("created_at"),
    _when("updated_at"),
    sa.UniqueConstraint("workspace_id", "handle"),
    sa.CheckConstraint("kind in ('human', 'agent', 'service')", name="kind"),
    sa.Index(None, "handle"),
)

api_keys = sa.Table(
    "api_keys",
    metadata,
    _id(primary_key=True),
    _id("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    _id("principal_id", sa.ForeignKey("principals.id"), nullable=False),
    sa.Column("label", sa.String(200), nullable=True),
    sa.Column("key_prefix", sa.String(32), nullable=False),
    sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
    _id("created_by", sa.ForeignKey("principals.id"), nullable=True),
    _when("created_at"),
    _when("revoked_at", nullable=True),
    sa.Index(None, "principal_id"),
)

refresh_tokens = sa.Table(
    "refresh_tokens",
    metadata,
    _id(primary_key=True),
    _id("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    _id("principal_id", sa.ForeignKey("principals.id"), nullable=False),
    # Tokens rotated from one login share a family; reuse of a spent token revokes the family.
    _id("family_id", nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    _when("created_at"),
    _when("expires_at"),
    _when("used_at", nullable=True),
    _when("revoked_at", nullable=True),
    sa.Index(None, "family_id"),
)
