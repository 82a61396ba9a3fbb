"""`client.push`: Web Push subscriptions (`/push`). Its methods are the declared operations."""

from __future__ import annotations

from server_core.features.push import operations
from sesame_mcp.client.area import Area


class Push(Area, operations.Push):
    """Web Push: the server's VAPID key and the caller's browsers' subscriptions."""
