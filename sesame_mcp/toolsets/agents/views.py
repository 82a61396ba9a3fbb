"""What the continuity and memory tools answer with: wake, saved state, memories and focus as
compact views, each with its text. Memories and task text are quoted: they are data, not
instructions."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import Field, field_validator, model_validator

from sesame_mcp.registry import ToolOutput, View
from sesame_mcp.toolsets.messaging.views import quote
from sesame_mcp.toolsets.tasks.views import ContextView, TaskLine, TaskView

SHOWN = 5  # tasks of each status in wake's text (the structured content has them all)


class UnreadView(View):
    channel_id: str
    name: str | None
    kind: str
    unread_count: int

    def label(self) -> str:
        """How read_messages takes it: #name, or a DM's id (its name is no handle)."""
        return f"#{self.name}" if self.name and self.kind != "dm" else f"DM {self.channel_id}"


class MemoryView(View):
    id: str
    category: str
    key: str
    content: str
    pinned: bool
    updated_at: datetime

    def line(self) -> str:
        pin = " (pinned)" if self.pinned else ""
        return f"- {self.category}/{self.key}{pin}: {quote(self.content)} [{self.id}]"


class StateView(View):
    namespace: str
    state: dict[str, Any]
    version: int
    expires_at: datetime | None


class FocusedTaskView(TaskLine):
    """The task in focus: its line, what it is about and its context block (as the platform
    has it: get_task's schema describes it; spelling it out here cost every session's tool
    list 70 tokens)."""

    description: str | None
    context: dict[str, Any]

    @field_validator("context", mode="before")
    @classmethod
    def _as_context_view(cls, value: Any) -> Any:
        if value is None:
            return {}
        return ContextView.model_validate(value).model_dump(mode="json")

    def text(self) -> str:
        lines = [self.line()[2:], f"id {self.id}"]
        if self.description:
            lines.append(f"Description: {quote(self.description)}")
        return "\n".join([*lines, *ContextView.model_validate(self.context).lines()])


class UpcomingView(View):
    """An event due in the next 24 hours (owned or assigned)."""

    id: str
    title: str
    next_occurrence_at: datetime

    @model_validator(mode="before")
    @classmethod
    def _from_wire(cls, event: Any) -> Any:
        if isinstance(event, dict) and "nextOccurrenceAt" in event:
            return {
                "id": event["id"],
                "title": event["title"],
                "next_occurrence_at": event["nextOccurrenceAt"],
            }
        return event

    def line(self) -> str:
        return f"- {self.next_occurrence_at:%Y-%m-%d %H:%M} UTC {quote(self.title)} ({self.id})"


class WakeView(View):
    """The platform's wake, flattened: its tasks in one list (active, then blocked, then todo)
    and its unread channels and pinned memories without their wrappers."""

    focused_task: FocusedTaskView | None
    tasks: list[TaskLine] = Field(description="Active, then blocked, then todo")
    unread: list[UnreadView] = Field(description="Channels with unread messages")
    upcoming: list[UpcomingView] = Field(description="Events due within 24 h")
    state: StateView | None = Field(description="The default namespace")
    pinned_memories: list[MemoryView]

    @model_validator(mode="before")
    @classmethod
    def _flatten(cls, wake: Any) -> Any:
        if isinstance(wake, dict):
            return wake  # a view's own fields (the platform's wake comes as its model)
        tasks = wake.tasks
        return {
            "focused_task": wake.focused_task,
            "tasks": [*tasks.active, *tasks.blocked, *tasks.todo],
            "unread": wake.channels.unread,
            "upcoming": wake.schedule.upcoming,
            "state": wake.state,
            "pinned_memories": wake.memories.pinned,
        }

    def text(self) -> str:
        lines = []
        if self.focused_task is not None:
            lines += ["Focused on:", self.focused_task.text()]
        for status in ("active", "blocked", "todo"):
            tasks = [task for task in self.tasks if task.status == status]
            if tasks:
                lines.append(f"{status.capitalize()} ({len(tasks)}):")
                lines += [task.line() for task in tasks[:SHOWN]]
        if self.unread:
            unread = ", ".join(f"{u.label()} {u.unread_count}" for u in self.unread)
            lines.append(f"Unread: {unread}")
        if self.upcoming:
            lines += ["Coming up (24 h):", *(event.line() for event in self.upcoming)]
        if self.state is not None:
            lines.append(f"Saved state (v{self.state.version}): {json.dumps(self.state.state)}")
        if self.pinned_memories:
            lines += ["Pinned memories:", *(memory.line() for memory in self.pinned_memories)]
        return (
            "\n".join(lines)
            or "Nothing in progress: no focus, tasks, unread, schedule or saved state."
        )


class WakeOutput(ToolOutput):
    wake: WakeView

    def render(self) -> str:
        return self.wake.text()


class StateOutput(ToolOutput):
    state: StateView

    def render(self) -> str:
        return (
            f"State {self.state.namespace!r} v{self.state.version}: {json.dumps(self.state.state)}"
        )


class SavedView(View):
    namespace: str
    version: int
    expires_at: datetime | None


class SavedOutput(ToolOutput):
    saved: SavedView

    def render(self) -> str:
        return f"Saved {self.saved.namespace!r} as version {self.saved.version}."


class MemoryOutput(ToolOutput):
    memory: MemoryView

    def render(self) -> str:
        return f"Remembered {self.memory.line()[2:]}"


class MemoriesOutput(ToolOutput):
    memories: list[MemoryView] = Field(description="Newest first")

    def render(self) -> str:
        if not self.memories:
            return "No memories match."
        return "\n".join([f"{len(self.memories)} memories:", *(m.line() for m in self.memories)])


class FocusOutput(ToolOutput):
    task: TaskView | None = Field(description="The task in focus; null when cleared")

    def render(self) -> str:
        return "Focus cleared." if self.task is None else "Focused on " + self.task.line()[2:]
