"""Table definitions (SQLAlchemy Core), shared by both engines and by the migrations.

Every workspace-owned row carries `workspace_id`, and every query a feature makes filters on it.
Ids are UUIDv7 strings; timestamps are timezone-aware UTC.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
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


def _json_text(value: Any) -> str:
    return orjson.dumps(value).decode()  # SQLAlchemy wants text from a JSON serializer


# How both engines encode and decode JSON columns: orjson, several times faster than the
# standard library on every row that has JSON in it.
JSON_CODEC: dict[str, Any] = {"json_serializer": _json_text, "json_deserializer": orjson.loads}


# Full-text search is built differently on each engine (SQLite: an FTS5 table fed by
# triggers; PostgreSQL: tsvector columns with GIN indexes), so the migrations create it and no
# table definition declares it. Its tables, columns and indexes are named `search_…`.
SEARCH_PREFIX = "search_"


def declared_here(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic's `include_name`: whether a reflected object is one that table definitions
    describe, that is not an engine's own full-text search object."""
    return not (name or "").startswith(SEARCH_PREFIX)


def id_column(name: str = "id", *args: Any, **kwargs: Any) -> sa.Column[str]:
    return sa.Column(name, sa.String(36), *args, **kwargs)


def time_column(name: str, nullable: bool = False) -> sa.Column[datetime]:
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
    id_column(primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    time_column("created_at"),
)

principals = sa.Table(
    "principals",
    metadata,
    id_column(primary_key=True),
    id_column("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("handle", sa.String(40), nullable=False),
    sa.Column("display_name", sa.String(200), nullable=False),
    sa.Column("email", sa.String(320), nullable=True, unique=True),
    sa.Column("password_hash", sa.Text, nullable=True),
    sa.Column("profile", Json, nullable=False),
    sa.Column("avatar_url", sa.Text, nullable=True),
    sa.Column("public_key", sa.Text, nullable=True),
    id_column("owner_id", sa.ForeignKey("principals.id"), nullable=True),
    sa.Column("is_admin", sa.Boolean, nullable=False, default=False),
    sa.Column("is_active", sa.Boolean, nullable=False, default=True),
    time_column("created_at"),
    time_column("updated_at"),
    sa.UniqueConstraint("workspace_id", "handle"),
    sa.CheckConstraint("kind in ('human', 'agent', 'service')", name="kind"),
    sa.Index(None, "handle"),
)

api_keys = sa.Table(
    "api_keys",
    metadata,
    id_column(primary_key=True),
    id_column("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    id_column("principal_id", sa.ForeignKey("principals.id"), nullable=False),
    sa.Column("label", sa.String(200), nullable=True),
    sa.Column("key_prefix", sa.String(32), nullable=False),
    sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
    id_column("created_by", sa.ForeignKey("principals.id"), nullable=True),
    time_column("created_at"),
    time_column("revoked_at", nullable=True),
    sa.Index(None, "principal_id"),
)

# --- encryption at rest -------------------------------------------------------------------

data_keys = sa.Table(
    "data_keys",
    metadata,
    id_column(primary_key=True),
    id_column("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    # The master key that wraps this data key; `keys rotate` rewraps and updates it.
    sa.Column("master_key_id", sa.String(64), nullable=False),
    sa.Column("wrapped_key", sa.LargeBinary, nullable=False),
    time_column("created_at"),
    sa.Index(None, "workspace_id"),
)

# --- channels -----------------------------------------------------------------------------

# --- messages -----------------------------------------------------------------------------

# --- presence -----------------------------------------------------------------------------

# --- vault --------------------------------------------------------------------------------

# Each field is sealed on its own: a fresh data key per field, wrapped by a master key, with the
# item id, slot and field key bound in as associated data of both the wrap and the ciphertext.

# The audit trail: no foreign keys, so it outlives the items and vaults it is about.
