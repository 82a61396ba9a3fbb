"""Toolset `tasks_admin`: shaping the work — what waits on what, subtasks, order, time in
status, the summary by project, deleting tasks. Declared from the platform's operations
(`sesame_mcp.derived`)."""

from __future__ import annotations

from server_core.features.tasks.operations import Tasks
from sesame_mcp.derived import derive
from sesame_mcp.registry import Toolset
from sesame_mcp.toolsets.tasks.tasks import TASK, TOOLSET
from sesame_mcp.toolsets.tasks.views import (
    BatchOutput,
    DependenciesOutput,
    DependencyOutput,
    RemovedDependencyOutput,
    SummaryOutput,
    TaskOutput,
    TasksOutput,
    TimeOutput,
)

TASKS_ADMIN = Toolset(
    "tasks_admin",
    "Tasks, shaping the work: dependencies, subtasks, time in status, deleting",
    default=False,
    next_steps={
        **TOOLSET.next_steps,
        "dependency_cycle": "task_dependencies shows what each task waits on",
        "forbidden": "only a task's creator or a workspace admin deletes it",
    },
)

derive(
    TASKS_ADMIN,
    Tasks.dependencies,
    name="task_dependencies",
    title="Task dependencies",
    description="The tasks a task waits on, with their status.",
    output=DependenciesOutput,
    refs={"task_id": TASK},
)
derive(
    TASKS_ADMIN,
    Tasks.add_dependency,
    name="add_task_dependency",
    title="Add a dependency",
    description="Make a task wait on another: when that one is done, a blocked task moves to "
    "todo by itself.",
    output=DependencyOutput,
    refs={"task_id": TASK},
    descriptions={"depends_on_id": "The task it waits on: T-42 or its id"},
)
derive(
    TASKS_ADMIN,
    Tasks.remove_dependency,
    name="remove_task_dependency",
    title="Remove a dependency",
    description="Stop a task waiting on another.",
    output=RemovedDependencyOutput,
    refs={"task_id": TASK},
    descriptions={"dependency_id": "The task it waits on (T-42) or the dependency's id"},
)
derive(
    TASKS_ADMIN,
    Tasks.subtasks,
    name="list_subtasks",
    title="Subtasks",
    description="A task's subtasks, in order.",
    output=TasksOutput,
    refs={"task_id": TASK},
)
derive(
    TASKS_ADMIN,
    Tasks.time,
    name="task_time",
    title="Time in status",
    description="How long a task has spent in each status.",
    output=TimeOutput,
    refs={"task_id": TASK},
)
derive(
    TASKS_ADMIN,
    Tasks.delete,
    name="delete_task",
    title="Delete a task",
    description="Delete a task with its subtasks, activity and history (its creator or a "
    "workspace admin). It cannot be undone.",
    output=TaskOutput,
    refs={"task_id": TASK},
)
derive(
    TASKS_ADMIN,
    Tasks.summary,
    name="tasks_summary",
    title="Tasks by project",
    description="How many tasks each project has in each status, and how many are overdue.",
    output=SummaryOutput,
)
derive(
    TASKS_ADMIN,
    Tasks.reorder,
    name="reorder_tasks",
    title="Reorder tasks",
    description="Put tasks in an order (positions 0, 1, 2…), as a board column shows them "
    "with sort_by=position.",
    output=TasksOutput,
    descriptions={"task_ids": "The tasks in their new order: T-42 or ids"},
    destructive=True,  # earlier positions are overwritten
)
derive(
    TASKS_ADMIN,
    Tasks.batch,
    name="batch_tasks",
    title="Batch task changes",
    description="Up to 50 operations in one call, each done or refused on its own: create "
    '(data: the fields of create_task, camelCase: {"title": "…", "assigneeIds": […]}), update '
    '(ids, data: the fields of update_task, e.g. {"status": "done"}) and assign (ids, data: '
    '{"assigneeIds": […]}).',
    output=BatchOutput,
    descriptions={
        "operations": "The operations, in order: {op, ids, data}",
    },
)
