"""Wire models of an agent's state, focus, memory and wake (`/agents/:id/...`)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, Field, StringConstraints

from server_core.features.tasks.schemas import Task
from server_core.kernel.wire import (
    RequestModel,
    Timestamp,
    WireModel,
    check_json_object,
    no_nul,
)

Namespace = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$"),
    Field(description="1-64 characters: letters, digits, and _ . : - (not first)"),
]
Category = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$"),
    Field(description="Open set: lessons, preferences, people, projects, context-recovery…"),
]
MemoryKey = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(no_nul),
]

DEFAULT_NAMESPACE = "default"


def _storable(value: dict[str, Any]) -> dict[str, Any]:
    # What both engines store as sent (no NUL, finite numbers); the 32 KB limit is checked by
    # the service, which answers it with its own code.
    return check_json_object(value, max_bytes=1 << 20)


class PutStateRequest(RequestModel):
    namespace: Namespace = DEFAULT_NAMESPACE
    state: Annotated[dict[str, Any], AfterValidator(_storable)] = Field(
        description="Any JSON object, at most 32 KB serialized"
    )
    ttl_seconds: int | None = Field(
        default=None, ge=1, le=10 * 365 * 86400, description="Expire after N seconds; null: never"
    )


class StateQuery(RequestModel):
    namespace: Namespace = DEFAULT_NAMESPACE


class StateSaved(WireModel):
    namespace: str
    version: int
    updated_at: Timestamp
    expires_at: Timestamp | None


class AgentState(WireModel):
    namespace: str
    state: dict[str, Any]
    version: int
    updated_at: Timestamp
    expires_at: Timestamp | None


class FocusRequest(RequestModel):
    task_id: str | None = Field(description="The task's id or T-42; null clears the focus")


class PutMemoryRequest(RequestModel):
    category: Category
    key: MemoryKey
    content: Annotated[str, AfterValidator(no_nul)] = Field(description="At most 4 KB of UTF-8")
    pinned: bool = Field(default=False, description="Pinned entries are included in wake")


class MemoryQuery(RequestModel):
    category: Category | None = None
    q: (
        Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(no_nul)]
        | None
    ) = Field(default=None, description="Substring of the key or content, case-insensitive")
    pinned: bool | None = Field(default=None, description="true: pinned only; false: unpinned")
    limit: int = Field(default=50, ge=1, le=200)


class AgentMemory(WireModel):
    id: str
    agent_id: str
    category: str
    key: str
    content: str
    pinned: bool
    created_at: Timestamp
    updated_at: Timestamp


class CategorySummary(WireModel):
    category: str
    count: int


class WakeAgent(WireModel):
    id: str
    handle: str
    display_name: str
    focused_task_id: str | None


class WakeTasks(WireModel):
    active: list[Task]
    blocked: list[Task]
    todo: list[Task]


class WakeSchedule(WireModel):
    upcoming: list[dict[str, Any]] = Field(description="Active events due in the next 24 hours")


class UnreadChannel(WireModel):
    channel_id: str
    name: str | None
    kind: str
    unread_count: int


class WakeChannels(WireModel):
    unread: list[UnreadChannel]


class WakeMemories(WireModel):
    pinned: list[AgentMemory]


class Wake(WireModel):
    agent: WakeAgent
    focused_task: Task | None
    tasks: WakeTasks
    schedule: WakeSchedule
    channels: WakeChannels
    state: AgentState | None
    memories: WakeMemories
    server_time: Timestamp
