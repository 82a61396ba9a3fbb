"""`client.sessions`: agent sessions (`/sessions`) and file reservations (`/reservations`):
start or resume one, read and send to its history, keep it alive, end it, and reserve, check
and release files. Its methods are the declared operations."""

from __future__ import annotations

from server_core.features.sessions import operations
from sesame_mcp.client.area import Area


class Sessions(Area, operations.AgentSessions):
    """Agent sessions: runs of an agent with a history, lineage and liveness, and the files
    they reserve."""
