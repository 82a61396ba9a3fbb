"""`client.tasks`: the work board (`/tasks`). Its methods are the declared operations; a task
is named by its id or its number (`T-42`)."""

from __future__ import annotations

from server_core.features.tasks import operations
from sesame_mcp.client.area import Area


class Tasks(Area, operations.Tasks):
    """Tasks: numbered per workspace, with status, priority, assignees, labels, due dates, one
    level of subtasks, a context block and an activity log."""
