"""Tasks: the work board humans and agents share, numbered per workspace (T-1, T-2…), with
status, priority, assignees, subtasks, a context block, an activity log and time in status."""
