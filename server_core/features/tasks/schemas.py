"""Wire models of `/tasks`: tasks with their assignees, context, subtask progress, activity and
time in status."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints, model_validator

from server_core.kernel.wire import RequestModel, Timestamp, WireModel, check_json_object, no_nul

Status = Literal["backlog", "todo", "active", "blocked", "review", "done", "cancelled"]
STATUSES: tuple[Status, ...] = (
    "backlog",
    "todo",
    "active",
    "blocked",
    "review",
    "done",
    "cancelled",
)
# Names of earlier versions: refused on writes (with the replacement named), mapped in filters.
DEPRECATED_STATUSES: dict[str, Status] = {
    "open": "backlog",
    "claimed": "active",
    "in_progress": "active",
    "complete": "done",
}
FINISHED: frozenset[str] = frozenset({"done", "cancelled"})
Priority = Literal["critical", "high", "medium", "low"]
PRIORITY_RANK: dict[str, int] = {"critical": 0, "high": 1, "medium": 2, "low": 3}
ActivityType = Literal[
    "status_change",
    "progress",
    "blocker",
    "decision",
    "artifact",
    "handoff",
    "context_update",
    "comment",
]
PostedActivity = Literal["progress", "blocker", "decision", "artifact", "comment"]
SortBy = Literal["created", "updated", "priority", "dueDate", "position"]

MAX_LABELS = 50
MAX_ASSIGNEES = 50
MAX_LIST = 500
DEFAULT_LIST = 100
MAX_ACTIVITY_METADATA = 16_384


def _current_status(value: Any) -> Any:
    """A deprecated status name is refused with its replacement named."""
    if isinstance(value, str) and value in DEPRECATED_STATUSES:
        raise ValueError(
            f"'{value}' is no longer a status: use '{DEPRECATED_STATUSES[value]}' "
            f"(statuses: {', '.join(STATUSES)})"
        )
    return value


def _check_metadata(value: dict[str, Any]) -> dict[str, Any]:
    return check_json_object(value, MAX_ACTIVITY_METADATA)


WriteStatus = Annotated[Status, BeforeValidator(_current_status)]
Title = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
    AfterValidator(no_nul),
]
Text = Annotated[str, StringConstraints(max_length=50_000), AfterValidator(no_nul)]
Label = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
    AfterValidator(no_nul),
]
Entry = Annotated[str, StringConstraints(min_length=1, max_length=2000), AfterValidator(no_nul)]
Entries = Annotated[list[Entry], Field(max_length=200)]
Id = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
    AfterValidator(no_nul),
]
# A comma-separated filter (statuses, ids, labels).
Csv = Annotated[str, StringConstraints(max_length=5000), AfterValidator(no_nul)]
RecurrenceRule = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=128),
    AfterValidator(no_nul),
]
RecurrenceTimezone = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
    AfterValidator(no_nul),
]


class TaskContext(WireModel):
    """What a task is about and what is known about it; maintained, not append-only."""

    background: str | None = None
    decisions: list[str] = Field(default_factory=list)
    relevant_files: list[str] = Field(default_factory=list)
    relevant_links: list[str] = Field(default_factory=list)
    constraints: list[str] = Field(default_factory=list)
    acceptance: list[str] = Field(default_factory=list)
    notes: str | None = None


CONTEXT_FIELDS = tuple(TaskContext.model_fields)
CONTEXT_LISTS = ("decisions", "relevant_files", "relevant_links", "constraints", "acceptance")


class ContextFields(RequestModel):
    """PUT: the whole context (fields left out are emptied); PATCH: only the fields sent (a
    list sent replaces that list); append: lists only, added at the end."""

    background: Text | None = None
    decisions: Entries | None = None
    relevant_files: Entries | None = None
    relevant_links: Entries | None = None
    constraints: Entries | None = None
    acceptance: Entries | None = None
    notes: Text | None = None


class AppendContextRequest(RequestModel):
    decisions: Entries | None = None
    relevant_files: Entries | None = None
    relevant_links: Entries | None = None
    constraints: Entries | None = None
    acceptance: Entries | None = None


class Assignee(WireModel):
    id: str
    handle: str
    display_name: str
    kind: str


class Progress(WireModel):
    """Of a task's subtasks."""

    total: int
    done: int
    active: int
    blocked: int
    percentage: int


