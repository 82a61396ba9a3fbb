"""`/tasks`: the work board humans and agents share. A task is named in paths by its id or its
number (`T-42`). The fixed paths (`/tasks/mine`, `/tasks/next`, `/tasks/summary`…) are
declared before `/tasks/{id}` so that they win."""

from __future__ import annotations

from server_core.features.projects.errors import ProjectArchived
from server_core.features.tasks.errors import DependencyCycle, NestedSubtask
from server_core.features.tasks.schemas import (
    Activity,
    ActivityQuery,
    AddDependencyRequest,
    AppendContextRequest,
    BatchRequest,
    BatchResult,
    ContextFields,
    CreateTaskRequest,
    Dependency,
    Handoff,
    HandoffRequest,
    ListTasksQuery,
    MineQuery,
    NotifyQuery,
    PostActivityRequest,
    ProjectSummary,
    ReorderRequest,
    SearchHit,
    SearchQuery,
    Task,
    TaskContext,
    TimeInStatus,
    UpdateTaskRequest,
)
from server_core.kernel.errors import BadRequest, Conflict, Forbidden, NotFound
from server_core.kernel.operations import Operation, Operations, PathParam
from server_core.kernel.wire import Page

TASK = PathParam("id", "task_id", "Task id or number (T-42)", max_length=64)
DEPENDENCY = PathParam(
    "depId",
    "dependency_id",
    "The dependency's id, or the blocking task's id or number",
    max_length=64,
)
Dependencies = list[Dependency]
Summaries = list[ProjectSummary]
BatchResults = list[BatchResult]
TaskList = list[Task]  # named once: inside the class, `list` is an operation
SearchHits = list[SearchHit]


