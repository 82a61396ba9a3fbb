"""The `tasks` feature's tools: toolsets `work` (`work.py`, on by default: your tasks and
reporting progress; `resources.py`: the task resources, the `start_task` prompt and task
number completion), `tasks` (`tasks.py`, the rest of the daily loop) and `tasks_admin`
(`admin.py`: dependencies, subtasks, batch, order, time, deleting; `channel_tasks.py`: tasks
announced in a channel; `templates.py`: templates and recurring series), over `/tasks`."""

from sesame_mcp.toolsets.tasks import channel_tasks as channel_tasks
from sesame_mcp.toolsets.tasks import resources as resources
from sesame_mcp.toolsets.tasks import templates as templates
from sesame_mcp.toolsets.tasks.admin import TASKS_ADMIN
from sesame_mcp.toolsets.tasks.tasks import TOOLSET as TASKS
from sesame_mcp.toolsets.tasks.work import WORK

__all__ = ["TASKS", "TASKS_ADMIN", "WORK"]
