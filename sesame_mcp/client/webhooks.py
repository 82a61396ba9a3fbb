"""`client.webhooks`: an agent's webhook subscriptions (`/agents/{id}/webhooks`). Its methods
are the declared operations."""

from __future__ import annotations

from server_core.features.webhooks import operations
from sesame_mcp.client.area import Area


class Webhooks(Area, operations.Webhooks):
    """Webhook subscriptions: signed HTTP POST delivery of platform events, secrets and the
    delivery log."""
