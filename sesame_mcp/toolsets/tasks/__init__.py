"""The `tasks` feature's tools, over `/tasks`:

- toolset `work` (on by default): your tasks and reporting progress (`work.py`); the task
  resources, the `start_task` prompt and task number completion (`resources.py`);
- toolset `tasks`: the rest of the daily loop (`tasks.py`) and search (`search.py`);
- toolset `tasks_admin`: dependencies, subtasks, batch, order, time, deleting (`admin.py`),
  tasks announced in a channel (`channel_tasks.py`), templates and recurring series
  (`templates.py`).
"""

from sesame_mcp.toolsets.tasks import channel_tasks as channel_tasks
from sesame_mcp.toolsets.tasks import resources as resources
from sesame_mcp.toolsets.tasks import search as search
from sesame_mcp.toolsets.tasks import templates as templates
from sesame_mcp.toolsets.tasks.admin import TASKS_ADMIN
from sesame_mcp.toolsets.tasks.tasks import TOOLSET as TASKS
from sesame_mcp.toolsets.tasks.work import WORK

__all__ = ["TASKS", "TASKS_ADMIN", "WORK"]
