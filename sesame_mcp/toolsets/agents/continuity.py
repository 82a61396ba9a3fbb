"""Toolset `continuity`, on by default: the three tools every session needs to pick up where
the last one stopped, after a restart or a context compaction — `wake` (focus, tasks, unread
channels, saved state and pinned memories in one call), `save_state` and `remember`; the
resource `sesame://wake` and the prompt `resume_work`. The rest (loading a namespace, recall,
forget, focus) is toolset `memory` (`memory.py`). Declared from the platform's
`/agents/{id}/…` operations for the agent this server acts as."""

from __future__ import annotations

import json

from mcp.server import MCPServer
from mcp.server.mcpserver.prompts.base import UserMessage

from server_core.features.agents.operations import Agents
from sesame_mcp.derived import derive
from sesame_mcp.notifications import WAKE
from sesame_mcp.prompts import prompt
from sesame_mcp.registry import Toolset
from sesame_mcp.state import Sesame
from sesame_mcp.toolsets.agents.views import MemoryOutput, SavedOutput, WakeOutput, WakeView
from sesame_mcp.toolsets.tasks.resources import TASK_NOTE
from sesame_mcp.toolsets.tasks.views import ActivityView

TOOLSET = Toolset(
    "continuity",
    "Pick up where you were: wake, save state, remember",
    default=True,
    next_steps={
        "memory_full": "forget entries you no longer need (toolset memory: recall lists them)",
    },
)


derive(
    TOOLSET,
    Agents.wake,
    name="wake",
    title="Wake up",
    description="Where you were: focused task, tasks by status, unread channels, events due "
    "within 24 h, saved state, pinned memories. Call it first in a new session.",
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
