"""`client.schedule`: the workspace's calendar (`/schedule`): events, their instances in a
window, exceptions, the run log and bulk sync of cron jobs. Its methods are the declared
operations."""

from __future__ import annotations

from server_core.features.schedule import operations
from sesame_mcp.client.area import Area


class Schedule(Area, operations.Schedule):
    """Schedule events: one-shot or recurring on a cron in a time zone; anyone in the
    workspace reads them, their owner or an admin changes them."""
