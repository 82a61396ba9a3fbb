"""The `schedule` feature's tools, over `/schedule`: toolset `schedule` (`schedule.py`): your
events and cron jobs on the workspace calendar, the calendar for a window, syncing your cron
jobs, recording runs and skipping or moving one occurrence."""

from sesame_mcp.toolsets.schedule.schedule import TOOLSET as SCHEDULE

__all__ = ["SCHEDULE"]
