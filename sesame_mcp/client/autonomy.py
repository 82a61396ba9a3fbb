"""`client.autonomy`: task timers (`/tasks/{id}/timer`) and wake subscriptions
(`/agents/{id}/subscriptions`). Its methods are the declared operations."""

from __future__ import annotations

from server_core.features.autonomy import operations
from sesame_mcp.client.area import Area


class Autonomy(Area, operations.Autonomy):
    """One-shot timers on tasks, and subscriptions to external events, that wake an agent."""
