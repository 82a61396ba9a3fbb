"""Toolset `tasks`, the daily loop beyond `wake` and toolset `work` (reporting progress): your
tasks with filters, your next task, a task with its context, finding, creating and updating
tasks, the activity log, keeping the context current, handing off.

Tasks are named as `T-42` (or by id), projects by slug, assignees by @handle. The tools are
declared from their platform operations (`sesame_mcp.derived`), except `next_task`.
"""

from __future__ import annotations

from mcp.server.mcpserver import Context
from pydantic import Field

from server_core.features.tasks.operations import Tasks
from sesame_mcp.derived import Ref, derive
from sesame_mcp.registry import ToolInput, ToolOutput, Toolset
from sesame_mcp.state import Sesame, sesame
from sesame_mcp.toolsets.tasks.views import (
    ActivityLogOutput,
    HandoffOutput,
    NextTaskOutput,
    TaskContextOutput,
    TaskLine,
    TaskOutput,
    TasksOutput,
    TaskView,
)

TOOLSET = Toolset(
    "tasks",
    "Tasks: yours, your next, details with context, find, create, update, context, hand off",
    default=False,
    next_steps={
        "not_found": "my_tasks and list_tasks show tasks by number (T-42)",
        "nested_subtask": "name a top-level task as parent_id",
        "validation_error": "statuses are backlog, todo, active, blocked, review, done, cancelled",
    },
)


async def _as_named(_: Sesame, ref: str) -> str:
    return ref.strip()  # the platform takes T-42 (and a project's slug) as well as an id


TASK = Ref("task", "The task: T-42 or its id", _as_named, max_length=64)
STATUS = "backlog, todo, active, blocked, review, done or cancelled"
FIELDS = {
    "title": "What is to be done",
    "description": "More about it",
    "project_id": "Its project: slug or id",
    "priority": "critical, high, medium or low",
    "labels": "Labels, e.g. backend",
    "due_date": "When it is due (ISO 8601)",
}


class NextTaskInput(ToolInput):
    pass


@TOOLSET.tool(title="My next task", read_only=True)
async def next_task(args: NextTaskInput, ctx: Context) -> NextTaskOutput:
    """Your most urgent task to work on now (todo or active): by priority, then due date,
    then age. Start here when you begin a session."""
    task = await sesame(ctx).client.tasks.next()
    views = [TaskView.model_validate(task)] if task is not None else []
    return NextTaskOutput(found=bool(views), tasks=views)


class MyTasksOutput(ToolOutput):
    tasks: list[TaskLine] = Field(description="Most urgent first")

    def render(self) -> str:
        if not self.tasks:
            return "No tasks of yours match."
        lines = [f"{len(self.tasks)} tasks of yours, most urgent first:"]
        return "\n".join([*lines, *(task.line() for task in self.tasks)])


derive(
    TOOLSET,
    Tasks.mine,
    name="my_tasks",
    title="My tasks",
    description="Tasks assigned to you, most urgent first (unfinished ones unless status).",
    output=MyTasksOutput,
    descriptions={"status": f"Comma-separated statuses: {STATUS}"},
)


