"""The webhooks feature's tables (SQLAlchemy Core), in the platform's one metadata."""

from __future__ import annotations

import sqlalchemy as sa

from server_core.kernel.store.tables import Json, id_column, metadata, time_column

# An agent's subscription. The signing secret is sealed with the workspace's data key (bound to
# the subscription's id), never stored in clear.
webhook_subscriptions = sa.Table(
    "webhook_subscriptions",
    metadata,
    id_column(primary_key=True),
    id_column("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    id_column("agent_id", sa.ForeignKey("principals.id"), nullable=False),
    sa.Column("url", sa.String(2048), nullable=False),
    sa.Column("event_types", Json, nullable=False),
    sa.Column("channel_ids", Json, nullable=True),
    sa.Column("active", sa.Boolean, nullable=False),
    id_column("secret_key_id", nullable=False),
    sa.Column("secret_sealed", sa.LargeBinary, nullable=False),
    # Deliveries that failed for good in a row; at the limit the subscription is paused.
    sa.Column("consecutive_failures", sa.Integer, nullable=False),
    time_column("created_at"),
    time_column("updated_at"),
    sa.Index("ix_webhook_subscriptions_workspace_id_active", "workspace_id", "active"),
    sa.Index("ix_webhook_subscriptions_agent_id", "agent_id"),
)

# One event for one subscription, with the state of its attempts. The body (the event's data,
# which may hold message text) is sealed like the secret.
webhook_deliveries = sa.Table(
    "webhook_deliveries",
    metadata,
    id_column(primary_key=True),
    id_column(
        "subscription_id",
        sa.ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("event_type", sa.String(64), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("status_code", sa.Integer, nullable=True),
    sa.Column("attempt_number", sa.Integer, nullable=False),
    sa.Column("error", sa.String(500), nullable=True),
    id_column("body_key_id", nullable=False),
    sa.Column("body_sealed", sa.LargeBinary, nullable=False),
    time_column("next_attempt_at", nullable=True),
    # A node sending an attempt holds it until then; past it another node may take it over.
    time_column("claimed_until", nullable=True),
    sa.Column("claim", sa.String(36), nullable=True),
    time_column("created_at"),
    time_column("updated_at"),
    sa.Index("ix_webhook_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
    sa.Index("ix_webhook_deliveries_subscription_id_id", "subscription_id", "id"),
    sa.Index("ix_webhook_deliveries_created_at", "created_at"),
)
