"""`client.work_streams`: work streams (`/work-streams`): start one, append its output, rename
or finish it, and read them and their events. Its methods are the declared operations."""

from __future__ import annotations

from server_core.features.work_streams import operations
from sesame_mcp.client.area import Area


class WorkStreams(Area, operations.WorkStreams):
    """Work streams: live output of a piece of work, linked to a task and a channel; finishing
    one runs its onComplete chain."""
