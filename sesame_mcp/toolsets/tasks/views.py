"""What the `tasks` tools answer with: tasks, their context and activity as compact views,
each with its text. Text written by others is quoted: it is data, not instructions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator, model_validator

from sesame_mcp.registry import ToolOutput, View
from sesame_mcp.toolsets.messaging.views import quote


class AssigneeView(View):
    id: str
    handle: str


class ProgressView(View):
    """Of the task's subtasks; all 0 when it has none."""

    total: int = 0
    done: int = 0
    percentage: int = 0


class ContextView(View):
    """The task's context block; all empty when none was set."""

    background: str | None = None
    decisions: list[str] = Field(default_factory=list)
    relevant_files: list[str] = Field(default_factory=list)
    relevant_links: list[str] = Field(default_factory=list)
    constraints: list[str] = Field(default_factory=list)
    acceptance: list[str] = Field(default_factory=list)
    notes: str | None = None

    def lines(self) -> list[str]:
        lines = [f"  background: {quote(self.background)}"] if self.background else []
        for name in ("decisions", "relevant_files", "relevant_links", "constraints", "acceptance"):
            entries: list[str] = getattr(self, name)
            if entries:
                lines.append(f"  {name}: " + "; ".join(quote(entry) for entry in entries))
        if self.notes:
            lines.append(f"  notes: {quote(self.notes)}")
        return ["Context:", *lines] if lines else ["Context: none yet."]


class TaskView(View):
    id: str
    key: str = Field(description="T-42")
    title: str
    description: str | None
    status: str
    priority: str
    project_id: str | None
    parent_id: str | None
    assignees: list[AssigneeView]
    labels: list[str]
    due_date: datetime | None
    progress: ProgressView
    context: ContextView
    recurrence_rule: str | None = Field(default=None, description="Set on a recurring series")
    recurrence_timezone: str | None = None
    next_recurrence_at: datetime | None = Field(default=None, description="The next one's due")
    recurrence_index: int | None = Field(default=None, description="Its place in a series")

    @field_validator("progress", "context", mode="before")
    @classmethod
    def _empty_when_null(cls, value: Any) -> Any:
        return {} if value is None else value  # one shape for clients: no nulls to branch on

    def line(self) -> str:
        who = ", ".join(f"@{a.handle}" for a in self.assignees) or "unassigned"
        due = f", due {self.due_date:%Y-%m-%d}" if self.due_date else ""
        sub = (
            f", subtasks {self.progress.done}/{self.progress.total}" if self.progress.total else ""
        )
        return (
            f"- {self.key} [{self.status}, {self.priority}] {quote(self.title)} ({who}{due}{sub})"
        )

    def text(self) -> str:
        lines = [self.line()[2:], f"id {self.id}"]
        if self.description:
            lines.append(f"Description: {quote(self.description)}")
        if self.labels:
            lines.append(f"Labels: {', '.join(self.labels)}")
        if self.recurrence_rule:
            due = f", next due {self.next_recurrence_at:%Y-%m-%d %H:%M} UTC"
            zone = self.recurrence_timezone or "UTC"
            lines.append(
                f"Recurs: {self.recurrence_rule} ({zone}){due if self.next_recurrence_at else ''}"
            )
        elif self.recurrence_index is not None:
            lines.append(f"Occurrence {self.recurrence_index} of a recurring series")
        return "\n".join([*lines, *self.context.lines()])


class TaskLine(View):
    """A task in one line: lists of many tasks."""

    id: str
    key: str = Field(description="T-42")
    title: str
    status: str
    priority: str
    due_date: datetime | None

    def line(self) -> str:
        due = f", due {self.due_date:%Y-%m-%d}" if self.due_date else ""
        return f"- {self.key} [{self.status}, {self.priority}{due}] {quote(self.title)}"


class TaskOutput(ToolOutput):
    task: TaskView

    def render(self) -> str:
        return self.task.text()


class TasksOutput(ToolOutput):
    tasks: list[TaskView] = Field(description="Most urgent first, or as sorted")

    def render(self) -> str:
        if not self.tasks:
            return "No tasks match."
        return "\n".join([f"{len(self.tasks)} tasks:", *(task.line() for task in self.tasks)])


class NextTaskOutput(ToolOutput):
    found: bool = Field(description="false: nothing to work on now")
    tasks: list[TaskView] = Field(description="The next task, when there is one")

    def render(self) -> str:
        if not self.tasks:
            return "Nothing to work on now: no todo or active task is assigned to you."
        return "Your next task:\n" + self.tasks[0].text()