class Task(WireModel):
    id: str
    workspace_id: str
    task_number: int
    key: str = Field(description="The task's number as people write it: T-42")
    title: str
    description: str | None
    project_id: str | None
    status: Status
    priority: Priority
    assignee_ids: list[str]
    assignees: list[Assignee]
    labels: list[str]
    due_date: Timestamp | None
    parent_id: str | None
    position: int | None
    channel_id: str | None = Field(
        default=None, description="A channel-scoped task's channel; null for other tasks"
    )
    message_id: str | None = Field(
        default=None,
        description="The channel message announcing it: coordination emojis on it change it",
    )
    context: TaskContext | None
    progress: Progress | None = Field(description="Of its subtasks; null without subtasks")
    created_by: str | None
    created_at: Timestamp
    updated_at: Timestamp
    status_changed_at: Timestamp
    recurrence_rule: str | None = Field(
        description="5-field cron: this task is the template of a recurring series"
    )
    recurrence_timezone: str | None = Field(description="IANA zone the rule is read in")
    recurrence_template_id: str | None = Field(description="An occurrence: its series' template")
    recurrence_index: int | None = Field(description="An occurrence: 1, 2, 3… in its series")
    next_recurrence_at: Timestamp | None = Field(
        description="A template: the due date of the next occurrence"
    )


class CreateTaskRequest(RequestModel):
    title: Title
    description: Text | None = None
    project_id: Id | None = Field(default=None, description="Project id or slug")
    status: WriteStatus = "todo"
    priority: Priority = "medium"
    assignee_ids: Annotated[list[Id], Field(max_length=MAX_ASSIGNEES)] = Field(default_factory=list)
    labels: Annotated[list[Label], Field(max_length=MAX_LABELS)] = Field(default_factory=list)
    due_date: datetime | None = None
    parent_id: Id | None = Field(default=None, description="A top-level task: its id or T-number")
    context: ContextFields | None = None
    recurrence_rule: RecurrenceRule | None = Field(
        default=None, description="5-field cron ('0 9 * * 1'): the task recurs"
    )
    recurrence_timezone: RecurrenceTimezone | None = Field(
        default=None, description="IANA zone for the rule (default UTC)"
    )


class UpdateTaskRequest(RequestModel):
    """Only the fields sent change. `assigneeId` assigns one principal (replacing the others),
    `assigneeIds` sets them all; null clears `description`, `dueDate`, `projectId`."""

    title: Title | None = None
    description: Text | None = None
    project_id: Id | None = None
    status: WriteStatus | None = None
    priority: Priority | None = None
    assignee_id: Id | None = None
    assignee_ids: Annotated[list[Id], Field(max_length=MAX_ASSIGNEES)] | None = None
    labels: Annotated[list[Label], Field(max_length=MAX_LABELS)] | None = None
    due_date: datetime | None = None
    position: int | None = Field(default=None, ge=0, le=2**31 - 1)
    recurrence_rule: RecurrenceRule | None = Field(
        default=None, description="5-field cron; null stops recurring"
    )
    recurrence_timezone: RecurrenceTimezone | None = Field(
        default=None, description="IANA zone for the rule (null: UTC)"
    )


class NotifyQuery(RequestModel):
    notify: bool = Field(default=True, description="false: no DM to the assignees")


class ListTasksQuery(RequestModel):
    project_id: Id | None = None
    assignee_id: Id | None = None
    assignee_ids: Csv | None = Field(default=None, description="Comma-separated: any of them")
    status: Csv | None = Field(
        default=None, description="Comma-separated; earlier names (open, in_progress…) map"
    )
    priority: Priority | None = None
    parent_id: Id | None = None
    q: Annotated[str, StringConstraints(max_length=200), AfterValidator(no_nul)] | None = None
    due_before: datetime | None = None
    due_after: datetime | None = None
    created_before: datetime | None = None
    created_after: datetime | None = None
    labels: Csv | None = Field(default=None, description="Comma-separated: any of them")
    sort_by: SortBy = "created"
    sort_dir: Literal["asc", "desc"] = "desc"
    limit: int = Field(default=DEFAULT_LIST, ge=1, le=MAX_LIST)
    cursor: int | None = Field(default=None, ge=0, description="From the previous page")
    offset: int = Field(default=0, ge=0, le=1_000_000, description="Tasks to skip (cursor wins)")


class MineQuery(RequestModel):
    status: Csv | None = Field(default=None, description="Comma-separated; default: unfinished")


class Activity(WireModel):
    id: str
    task_id: str
    type: ActivityType
    message: str | None
    metadata: dict[str, Any]
    author_id: str | None
    created_at: Timestamp


class PostActivityRequest(RequestModel):
    type: PostedActivity
    message: Annotated[
        str, StringConstraints(min_length=1, max_length=10_000), AfterValidator(no_nul)
    ]
    metadata: Annotated[dict[str, Any], AfterValidator(_check_metadata)] = Field(
        default_factory=dict
    )


class ActivityQuery(RequestModel):
    type: ActivityType | None = None
    limit: int = Field(default=50, ge=1, le=MAX_LIST)
    cursor: int | None = Field(default=None, ge=0, description="From the previous page")