derive(
    TOOLSET,
    Tasks.get,
    name="get_task",
    title="Task details",
    description="A task with its assignees, context block and subtask progress.",
    output=TaskOutput,
    refs={"task_id": TASK},
)
derive(
    TOOLSET,
    Tasks.list,
    name="list_tasks",
    title="List tasks",
    description="Tasks of the workspace, filtered and sorted (newest first by default).",
    output=TasksOutput,
    descriptions={
        "project_id": "Only this project's: slug or id",
        "assignee_id": "Only this principal's (id)",
        "assignee_ids": "Only these principals' (comma-separated ids)",
        "status": f"Comma-separated statuses: {STATUS}",
        "priority": "Only this priority",
        "parent_id": "Only the subtasks of this task (T-42)",
        "q": "Text in the title or description",
        "due_before": "Due before (ISO 8601)",
        "due_after": "Due after (ISO 8601)",
        "created_before": "Created before (ISO 8601)",
        "created_after": "Created after (ISO 8601)",
        "labels": "Comma-separated labels: any of them",
        "sort_by": "created, updated, priority, dueDate or position",
        "sort_dir": "asc or desc (default)",
        "limit": "How many, 1 to 500 (default 100)",
        "cursor": "next page: the cursor of the previous answer",
        "offset": "Tasks to skip",
    },
)
derive(
    TOOLSET,
    Tasks.create,
    name="create_task",
    title="Create a task",
    description="Create a task (only title is required); it gets the next number, T-n.",
    output=TaskOutput,
    descriptions={
        **FIELDS,
        "status": f"Its status (default todo): {STATUS}",
        "assignee_ids": "Who works on it: principal ids",
        "parent_id": "Makes it a subtask of this top-level task (T-42)",
        "context": "Its context block: background, decisions, relevant files and links, "
        "constraints, acceptance, notes",
    },
)
derive(
    TOOLSET,
    Tasks.update,
    name="update_task",
    title="Update a task",
    description="Change a task's status, priority, assignees or other fields; only what is "
    "given changes. Status changes are logged.",
    output=TaskOutput,
    refs={"task_id": TASK},
    descriptions={
        **FIELDS,
        "status": f"New status: {STATUS}",
        "assignee_id": "Assign to this principal only (id)",
        "assignee_ids": "Assign to these principals (ids), replacing the others",
        "position": "Its place in a sorted board column",
        "notify": "false: do not notify the assignees",
    },
)
derive(
    TOOLSET,
    Tasks.activity,
    name="task_activity",
    title="Task activity",
    description="A task's activity log, newest first: status changes, progress, blockers, "
    "decisions, artifacts, handoffs, context updates, comments.",
    output=ActivityLogOutput,
    refs={"task_id": TASK},
    descriptions={
        "type": "Only entries of this type",
        "limit": "How many, 1 to 500 (default 50)",
        "cursor": "next page: the cursor of the previous answer",
    },
)
CONTEXT_WORDING = {
    "background": "Why the task exists, what problem it solves",
    "decisions": "Decisions made, with their reasons",
    "relevant_files": "Paths that matter",
    "relevant_links": "URLs: PRs, docs",
    "constraints": "Must-nots and requirements",
    "acceptance": "How we know it is done",
    "notes": "Anything else",
}
derive(
    TOOLSET,
    Tasks.update_context,
    name="update_task_context",
    title="Update task context",
    description="Change some fields of a task's context block; the others stay (a list given "
    "replaces that list). Keep it current as you learn.",
    output=TaskContextOutput,
    refs={"task_id": TASK},
    descriptions=CONTEXT_WORDING,
)
derive(
    TOOLSET,
    Tasks.append_context,
    name="append_task_context",
    title="Append to task context",
    description="Add entries at the end of a task's context lists (decisions, files, links, "
    "constraints, acceptance) without rewriting them.",
    output=TaskContextOutput,
    refs={"task_id": TASK},
    descriptions={k: v for k, v in CONTEXT_WORDING.items() if k not in ("background", "notes")},
)
derive(
    TOOLSET,
    Tasks.handoff,
    name="hand_off_task",
    title="Hand off a task",
    description="Hand a task to someone else with what they need: reason, summary, "
    "instructions, state; they become its only assignee and get a DM.",
    output=HandoffOutput,
    refs={"task_id": TASK},
    descriptions={
        "to_id": "The recipient's id (or give to_handle)",
        "to_handle": "The recipient's handle, e.g. ryan (or give to_id)",
        "reason": "Why you hand it off",
        "summary": "Where the work stands",
        "instructions": "What the recipient should do next",
        "state": 'Session state to pass on, e.g. {"branch": "feature/x"}',
        "priority": "How urgent: critical, high, medium or low",
        "context_update": "Context fields to change as you hand off",
        "notify": "false: no DM to the recipient",
    },
    destructive=True,  # the task's assignees are replaced
)
