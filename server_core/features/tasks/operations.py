"""`/tasks`: the work board humans and agents share. A task is named in paths by its id or its
number (`T-42`). The fixed paths (`/tasks/mine`, `/tasks/next`, `/tasks/summary`…) are
declared before `/tasks/{id}` so that they win."""

from __future__ import annotations

from server_core.features.messaging.errors import (
    ChannelArchived,
    ChannelReadOnly,
    LoopPrevention,
    MessageDeleted,
    NotChannelMember,
    NotYourTurn,
)
from server_core.features.projects.errors import ProjectArchived
from server_core.features.tasks.errors import (
    DependencyCycle,
    InvalidRecurrenceRule,
    MissingVariables,
    NestedSubtask,
    NotRecurring,
    RecurrenceOnInstance,
)
from server_core.features.tasks.schemas import (
    Activity,
    ActivityQuery,
    AddDependencyRequest,
    AppendContextRequest,
    BatchRequest,
    BatchResult,
    ChannelTasksQuery,
    ContextFields,
    CreateChannelTaskRequest,
    CreateTaskRequest,
    CreateTemplateRequest,
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
    Template,
    TemplatesQuery,
    TemplateTasks,
    TimeInStatus,
    UpdateTaskRequest,
    UpdateTemplateRequest,
    UseTemplateRequest,
)
from server_core.kernel.errors import BadRequest, Conflict, Forbidden, InvalidTimezone, NotFound
from server_core.kernel.operations import Operation, Operations, PathParam
from server_core.kernel.wire import Page

TASK = PathParam("id", "task_id", "Task id or number (T-42)", max_length=64)
DEPENDENCY = PathParam(
    "depId",
    "dependency_id",
    "The dependency's id, or the blocking task's id or number",
    max_length=64,
)
IN_CHANNEL = PathParam("cid", "channel_id", "Channel id")
CHANNEL_TASK = PathParam("tid", "task_id", "Task id or number (T-42)", max_length=64)
Dependencies = list[Dependency]
Summaries = list[ProjectSummary]
BatchResults = list[BatchResult]
TEMPLATE = PathParam("id", "template_id", "Template id", max_length=64)
Templates = list[Template]
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
    create_template = Operation(
        "POST",
        "/tasks/templates",
        body=CreateTemplateRequest,
        response=Template,
        status=201,
        errors=[NotFound],
        summary="Create a template: title pattern with {{var}}, defaults, context, subtasks",
    )
    templates = Operation(
        "GET",
        "/tasks/templates",
        query=TemplatesQuery,
        response=Templates,
        errors=[NotFound],
        summary="The workspace's task templates by name (?projectId=: that project's)",
    )
    get_template = Operation(
        "GET",
        "/tasks/templates/{id}",
        params=[TEMPLATE],
        response=Template,
        errors=[NotFound],
        summary="Get a task template",
    )
    update_template = Operation(
        "PATCH",
        "/tasks/templates/{id}",
        params=[TEMPLATE],
        body=UpdateTemplateRequest,
        response=Template,
        errors=[Forbidden, NotFound],
        summary="Change a template's fields sent (its creator or a workspace admin)",
    )
    delete_template = Operation(
        "DELETE",
        "/tasks/templates/{id}",
        params=[TEMPLATE],
        response=Template,
        errors=[Forbidden, NotFound],
        summary="Delete a template (its creator or a workspace admin); its tasks stay",
    )
    use_template = Operation(
        "POST",
        "/tasks/templates/{id}/create",
        params=[TEMPLATE],
        body=UseTemplateRequest,
        response=TemplateTasks,
        status=201,
        errors=[MissingVariables, NotFound, ProjectArchived, Conflict],
        summary="Create a task and its subtasks from a template, {{var}} filled from variables",
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
        errors=[
            NotFound,
            NestedSubtask,
            InvalidRecurrenceRule,
            InvalidTimezone,
            NotRecurring,
            ProjectArchived,
            Conflict,
        ],
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
        errors=[
            NotFound,
            InvalidRecurrenceRule,
            InvalidTimezone,
            NotRecurring,
            RecurrenceOnInstance,
            ProjectArchived,
            Conflict,
        ],
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
    recurrences = Operation(
        "GET",
        "/tasks/{id}/recurrences",
        params=[TASK],
        response=TaskList,
        errors=[NotRecurring, NotFound],
        summary="A recurring task's series: the template, then its occurrences by index",
    )
    skip = Operation(
        "POST",
        "/tasks/{id}/skip",
        params=[TASK],
        response=Task,
        errors=[NotRecurring, NotFound],
        summary="Move the series' nextRecurrenceAt one occurrence on without creating a task",
    )

    # Channel-scoped tasks (the earlier API): `/channels` paths, but tasks of the same board,
    # each announced by a message of its channel on which coordination emojis change it.
    channel_tasks = Operation(
        "GET",
        "/channels/{cid}/tasks",
        params=[IN_CHANNEL],
        query=ChannelTasksQuery,
        response=Page[Task],
        errors=[BadRequest, NotChannelMember, NotFound],
        summary="Tasks created in a channel, newest first (its members only)",
    )
    create_channel_task = Operation(
        "POST",
        "/channels/{cid}/tasks",
        params=[IN_CHANNEL],
        body=CreateChannelTaskRequest,
        response=Task,
        status=201,
        errors=[
            NotChannelMember,
            ChannelReadOnly,
            NotFound,
            NestedSubtask,
            ProjectArchived,
            ChannelArchived,
            MessageDeleted,
            NotYourTurn,
            Conflict,
            LoopPrevention,
        ],
        summary="Create a task in a channel: posted there as a message (or linked to messageId)",
    )
    update_channel_task = Operation(
        "PATCH",
        "/channels/{cid}/tasks/{tid}",
        params=[IN_CHANNEL, CHANNEL_TASK],
        body=UpdateTaskRequest,
        query=NotifyQuery,
        response=Task,
        errors=[NotChannelMember, NotFound, ProjectArchived, Conflict],
        summary="Update a task of the channel, as PATCH /tasks/{id} does",
    )