class Transition(WireModel):
    from_: Status | None = Field(alias="from")
    to: Status
    at: Timestamp
    duration_ms: int | None


class TimeInStatus(WireModel):
    total_ms: int
    by_status: dict[str, int]
    transitions: list[Transition]
    current_status: Status
    current_status_since: Timestamp


class TaskSummary(WireModel):
    id: str
    task_number: int
    key: str
    title: str
    status: Status


class Dependency(WireModel):
    """`taskId` is blocked by `dependsOnId` until that task is done."""

    id: str
    task_id: str
    depends_on_id: str
    depends_on: TaskSummary
    created_by: str | None
    created_at: Timestamp


class AddDependencyRequest(RequestModel):
    depends_on_id: Id = Field(description="The blocking task: its id or T-number")


class HandoffRequest(RequestModel):
    """Hand the task to someone else: `toId` or `toHandle` (one of them) and a `reason`."""

    to_id: Id | None = None
    to_handle: (
        Annotated[
            str,
            StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
            AfterValidator(no_nul),
        ]
        | None
    ) = None
    reason: Annotated[str, StringConstraints(min_length=1, max_length=2000), AfterValidator(no_nul)]
    summary: Text | None = None
    instructions: Text | None = None
    state: Annotated[dict[str, Any], AfterValidator(_check_metadata)] = Field(
        default_factory=dict, description="Session state to pass on: branch, progress…"
    )
    priority: Priority | None = Field(default=None, description="How urgent, shown in the DM")
    context_update: ContextFields | None = Field(
        default=None, description="Context fields to change as well (as PATCH …/context)"
    )
    notify: bool = Field(default=True, description="Send the recipient a DM")

    @model_validator(mode="after")
    def _one_recipient(self) -> HandoffRequest:
        if (self.to_id is None) == (self.to_handle is None):
            raise ValueError("give the recipient as toId or as toHandle (one of them)")
        return self


class Handoff(WireModel):
    id: str = Field(description="The handoff's activity entry")
    task_id: str
    from_id: str | None
    from_handle: str | None
    to_id: str
    to_handle: str
    reason: str
    summary: str | None
    instructions: str | None
    state: dict[str, Any]
    priority: Priority | None
    created_at: Timestamp


MAX_BATCH = 50


class ReorderRequest(RequestModel):
    task_ids: Annotated[list[Id], Field(min_length=1, max_length=MAX_LIST)] = Field(
        description="Tasks (ids or T-numbers) in their new order: positions 0, 1, 2…"
    )


class BatchOperation(RequestModel):
    op: Literal["create", "update", "assign"]
    ids: Annotated[list[Id], Field(max_length=MAX_LIST)] = Field(
        default_factory=list, description="update and assign: the tasks"
    )
    data: dict[str, Any] = Field(default_factory=dict)


class BatchRequest(RequestModel):
    operations: Annotated[list[BatchOperation], Field(min_length=1, max_length=MAX_BATCH)]


class BatchError(WireModel):
    error: str
    status: int
    code: str
    details: Any = None


class BatchResult(WireModel):
    index: int
    op: str
    ok: bool
    tasks: list[Task] = Field(description="What the operation made or changed")
    error: BatchError | None


class ProjectSummary(WireModel):
    project_id: str | None = Field(description="null: tasks in no project")
    slug: str | None
    name: str | None
    total: int
    by_status: dict[str, int]
    overdue: int = Field(description="Unfinished tasks past their due date")


class CreateChannelTaskRequest(CreateTaskRequest):
    """`POST /tasks`'s body; the task is announced by a new message in the channel, or by
    `messageId`, a message already there."""

    message_id: Id | None = Field(
        default=None, description="An existing message of the channel to link instead of posting"
    )


class ChannelTasksQuery(RequestModel):
    status: Csv | None = Field(
        default=None, description="Comma-separated; earlier names (open, in_progress…) map"
    )
    priority: Priority | None = None
    assignee_id: Id | None = None
    limit: int = Field(default=DEFAULT_LIST, ge=1, le=MAX_LIST)
    cursor: int | None = Field(default=None, ge=0, description="From the previous page")
    offset: int = Field(default=0, ge=0, le=1_000_000, description="Tasks to skip (cursor wins)")


MAX_SUBTASK_TEMPLATES = 50
MAX_VARIABLES = 50

TemplateName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(no_nul),
]
Labels = Annotated[list[Label], Field(max_length=MAX_LABELS)]


class SubtaskTemplate(WireModel):
    title: str
    context: TaskContext | None


