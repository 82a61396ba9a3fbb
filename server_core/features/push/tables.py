"""The push feature's tables (SQLAlchemy Core), in the platform's one metadata."""

from __future__ import annotations

import sqlalchemy as sa

from server_core.kernel.store.tables import id_column, metadata, time_column

# A browser's Web Push subscription (its `PushSubscription.toJSON()`), for one principal. An
# endpoint belongs to one browser profile, so it is unique: subscribing it again moves it to
# whoever subscribed last.
push_subscriptions = sa.Table(
    "push_subscriptions",
    metadata,
    id_column(primary_key=True),
    id_column("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    id_column("principal_id", sa.ForeignKey("principals.id"), nullable=False),
    sa.Column("endpoint", sa.String(2048), nullable=False, unique=True),
    sa.Column("p256dh", sa.String(256), nullable=False),
    sa.Column("auth", sa.String(128), nullable=False),
    sa.Column("user_agent", sa.String(512), nullable=True),
    time_column("created_at"),
    time_column("updated_at"),
    sa.Index(None, "principal_id"),
)
