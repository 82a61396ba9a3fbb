"""Toolset `continuity`: what lets an agent pick up where it was after a restart or a context
compaction — `wake` (focus, tasks, unread channels, saved state and pinned memories in one
call), state saved between sessions, long-term memory, and the task in focus; the resource
`sesame://wake` and the prompt `resume_work`. Declared from the platform's `/agents/{id}/…`
operations for the agent this server acts as."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from mcp.server import MCPServer
from mcp.server.mcpserver.prompts.base import UserMessage
from pydantic import Field

from server_core.features.agents.operations import Agents
from sesame_mcp.derived import derive
from sesame_mcp.notifications import WAKE
from sesame_mcp.prompts import prompt
from sesame_mcp.registry import ToolOutput, Toolset, View
from sesame_mcp.state import Sesame
from sesame_mcp.toolsets.messaging.views import quote
from sesame_mcp.toolsets.tasks.resources import TASK_NOTE
from sesame_mcp.toolsets.tasks.views import ActivityView, TaskView

TOOLSET = Toolset(
    "continuity",
    "Pick up where you were: wake, saved state, memory, focus",
    default=False,
    next_steps={
        "not_found": "nothing by that name: save_state keeps state, recall lists memory ids, "
        "my_tasks lists your tasks",
        "task_not_assigned": "focus takes a task assigned to you: my_tasks lists them",
        "memory_full": "forget entries you no longer need (recall lists them)",
    },
)
SHOWN = 5  # tasks of each status in wake's text (the structured content has them all)


class UnreadView(View):
    channel_id: str
    name: str | None
    kind: str
    unread_count: int


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


class WakeTasksView(View):
    active: list[TaskView]
    blocked: list[TaskView]
    todo: list[TaskView]


class UnreadChannelsView(View):
    unread: list[UnreadView] = Field(description="Channels with unread messages")


class PinnedView(View):
    pinned: list[MemoryView]


class WakeView(View):
    focused_task: TaskView | None
    tasks: WakeTasksView
    channels: UnreadChannelsView
    state: StateView | None = Field(description="The default namespace")
    memories: PinnedView

    def text(self) -> str:
        lines = []
        if self.focused_task is not None:
            lines += ["Focused on:", self.focused_task.text()]
        for status in ("active", "blocked", "todo"):
            tasks: list[TaskView] = getattr(self.tasks, status)
            if tasks:
                lines.append(f"{status.capitalize()} ({len(tasks)}):")
                lines += [task.line() for task in tasks[:SHOWN]]
        unread = self.channels.unread
        if unread:
            lines.append("Unread: " + ", ".join(f"{u.name} {u.unread_count}" for u in unread))
        if self.state is not None:
            lines.append(f"Saved state (v{self.state.version}): {json.dumps(self.state.state)}")
        if self.memories.pinned:
            lines += ["Pinned memories:", *(memory.line() for memory in self.memories.pinned)]
        return "\n".join(lines) or "Nothing in progress: no focus, tasks, unread or saved state."


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


derive(
    TOOLSET,
    Agents.wake,
    name="wake",
    title="Wake up",
    description="Where you were: the task in focus, your tasks by status, unread channels, "
    "saved state and pinned memories. Call it first in a new session.",
    output=WakeOutput,
    own=["agent_id"],
)
derive(
    TOOLSET,
    Agents.put_state,
    name="save_state",
    title="Save state",
    description="Save what you will need next session (a JSON object, up to 32 KB) in a "
    "namespace; wake shows the default one.",
    output=SavedOutput,
    own=["agent_id"],
    descriptions={
        "namespace": "Where (default: default)",
        "state": "The JSON object to keep",
        "ttl_seconds": "Forget it after this many seconds (default: never)",
    },
)
derive(
    TOOLSET,
    Agents.get_state,
    name="load_state",
    title="Load state",
    description="The state saved in a namespace.",
    output=StateOutput,
    own=["agent_id"],
    descriptions={"namespace": "Where (default: default)"},
)
derive(
    TOOLSET,
    Agents.put_memory,
    name="remember",
    title="Remember",
    description="Keep a lesson, preference or fact across sessions (replaces the entry of the "
    "same category and key). Pinned entries come with wake.",
    output=MemoryOutput,
    own=["agent_id"],
    descriptions={
        "category": "e.g. lessons, preferences, people, projects",
        "key": "Its name within the category",
        "content": "What to remember (up to 4 KB)",
        "pinned": "Include it in wake",
    },
    destructive=True,  # an entry of the same category and key is replaced
)
derive(
    TOOLSET,
    Agents.memories,
    name="recall",
    title="Recall",
    description="Your memories, newest first: by category, pinned, or words in them.",
    output=MemoriesOutput,
    own=["agent_id"],
    descriptions={
        "category": "Only this category",
        "q": "Words in the key or content",
        "pinned": "true: pinned only; false: unpinned only",
        "limit": "At most this many (default 50)",
    },
)
derive(
    TOOLSET,
    Agents.delete_memory,
    name="forget",
    title="Forget",
    description="Delete a memory entry (recall shows ids).",
    output=MemoryOutput,
    own=["agent_id"],
    descriptions={"memory_id": "The entry's id"},
)
derive(
    TOOLSET,
    Agents.set_focus,
    name="focus",
    title="Focus on a task",
    description="Set the task you work on (T-42; null clears): wake shows it first, and when "
    "it is done your next task takes its place.",
    output=FocusOutput,
    own=["agent_id"],
    descriptions={"task_id": "The task: T-42 or its id; null clears the focus"},
)


RECENT_ACTIVITY = 10  # entries of the focused task's activity the resume prompt quotes
RESUME_GUIDE = (
    "Resume from here: continue the focused task (or pick one with focus), report with "
    "report_progress, and save_state before you stop."
)


@TOOLSET.extra
def wake_resource_and_prompt(server: MCPServer, state: Sesame) -> None:
    @server.resource(
        WAKE,
        name="wake",
        title="Where I was",
        description="What wake answers: focus, tasks by status, unread channels, saved state, "
        "pinned memories (JSON)",
        mime_type="application/json",
    )
    async def wake() -> str:
        found = await state.client.agents.wake(state.me.id)
        return json.dumps(WakeView.model_validate(found).model_dump(mode="json"))

    @prompt(server, title="Resume work")
    async def resume_work() -> list[UserMessage]:
        """Start a new session where the last one stopped: wake, the focused task and its
        latest activity."""
        found = await state.client.agents.wake(state.me.id)
        lines = [TASK_NOTE, "", WakeView.model_validate(found).text()]
        if found.focused_task is not None:
            activity = await state.client.tasks.activity(
                found.focused_task.id, limit=RECENT_ACTIVITY
            )
            entries = [ActivityView.model_validate(entry) for entry in activity.items]
            if entries:
                lines += ["", "Its activity, newest first:", *(e.line() for e in entries)]
        return [UserMessage("\n".join([*lines, "", RESUME_GUIDE]))]
