"""Toolset `memory`: beyond what `wake` hands back — a saved state namespace, recalling and
forgetting memories, and setting the task in focus. Declared from the platform's
`/agents/{id}/…` operations for the agent this server acts as."""

from __future__ import annotations

from server_core.features.agents.operations import Agents
from sesame_mcp.derived import derive
from sesame_mcp.registry import Toolset
from sesame_mcp.toolsets.agents.views import (
    FocusOutput,
    MemoriesOutput,
    MemoryOutput,
    StateOutput,
)

TOOLSET = Toolset(
    "memory",
    "Beyond wake: load saved state, recall and forget memories, focus on a task",
    default=False,
    next_steps={
        "not_found": "nothing by that name: save_state keeps state, recall lists memory ids, "
        "wake lists your tasks",
        "task_not_assigned": "focus takes a task assigned to you: wake lists them",
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
