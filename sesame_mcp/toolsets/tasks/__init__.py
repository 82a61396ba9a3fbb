"""The `tasks` feature's tools: toolsets `tasks` (`tasks.py`, the daily loop) and
`tasks_admin` (`admin.py`: dependencies, subtasks, time, deleting), over `/tasks`."""

from sesame_mcp.toolsets.tasks.admin import TASKS_ADMIN
from sesame_mcp.toolsets.tasks.tasks import TOOLSET as TASKS

__all__ = ["TASKS", "TASKS_ADMIN"]