class Template(WireModel):
    """A pattern for a kind of work: the task it makes and the subtasks that come with it."""

    id: str
    workspace_id: str
    project_id: str | None
    name: str
    description: str | None
    title_pattern: str
    variables: list[str] = Field(
        description="The {{placeholders}} of titlePattern and the subtask titles, once each"
    )
    default_priority: Priority | None
    default_labels: list[str]
    context: TaskContext | None
    subtask_templates: list[SubtaskTemplate]
    created_by: str | None
    created_at: Timestamp
    updated_at: Timestamp


class SubtaskTemplateFields(RequestModel):
    title: Title = Field(description="May hold {{placeholders}}")
    context: ContextFields | None = None


SubtaskTemplates = Annotated[list[SubtaskTemplateFields], Field(max_length=MAX_SUBTASK_TEMPLATES)]


class CreateTemplateRequest(RequestModel):
    name: TemplateName
    description: Text | None = None
    title_pattern: Title = Field(description="The task's title, {{var}} filled at create time")
    default_priority: Priority | None = None
    default_labels: Labels = Field(default_factory=list)
    context: ContextFields | None = None
    subtask_templates: SubtaskTemplates = Field(default_factory=list)
    project_id: Id | None = Field(default=None, description="Project id or slug")


class UpdateTemplateRequest(RequestModel):
    """Only the fields sent change; null clears `description`, `defaultPriority`, `context`
    and `projectId`."""

    name: TemplateName | None = None
    description: Text | None = None
    title_pattern: Title | None = None
    default_priority: Priority | None = None
    default_labels: Labels | None = None
    context: ContextFields | None = None
    subtask_templates: SubtaskTemplates | None = None
    project_id: Id | None = None


class TemplatesQuery(RequestModel):
    project_id: Id | None = Field(default=None, description="Only this project's templates")


MAX_VARIABLE = 500


def _variable_text(value: str | int | float) -> str:
    """A variable's value as the text it puts in a title."""
    text = no_nul(str(value))
    if len(text) > MAX_VARIABLE:
        raise ValueError(f"must be at most {MAX_VARIABLE} characters")
    return text


VariableValue = Annotated[str | int | float, AfterValidator(_variable_text)]


class TemplateOverrides(RequestModel):
    """What the new task takes instead of the template's defaults."""

    title: Title | None = None
    description: Text | None = None
    status: WriteStatus | None = None
    priority: Priority | None = None
    labels: Labels | None = None
    due_date: datetime | None = None
    context: ContextFields | None = Field(
        default=None, description="Fields sent replace the template's"
    )


class UseTemplateRequest(RequestModel):
    variables: Annotated[
        dict[Annotated[str, StringConstraints(max_length=64)], VariableValue],
        Field(max_length=MAX_VARIABLES),
    ] = Field(default_factory=dict, description="Values for the {{placeholders}}")
    assignee_ids: Annotated[list[Id], Field(max_length=MAX_ASSIGNEES)] = Field(default_factory=list)
    project_id: Id | None = Field(default=None, description="Default: the template's project")
    overrides: TemplateOverrides = Field(default_factory=TemplateOverrides)


class TemplateTasks(WireModel):
    """The task made from a template, and its subtasks in the template's order."""

    task: Task
    subtasks: list[Task]


MIN_QUERY = 2
MAX_QUERY = 200
MAX_HITS = 200
DEFAULT_HITS = 50
SearchScope = Literal["all", "context", "activity"]


class SearchQuery(RequestModel):
    q: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=MIN_QUERY, max_length=MAX_QUERY),
        AfterValidator(no_nul),
    ] = Field(description="Words to find (all of them; the last one also as a prefix)")
    scope: SearchScope = Field(
        default="all",
        description="all: tasks and activity; context: a task's title, description and "
        "context; activity: activity messages",
    )
    project_id: Id | None = Field(default=None, description="Project id or slug")
    limit: int = Field(default=DEFAULT_HITS, ge=1, le=MAX_HITS)


class TaskSnippets(WireModel):
    """HTML: the text escaped, the words found in <mark>…</mark>; null for an empty field."""

    title: str | None
    description: str | None
    context: str | None


class TaskHit(WireModel):
    type: Literal["task"] = "task"
    task_id: str
    task_number: int
    title: str
    status: Status
    priority: Priority
    project_id: str | None
    rank: float = Field(description="Higher is better; comparable within one answer only")
    snippets: TaskSnippets


class ActivitySnippets(WireModel):
    """HTML: the text escaped, the words found in <mark>…</mark>."""

    message: str | None


class ActivityHit(WireModel):
    type: Literal["activity"] = "activity"
    activity_id: str
    task_id: str
    task_number: int
    task_title: str
    task_status: Status
    activity_type: ActivityType
    created_at: Timestamp
    rank: float = Field(description="Higher is better; comparable within one answer only")
    snippets: ActivitySnippets


SearchHit = Annotated[TaskHit | ActivityHit, Field(discriminator="type")]
