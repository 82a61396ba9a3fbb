"""The `tasks` feature's tools: toolset `tasks` (`tasks.py`), over `/tasks`."""

from sesame_mcp.toolsets.tasks.tasks import TOOLSET as TASKS

__all__ = ["TASKS"]