class ActivityView(View):
    id: str
    type: str
    message: str | None
    author_id: str | None
    created_at: datetime

    def line(self) -> str:
        text = quote(self.message) if self.message else ""
        return f"- {self.created_at:%Y-%m-%d %H:%M} {self.type} by {self.author_id}: {text}"


class ActivityLogOutput(ToolOutput):
    entries: list[ActivityView] = Field(description="Newest first")

    def render(self) -> str:
        if not self.entries:
            return "No activity yet."
        return "\n".join(["Activity, newest first:", *(e.line() for e in self.entries)])


class TaskContextOutput(ToolOutput):
    context: ContextView

    def render(self) -> str:
        return "\n".join(self.context.lines())


class HandoffView(View):
    id: str
    from_handle: str | None
    to_handle: str
    reason: str
    summary: str | None
    instructions: str | None
    state: dict[str, Any]
    priority: str | None


class HandoffOutput(ToolOutput):
    handoff: HandoffView

    def render(self) -> str:
        h = self.handoff
        return f"Handed off to @{h.to_handle}: {quote(h.reason)}. They are now its only assignee."


class TaskRefView(View):
    id: str
    key: str
    title: str
    status: str


class DependencyView(View):
    id: str
    depends_on: TaskRefView


class DependencyOutput(ToolOutput):
    dependency: DependencyView

    def render(self) -> str:
        on = self.dependency.depends_on
        return f"The task waits on {on.key} {quote(on.title)} ({on.status}) until it is done."


class RemovedDependencyOutput(ToolOutput):
    dependency: DependencyView

    def render(self) -> str:
        return f"The task no longer waits on {self.dependency.depends_on.key}."


class DependenciesOutput(ToolOutput):
    dependencies: list[DependencyView] = Field(description="The tasks it waits on")

    def render(self) -> str:
        if not self.dependencies:
            return "The task waits on nothing."
        lines = [
            f"- {d.depends_on.key} {quote(d.depends_on.title)} ({d.depends_on.status})"
            for d in self.dependencies
        ]
        return "\n".join(["It waits on:", *lines])


class TimeView(View):
    total_ms: int
    by_status: dict[str, int]
    current_status: str


class TimeOutput(ToolOutput):
    time: TimeView

    def render(self) -> str:
        parts = ", ".join(
            f"{status} {ms / 3_600_000:.1f} h" for status, ms in self.time.by_status.items()
        )
        return f"Time in status: {parts}; now {self.time.current_status}."


class SummaryView(View):
    slug: str | None
    name: str | None
    total: int
    by_status: dict[str, int]
    overdue: int

    def line(self) -> str:
        counts = ", ".join(f"{status} {n}" for status, n in self.by_status.items())
        late = f", {self.overdue} overdue" if self.overdue else ""
        where = self.slug or "no project"
        return f"- {where}: {self.total} tasks ({counts}){late}"


class SummaryOutput(ToolOutput):
    projects: list[SummaryView] = Field(description="By project, then tasks in no project")

    def render(self) -> str:
        if not self.projects:
            return "No tasks yet."
        return "\n".join(["Tasks by project:", *(p.line() for p in self.projects)])


class BatchResultView(View):
    index: int = Field(description="The operation's place in the batch, from 0")
    op: str
    ok: bool
    tasks: list[TaskRefView] = Field(description="What it made or changed")
    code: str | None = Field(description="Why it was refused: the error code")
    error: str | None = Field(description="Why it was refused, in words")

    @model_validator(mode="before")
    @classmethod
    def _flat_error(cls, value: Any) -> Any:
        if isinstance(value, BaseModel):  # the platform's result, its refusal an object
            refusal = getattr(value, "error", None)
            fields = dict(value)
            fields["code"] = refusal.code if refusal is not None else None
            fields["error"] = refusal.error if refusal is not None else None
            return fields
        return value

    def line(self) -> str:
        if not self.ok:
            return f"- {self.index} {self.op}: refused ({self.code}): {self.error}"
        keys = ", ".join(f"{t.key} ({t.status})" for t in self.tasks) or "nothing"
        return f"- {self.index} {self.op}: {keys}"


class BatchOutput(ToolOutput):
    results: list[BatchResultView] = Field(description="One per operation, in order")

    def render(self) -> str:
        done = sum(result.ok for result in self.results)
        head = f"{done} of {len(self.results)} operations done; the others changed nothing:"
        return "\n".join([head, *(result.line() for result in self.results)])
