"""The vault feature's tables (SQLAlchemy Core), in the platform's one metadata."""

from __future__ import annotations

import sqlalchemy as sa

from server_core.kernel.store.tables import Json, id_column, metadata, time_column

vaults = sa.Table(
    "vaults",
    metadata,
    id_column(primary_key=True),
    id_column("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("description", sa.Text, nullable=True),
    sa.Column("sensitivity_label", sa.String(16), nullable=False),
    # {"alwaysMask": [hint, …], "neverMask": [hint, …]} or null.
    sa.Column("masking_policy", Json, nullable=True),
    id_column("created_by", sa.ForeignKey("principals.id"), nullable=False),
    time_column("created_at"),
    time_column("updated_at"),
    sa.CheckConstraint(
        "sensitivity_label in ('low', 'medium', 'high', 'critical')", name="sensitivity_label"
    ),
    sa.Index(None, "workspace_id"),
)

vault_members = sa.Table(
    "vault_members",
    metadata,
    id_column("vault_id", sa.ForeignKey("vaults.id", ondelete="CASCADE"), nullable=False),
    id_column("principal_id", sa.ForeignKey("principals.id"), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    id_column("added_by", sa.ForeignKey("principals.id"), nullable=False),
    time_column("added_at"),
    sa.PrimaryKeyConstraint("vault_id", "principal_id"),
    sa.CheckConstraint("role in ('owner', 'admin', 'editor', 'viewer', 'use_only')", name="role"),
    sa.Index(None, "principal_id"),
)

vault_items = sa.Table(
    "vault_items",
    metadata,
    id_column(primary_key=True),
    id_column("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    id_column("vault_id", sa.ForeignKey("vaults.id", ondelete="CASCADE"), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("type", sa.String(16), nullable=False),
    sa.Column("url", sa.Text, nullable=True),
    sa.Column("notes", sa.Text, nullable=True),
    sa.Column("tags", Json, nullable=False),
    sa.Column("type_metadata", Json, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    id_column("created_by", sa.ForeignKey("principals.id"), nullable=False),
    id_column("updated_by", sa.ForeignKey("principals.id"), nullable=False),
    time_column("last_accessed_at", nullable=True),
    time_column("last_rotated_at", nullable=True),
    time_column("created_at"),
    time_column("updated_at"),
    sa.Index(None, "vault_id"),
    sa.Index(None, "workspace_id"),
)

vault_item_fields = sa.Table(
    "vault_item_fields",
    metadata,
    id_column("item_id", sa.ForeignKey("vault_items.id", ondelete="CASCADE"), nullable=False),
    # "field": a field of the item; "meta": a secret kept out of typeMetadata (totpSecret).
    sa.Column("slot", sa.String(8), nullable=False),
    sa.Column("field_key", sa.String(128), nullable=False),
    sa.Column("hint", sa.String(16), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("ciphertext", sa.LargeBinary, nullable=False),
    sa.Column("wrapped_key", sa.LargeBinary, nullable=False),
    sa.Column("master_key_id", sa.String(64), nullable=False),
    time_column("created_at"),
    time_column("updated_at"),
    sa.PrimaryKeyConstraint("item_id", "slot", "field_key"),
    sa.Index(None, "master_key_id"),
)

vault_item_shares = sa.Table(
    "vault_item_shares",
    metadata,
    id_column("item_id", sa.ForeignKey("vault_items.id", ondelete="CASCADE"), nullable=False),
    id_column("principal_id", sa.ForeignKey("principals.id"), nullable=False),
    sa.Column("can_reveal", sa.Boolean, nullable=False),
    sa.Column("allowed_domains", Json, nullable=False),
    time_column("expires_at", nullable=True),
    id_column("shared_by", sa.ForeignKey("principals.id"), nullable=False),
    time_column("created_at"),
    sa.PrimaryKeyConstraint("item_id", "principal_id"),
    sa.Index(None, "principal_id"),
)

vault_leases = sa.Table(
    "vault_leases",
    metadata,
    id_column(primary_key=True),
    id_column("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    id_column("item_id", sa.ForeignKey("vault_items.id", ondelete="CASCADE"), nullable=False),
    id_column("vault_id", nullable=False),
    id_column("requester_id", sa.ForeignKey("principals.id"), nullable=False),
    id_column("approver_id", sa.ForeignKey("principals.id"), nullable=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("duration_minutes", sa.Integer, nullable=True),
    # Null means unlimited; `uses_remaining` only ever falls, in one conditional UPDATE.
    sa.Column("max_uses", sa.Integer, nullable=True),
    sa.Column("uses_remaining", sa.Integer, nullable=True),
    sa.Column("use_count", sa.Integer, nullable=False),
    sa.Column("constraints", Json, nullable=False),
    time_column("expires_at", nullable=True),
    time_column("decided_at", nullable=True),
    time_column("revoked_at", nullable=True),
    time_column("created_at"),
    time_column("updated_at"),
    sa.CheckConstraint(
        "status in ('pending', 'active', 'expired', 'revoked', 'denied')", name="status"
    ),
    sa.Index(None, "item_id"),
    sa.Index(None, "requester_id"),
    sa.Index(None, "status", "expires_at"),
)

vault_access_events = sa.Table(
    "vault_access_events",
    metadata,
    id_column(primary_key=True),
    id_column("workspace_id", nullable=False),
    id_column("vault_id", nullable=True),
    id_column("item_id", nullable=True),
    id_column("lease_id", nullable=True),
    id_column("principal_id", nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("detail", sa.Text, nullable=True),
    sa.Column("fields", Json, nullable=False),
    time_column("created_at"),
    sa.Index(None, "workspace_id", "id"),
    sa.Index(None, "item_id", "id"),
)

vault_alert_rules = sa.Table(
    "vault_alert_rules",
    metadata,
    id_column(primary_key=True),
    id_column("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    id_column("vault_id", sa.ForeignKey("vaults.id", ondelete="CASCADE"), nullable=True),
    id_column("item_id", sa.ForeignKey("vault_items.id", ondelete="CASCADE"), nullable=True),
    sa.Column("trigger", sa.String(16), nullable=False),
    sa.Column("destination", sa.String(16), nullable=False),
    sa.Column("destination_config", Json, nullable=False),
    sa.Column("threshold", sa.Integer, nullable=True),
    id_column("created_by", sa.ForeignKey("principals.id"), nullable=False),
    time_column("last_fired_at", nullable=True),
    time_column("created_at"),
    sa.Index(None, "workspace_id"),
)

vault_alert_deliveries = sa.Table(
    "vault_alert_deliveries",
    metadata,
    id_column(primary_key=True),
    id_column("workspace_id", nullable=False),
    id_column("rule_id", sa.ForeignKey("vault_alert_rules.id", ondelete="CASCADE"), nullable=False),
    id_column("access_event_id", nullable=True),
    sa.Column("destination", sa.String(16), nullable=False),
    # "sent" (posted to its channel), "pending" (push and email: no sender yet), "failed".
    sa.Column("status", sa.String(16), nullable=False),
    id_column("message_id", nullable=True),
    sa.Column("payload", Json, nullable=False),
    time_column("created_at"),
    sa.Index(None, "rule_id"),
)

# A file attached to an item: its bytes sealed in the blob store under `blob_key`, with the
# data key wrapped by the master key here (a deleted row leaves bytes no one can open).
vault_attachments = sa.Table(
    "vault_attachments",
    metadata,
    id_column(primary_key=True),
    id_column("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    id_column("item_id", sa.ForeignKey("vault_items.id", ondelete="CASCADE"), nullable=False),
    sa.Column("file_name", sa.String(255), nullable=False),
    sa.Column("content_type", sa.String(255), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("blob_key", sa.String(512), nullable=False),
    sa.Column("wrapped_key", sa.LargeBinary, nullable=False),
    sa.Column("master_key_id", sa.String(64), nullable=False),
    id_column("uploaded_by", sa.ForeignKey("principals.id"), nullable=False),
    time_column("created_at"),
    # Set once the sealed bytes are stored in full; until then the attachment is not listed.
    time_column("stored_at", nullable=True),
    sa.Index(None, "item_id"),
    sa.Index(None, "master_key_id"),
)

# Sealed blobs whose attachment rows are gone (one removed, or its item or vault deleted),
# queued in the transaction that deleted them: removed from the blob store once it commits,
# and by the sweep (`blob_removals.py`) when that removal failed or never ran.
vault_blob_removals = sa.Table(
    "vault_blob_removals",
    metadata,
    id_column(primary_key=True),
    sa.Column("blob_key", sa.String(512), nullable=False),
    time_column("created_at"),
    sa.Index(None, "created_at"),
)
