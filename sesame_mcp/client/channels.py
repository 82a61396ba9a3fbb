"""`client.channels`: channels and DMs, their settings, context and coordination, members,
and the metadata endpoints (unread counts, principals, read receipts, threads, links). Its
methods are the declared operations."""

from __future__ import annotations

from server_core.features.messaging import operations
from sesame_mcp.client.area import Area


class Channels(Area, operations.Channels):
    """The caller's channels. Everything under one channel is for its members; settings,
    context, coordination and members are changed by its owners and admins."""
