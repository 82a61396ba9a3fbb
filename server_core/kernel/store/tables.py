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

# --- encryption at rest -------------------------------------------------------------------

data_keys = sa.Table(
    "data_keys",
    metadata,
    _id(primary_key=True),
    _id("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    # The master key that wraps this data key; `keys rotate` rewraps and updates it.
    sa.Column("master_key_id", sa.String(64), nullable=False),
    sa.Column("wrapped_key", sa.LargeBinary, nullable=False),
    _when("created_at"),
    sa.Index(None, "workspace_id"),
)

# --- channels -----------------------------------------------------------------------------

channels = sa.Table(
    "channels",
    metadata,
    _id(primary_key=True),
    _id("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("name", sa.String(100), nullable=True),
    sa.Column("description", sa.Text, nullable=True),
    sa.Column("context", sa.Text, nullable=True),
    sa.Column("context_version", sa.Integer, nullable=False),
    sa.Column("visibility", sa.String(16), nullable=False),
    sa.Column("coordination_mode", sa.String(16), nullable=False),
    sa.Column("loop_prevention", Json, nullable=False),
    # Both principal ids of a DM, sorted and joined: one DM per pair.
    sa.Column("dm_pair_key", sa.String(80), nullable=True),
    sa.Column("is_archived", sa.Boolean, nullable=False),
    _when("archived_at", nullable=True),
    _when("auto_archive_at", nullable=True),
    _id("created_by", sa.ForeignKey("principals.id"), nullable=False),
    # Sequencing and turn-taking state, changed only with the channel row locked.
    sa.Column("last_seq", sa.BigInteger, nullable=False),
    _when("last_message_at", nullable=True),
    _id("last_sender_id", nullable=True),
    sa.Column("consecutive_count", sa.Integer, nullable=False),
    _id("turn_principal_id", nullable=True),
    sa.Column("floor_ids", Json, nullable=False),
    _when("created_at"),
    _when("updated_at"),
    sa.UniqueConstraint("workspace_id", "dm_pair_key"),
    sa.CheckConstraint("kind in ('dm', 'group', 'topic')", name="kind"),
    sa.Index(None, "auto_archive_at"),
)

channel_members = sa.Table(
    "channel_members",
    metadata,
    _id(primary_key=True),
    _id("channel_id", sa.ForeignKey("channels.id", ondelete="CASCADE"), nullable=False),
    _id("principal_id", sa.ForeignKey("principals.id"), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("participation_mode", sa.String(16), nullable=False),
    sa.Column("muted", sa.Boolean, nullable=False),
    sa.Column("last_read_seq", sa.BigInteger, nullable=False),
    _when("last_read_at", nullable=True),
    _when("joined_at"),
    # Loop prevention per sender: last send and a one-minute window count.
    _when("last_sent_at", nullable=True),
    _when("rate_window_start", nullable=True),
    sa.Column("rate_window_count", sa.Integer, nullable=False),
    sa.UniqueConstraint("channel_id", "principal_id"),
    sa.Index(None, "principal_id"),
)

channel_context_history = sa.Table(
    "channel_context_history",
    metadata,
    _id(primary_key=True),
    _id("channel_id", sa.ForeignKey("channels.id", ondelete="CASCADE"), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("context", sa.Text, nullable=True),
    _id("replaced_by", sa.ForeignKey("principals.id"), nullable=False),
    _when("created_at"),
    sa.UniqueConstraint("channel_id", "version"),
)

# --- messages -----------------------------------------------------------------------------

messages = sa.Table(
    "messages",
    metadata,
    _id(primary_key=True),
    _id("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    _id("channel_id", sa.ForeignKey("channels.id", ondelete="CASCADE"), nullable=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    _id("sender_id", sa.ForeignKey("principals.id"), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("intent", sa.String(16), nullable=False),
    # The text exists only as AES-256-GCM ciphertext under the data key `key_id`.
    sa.Column("ciphertext", sa.LargeBinary, nullable=True),
    _id("key_id", nullable=True),
    _id("thread_root_id", nullable=True),
    _id("thread_owner_id", nullable=True),
    sa.Column("reply_count", sa.Integer, nullable=False),
    sa.Column("mentions", Json, nullable=False),
    sa.Column("meta", Json, nullable=False),
    sa.Column("attachment_ids", Json, nullable=False),
    sa.Column("client_generated_id", sa.String(64), nullable=True),
    sa.Column("is_edited", sa.Boolean, nullable=False),
    sa.Column("is_deleted", sa.Boolean, nullable=False),
    _when("created_at"),
    _when("updated_at"),
    _when("edited_at", nullable=True),
    sa.UniqueConstraint("channel_id", "seq"),
    sa.UniqueConstraint("channel_id", "client_generated_id"),
    sa.Index(None, "channel_id", "thread_root_id", "seq"),
)

message_revisions = sa.Table(
    "message_revisions",
    metadata,
    _id(primary_key=True),
    _id("message_id", sa.ForeignKey("messages.id", ondelete="CASCADE"), nullable=False),
    sa.Column("ciphertext", sa.LargeBinary, nullable=True),
    _id("key_id", nullable=True),
    _id("edited_by", sa.ForeignKey("principals.id"), nullable=False),
    _when("created_at"),
    sa.Index(None, "message_id"),
)

message_reactions = sa.Table(
    "message_reactions",
    metadata,
    _id("message_id", sa.ForeignKey("messages.id", ondelete="CASCADE"), nullable=False),
    _id("principal_id", sa.ForeignKey("principals.id"), nullable=False),
    sa.Column("emoji", sa.String(128), nullable=False),
    _when("created_at"),
    sa.PrimaryKeyConstraint("message_id", "principal_id", "emoji"),
)

# --- presence -----------------------------------------------------------------------------

principal_status = sa.Table(
    "principal_status",
    metadata,
    _id("principal_id", sa.ForeignKey("principals.id"), primary_key=True),
    _id("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    sa.Column("status", sa.String(64), nullable=False),
    sa.Column("detail", sa.String(500), nullable=True),
    sa.Column("progress", sa.Integer, nullable=True),
    sa.Column("emoji", sa.String(32), nullable=True),
    _when("updated_at"),
)

# --- vault --------------------------------------------------------------------------------

vaults = sa.Table(
    "vaults",
    metadata,
    _id(primary_key=True),
    _id("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("description", sa.Text, nullable=True),
    sa.Column("sensitivity_label", sa.String(16), nullable=False),
    # {"alwaysMask": [hint, …], "neverMask": [hint, …]} or null.
    sa.Column("masking_policy", Json, nullable=True),
    _id("created_by", sa.ForeignKey("principals.id"), nullable=False),
    _when("created_at"),
    _when("updated_at"),
    sa.CheckConstraint(
        "sensitivity_label in ('low', 'medium', 'high', 'critical')", name="sensitivity_label"
    ),
    sa.Index(None, "workspace_id"),
)

vault_members = sa.Table(
    "vault_members",
    metadata,
    _id("vault_id", sa.ForeignKey("vaults.id", ondelete="CASCADE"), nullable=False),
    _id("principal_id", sa.ForeignKey("principals.id"), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    _id("added_by", sa.ForeignKey("principals.id"), nullable=False),
    _when("added_at"),
    sa.PrimaryKeyConstraint("vault_id", "principal_id"),
    sa.CheckConstraint("role in ('owner', 'admin', 'editor', 'viewer', 'use_only')", name="role"),
    sa.Index(None, "principal_id"),
)

vault_items = sa.Table(
    "vault_items",
    metadata,
    _id(primary_key=True),
    _id("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    _id("vault_id", sa.ForeignKey("vaults.id", ondelete="CASCADE"), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("type", sa.String(16), nullable=False),
    sa.Column("url", sa.Text, nullable=True),
    sa.Column("notes", sa.Text, nullable=True),
    sa.Column("tags", Json, nullable=False),
    sa.Column("type_metadata", Json, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    _id("created_by", sa.ForeignKey("principals.id"), nullable=False),
    _id("updated_by", sa.ForeignKey("principals.id"), nullable=False),
    _when("last_accessed_at", nullable=True),
    _when("last_rotated_at", nullable=True),
    _when("created_at"),
    _when("updated_at"),
    sa.Index(None, "vault_id"),
    sa.Index(None, "workspace_id"),
)

# Each field is sealed on its own: a fresh data key per field, wrapped by a master key, with the
# item id, slot and field key bound in as associated data of both the wrap and the ciphertext.
vault_item_fields = sa.Table(
    "vault_item_fields",
    metadata,
    _id("item_id", sa.ForeignKey("vault_items.id", ondelete="CASCADE"), nullable=False),
    # "field": a field of the item; "meta": a secret kept out of typeMetadata (totpSecret).
    sa.Column("slot", sa.String(8), nullable=False),
    sa.Column("field_key", sa.String(128), nullable=False),
    sa.Column("hint", sa.String(16), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("ciphertext", sa.LargeBinary, nullable=False),
    sa.Column("wrapped_key", sa.LargeBinary, nullable=False),
    sa.Column("master_key_id", sa.String(64), nullable=False),
    _when("created_at"),
    _when("updated_at"),
    sa.PrimaryKeyConstraint("item_id", "slot", "field_key"),
    sa.Index(None, "master_key_id"),
)

vault_item_shares = sa.Table(
    "vault_item_shares",
    metadata,
    _id("item_id", sa.ForeignKey("vault_items.id", ondelete="CASCADE"), nullable=False),
    _id("principal_id", sa.ForeignKey("principals.id"), nullable=False),
    sa.Column("can_reveal", sa.Boolean, nullable=False),
    sa.Column("allowed_domains", Json, nullable=False),
    _when("expires_at", nullable=True),
    _id("shared_by", sa.ForeignKey("principals.id"), nullable=False),
    _when("created_at"),
    sa.PrimaryKeyConstraint("item_id", "principal_id"),
    sa.Index(None, "principal_id"),
)

vault_leases = sa.Table(
    "vault_leases",
    metadata,
    _id(primary_key=True),
    _id("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    _id("item_id", sa.ForeignKey("vault_items.id", ondelete="CASCADE"), nullable=False),
    _id("vault_id", nullable=False),
    _id("requester_id", sa.ForeignKey("principals.id"), nullable=False),
    _id("approver_id", sa.ForeignKey("principals.id"), nullable=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("duration_minutes", sa.Integer, nullable=True),
    # Null means unlimited; `uses_remaining` only ever falls, in one conditional UPDATE.
    sa.Column("max_uses", sa.Integer, nullable=True),
    sa.Column("uses_remaining", sa.Integer, nullable=True),
    sa.Column("use_count", sa.Integer, nullable=False),
    sa.Column("constraints", Json, nullable=False),
    _when("expires_at", nullable=True),
    _when("decided_at", nullable=True),
    _when("revoked_at", nullable=True),
    _when("created_at"),
    _when("updated_at"),
    sa.CheckConstraint(
        "status in ('pending', 'active', 'expired', 'revoked', 'denied')", name="status"
    ),
    sa.Index(None, "item_id"),
    sa.Index(None, "requester_id"),
    sa.Index(None, "status", "expires_at"),
)

# The audit trail: no foreign keys, so it outlives the items and vaults it is about.
vault_access_events = sa.Table(
    "vault_access_events",
    metadata,
    _id(primary_key=True),
    _id("workspace_id", nullable=False),
    _id("vault_id", nullable=True),
    _id("item_id", nullable=True),
    _id("lease_id", nullable=True),
    _id("principal_id", nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("detail", sa.Text, nullable=True),
    sa.Column("fields", Json, nullable=False),
    _when("created_at"),
    sa.Index(None, "workspace_id", "id"),
    sa.Index(None, "item_id", "id"),
)

vault_alert_rules = sa.Table(
    "vault_alert_rules",
    metadata,
    _id(primary_key=True),
    _id("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    _id("vault_id", sa.ForeignKey("vaults.id", ondelete="CASCADE"), nullable=True),
    _id("item_id", sa.ForeignKey("vault_items.id", ondelete="CASCADE"), nullable=True),
    sa.Column("trigger", sa.String(16), nullable=False),
    sa.Column("destination", sa.String(16), nullable=False),
    sa.Column("destination_config", Json, nullable=False),
    sa.Column("threshold", sa.Integer, nullable=True),
    _id("created_by", sa.ForeignKey("principals.id"), nullable=False),
    _when("last_fired_at", nullable=True),
    _when("created_at"),
    sa.Index(None, "workspace_id"),
)

vault_alert_deliveries = sa.Table(
    "vault_alert_deliveries",
    metadata,
    _id(primary_key=True),
    _id("workspace_id", nullable=False),
    _id("rule_id", sa.ForeignKey("vault_alert_rules.id", ondelete="CASCADE"), nullable=False),
    _id("access_event_id", nullable=True),
    sa.Column("destination", sa.String(16), nullable=False),
    # "sent" (posted to its channel), "pending" (push and email: no sender yet), "failed".
    sa.Column("status", sa.String(16), nullable=False),
    _id("message_id", nullable=True),
    sa.Column("payload", Json, nullable=False),
    _when("created_at"),
    sa.Index(None, "rule_id"),
)
