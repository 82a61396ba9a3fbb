"""The `task` event: a task was created, changed, moved to another status, (re)assigned or
deleted; delivered to the whole workspace, as the spec routes it."""

from __future__ import annotations

from typing import ClassVar, Literal

from server_core.features.tasks.schemas import Task
from server_core.kernel.events import Event, EventRoute

TaskAction = Literal[
    "created", "updated", "status_changed", "assigned", "handoff", "completed", "deleted"
]


class TaskChanged(Event):
    wire_name: ClassVar[str] = "task"
    workspace_id: str
    project_id: str | None
    task: Task
    action: TaskAction


def task_event(task: Task, action: TaskAction) -> TaskChanged:
    return TaskChanged(
        route=EventRoute(workspace_id=task.workspace_id),
        workspace_id=task.workspace_id,
        project_id=task.project_id,
        task=task,
        action=action,
    )