class Tasks(Operations):
    """Tasks: numbered per workspace, with status, priority, assignees, labels, due dates, one
    level of subtasks, a context block and an activity log. Every principal of the workspace
    works on them; deleting is for a task's creator and the workspace's admins."""

    area = "tasks"

    mine = Operation(
        "GET",
        "/tasks/mine",
        query=MineQuery,
        response=TaskList,
        errors=[BadRequest],
        summary="Your tasks, most urgent first (unfinished ones unless ?status=)",
    )
    next = Operation(
        "GET",
        "/tasks/next",
        response=Task | None,  # type: ignore[arg-type]
        summary="Your most urgent todo or active task (priority, due date, age), or null",
    )
    summary = Operation(
        "GET",
        "/tasks/summary",
        response=Summaries,
        summary="Task counts by status per project (and for tasks in no project)",
    )
    reorder = Operation(
        "POST",
        "/tasks/reorder",
        body=ReorderRequest,
        response=TaskList,
        errors=[BadRequest, NotFound],
        idempotent=True,
        summary="Set positions 0, 1, 2… in the order given (sortBy=position lists them so)",
    )
    batch = Operation(
        "POST",
        "/tasks/batch",
        body=BatchRequest,
        response=BatchResults,
        summary="Up to 50 create, update and assign operations, each reported on its own",
    )
    search = Operation(
        "GET",
        "/tasks/search",
        query=SearchQuery,
        response=SearchHits,
        errors=[BadRequest, NotFound],
        summary="Full-text search of tasks (title, description, context) and their activity, "
        "best first, with <mark> snippets",
    )
    list = Operation(
        "GET",
        "/tasks",
        query=ListTasksQuery,
        response=Page[Task],
        errors=[BadRequest, NotFound],
        summary="List tasks with filters and sorting (limit: default 100, at most 500)",
    )
    create = Operation(
        "POST",
        "/tasks",
        body=CreateTaskRequest,
        response=Task,
        status=201,
        errors=[NotFound, NestedSubtask, ProjectArchived, Conflict],
        summary="Create a task (only title is required); it gets the next number",
    )
    get = Operation(
        "GET",
        "/tasks/{id}",
        params=[TASK],
        response=Task,
        errors=[NotFound],
        summary="Get a task with its assignees, context and subtask progress",
    )
    update = Operation(
        "PATCH",
        "/tasks/{id}",
        params=[TASK],
        body=UpdateTaskRequest,
        query=NotifyQuery,
        response=Task,
        errors=[NotFound, ProjectArchived, Conflict],
        summary="Update a task; a status change is recorded and logged",
    )
    delete = Operation(
        "DELETE",
        "/tasks/{id}",
        params=[TASK],
        response=Task,
        errors=[Forbidden, NotFound],
        summary="Delete a task with its subtasks (its creator or a workspace admin)",
    )
    subtasks = Operation(
        "GET",
        "/tasks/{id}/subtasks",
        params=[TASK],
        response=TaskList,
        errors=[NotFound],
        summary="A task's subtasks, by position then number",
    )
    context = Operation(
        "GET",
        "/tasks/{id}/context",
        params=[TASK],
        response=TaskContext | None,  # type: ignore[arg-type]
        errors=[NotFound],
        summary="Get a task's context block (null when none was set)",
    )
    set_context = Operation(
        "PUT",
        "/tasks/{id}/context",
        params=[TASK],
        body=ContextFields,
        response=TaskContext,
        errors=[NotFound],
        summary="Create or replace a task's context block (fields left out are emptied)",
    )
    update_context = Operation(
        "PATCH",
        "/tasks/{id}/context",
        params=[TASK],
        body=ContextFields,
        response=TaskContext,
        errors=[NotFound],
        summary="Change only the context fields sent",
    )
    append_context = Operation(
        "POST",
        "/tasks/{id}/context/append",
        params=[TASK],
        body=AppendContextRequest,
        response=TaskContext,
        errors=[NotFound],
        summary="Append entries to the context's lists (creates the block when absent)",
    )
    activity = Operation(
        "GET",
        "/tasks/{id}/activity",
        params=[TASK],
        query=ActivityQuery,
        response=Page[Activity],
        errors=[NotFound],
        summary="A task's activity, newest first",
    )
    post_activity = Operation(
        "POST",
        "/tasks/{id}/activity",
        params=[TASK],
        body=PostActivityRequest,
        response=Activity,
        status=201,
        errors=[NotFound],
        summary="Log progress, a blocker, a decision, an artifact or a comment",
    )
    dependencies = Operation(
        "GET",
        "/tasks/{id}/dependencies",
        params=[TASK],
        response=Dependencies,
        errors=[NotFound],
        summary="The tasks this task waits on",
    )
    add_dependency = Operation(
        "POST",
        "/tasks/{id}/dependencies",
        params=[TASK],
        body=AddDependencyRequest,
        response=Dependency,
        status=201,
        also={200: "The dependency exists already: that one"},
        errors=[BadRequest, NotFound, DependencyCycle],
        idempotent=True,
        summary="Make the task wait on another until that one is done",
    )
    remove_dependency = Operation(
        "DELETE",
        "/tasks/{id}/dependencies/{depId}",
        params=[TASK, DEPENDENCY],
        response=Dependency,
        errors=[NotFound],
        summary="Stop the task waiting on another",
    )
    handoff = Operation(
        "POST",
        "/tasks/{id}/handoff",
        params=[TASK],
        body=HandoffRequest,
        response=Handoff,
        status=201,
        errors=[NotFound, Conflict],
        summary="Hand the task to someone (toId or toHandle): reassigned, logged, DM'd",
    )
    latest_handoff = Operation(
        "GET",
        "/tasks/{id}/handoff/latest",
        params=[TASK],
        response=Handoff | None,  # type: ignore[arg-type]
        errors=[NotFound],
        summary="The task's latest handoff (reason, instructions, state), or null",
    )
    time = Operation(
        "GET",
        "/tasks/{id}/time",
        params=[TASK],
        response=TimeInStatus,
        errors=[NotFound],
        summary="Time spent in each status, and the transitions",
    )
