"""Wire models of `/sessions`: a session (one run of an agent: an IDE conversation, a headless
chat, a sub-agent, an MCP connection), its lineage and liveness, and its file reservations."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StringConstraints

from server_core.features.messaging.schemas import Message
from server_core.kernel.wire import RequestModel, Timestamp, WireModel, no_nul

SessionKind = Literal["chat", "ide", "mcp", "subagent", "imported"]
SessionStatus = Literal["discovered", "active", "idle", "closed", "archived"]
StatusFilter = Literal["discovered", "active", "idle", "closed", "archived", "live", "all"]
EndReason = Literal["ended", "expired", "deleted"]
BranchKind = Literal["fork", "subagent", "compress", "branch", "rewrite", "coordinator", "aside"]
SendMode = Literal["sync", "async"]
DEFAULT_LIMIT, MAX_LIMIT = 50, 200
MAX_ATTRIBUTES_BYTES = 16 * 1024
MAX_SYNC_TIMEOUT = 120.0
DEFAULT_SYNC_TIMEOUT = 30.0


ExternalId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=128),
    AfterValidator(no_nul),
]
PrincipalRef = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
    AfterValidator(no_nul),
]
Short = Annotated[str, StringConstraints(max_length=128), AfterValidator(no_nul)]
Name = Annotated[str, StringConstraints(max_length=255), AfterValidator(no_nul)]
LongName = Annotated[str, StringConstraints(max_length=1000), AfterValidator(no_nul)]
Title = Annotated[str, StringConstraints(max_length=500), AfterValidator(no_nul)]
Task = Annotated[str, StringConstraints(max_length=2000), AfterValidator(no_nul)]
Summary = Annotated[str, StringConstraints(max_length=20_000), AfterValidator(no_nul)]


class SessionPreview(WireModel):
    message_count: int = Field(description="Messages in its history, cleared ones excluded")
    first_user_message: str | None


class Session(WireModel):
    id: str
    external_id: str | None = Field(description="The client's own id, unique in the workspace")
    workspace_id: str
    agent_id: str | None = Field(description="The agent the session runs (its lead)")
    user_id: str | None = Field(description="The person (or principal) it serves")
    created_by: str
    channel_id: str = Field(description="Its history: a channel of kind `session`")
    kind: SessionKind
    status: SessionStatus
    end_reason: EndReason | None
    title: str | None
    pinned_at: Timestamp | None
    attributes: dict[str, Any]
    summary: str | None
    summary_updated_at: Timestamp | None
    current_task: str | None
    current_file: str | None
    branch: str | None
    cwd: str | None
    task_id: str | None
    adapter_id: str | None
    adapter_name: str | None
    adapter_session_id: str | None
    client_id: str | None
    model: str | None
    parent_session_id: str | None
    root_session_id: str | None
    fork_point_message_id: str | None
    branch_kind: BranchKind | None
    spawning_tool_call_id: str | None
    is_imported: bool
    is_orchestrated: bool
    execution_target_id: str | None
    cleared_through_seq: int = Field(description="History up to this seq is cleared")
    last_activity_at: Timestamp
    last_heartbeat_at: Timestamp | None
    created_at: Timestamp
    updated_at: Timestamp
    ended_at: Timestamp | None
    reserved_files: list[str] = Field(description="Paths it holds reserved now")
    preview: SessionPreview | None = None


class SessionFields(RequestModel):
    """What a client may set on a session (create, full set, partial update)."""

    title: Title | None = None
    pinned_at: datetime | None = None
    attributes: dict[str, Any] | None = None
    summary: Summary | None = None
    current_task: Task | None = None
    current_file: LongName | None = None
    branch: Name | None = None
    cwd: LongName | None = None
    task_id: PrincipalRef | None = None
    adapter_id: Short | None = None
    adapter_name: Short | None = None
    adapter_session_id: Name | None = None
    client_id: Short | None = None
    model: Short | None = None
    parent_session_id: ExternalId | None = None
    fork_point_message_id: Short | None = None
    branch_kind: BranchKind | None = None
    spawning_tool_call_id: Name | None = None
    is_imported: bool | None = None
    is_orchestrated: bool | None = None
    execution_target_id: Short | None = None


class CreateSessionRequest(SessionFields):
    external_id: ExternalId | None = Field(
        default=None, description="Your own id for it; an existing one resumes that session"
    )
    agent_id: PrincipalRef | None = Field(
        default=None, description="The agent it runs (default: you, when you are an agent)"
    )
    user_id: PrincipalRef | None = Field(default=None, description="The person it serves")
    kind: SessionKind = "chat"
    status: Literal["discovered", "active"] = "active"


class SetSessionRequest(CreateSessionRequest):
    if_absent: bool = Field(
        default=False, description="Only create it: 409 session_exists when it exists"
    )


class UpdateSessionRequest(SessionFields):
    status: SessionStatus | None = None


class AttributesPatch(RequestModel):
    patch: dict[str, Any] | None = Field(
        default=None, description="A JSON merge patch: null removes a key"
    )
    attributes: dict[str, Any] | None = Field(default=None, description="Alias of patch")


class SessionsQuery(RequestModel):
    status: StatusFilter = Field(
        default="live", description="live (default: discovered, active or idle), a status, or all"
    )
    agent_id: PrincipalRef | None = None
    user_id: PrincipalRef | None = None
    kind: SessionKind | None = None
    pinned: bool | None = None
    external_id: ExternalId | None = None
    adapter_session_id: Name | None = None
    parent_session_id: ExternalId | None = None
    execution_target_id: Short | None = None
    is_imported: bool | None = None
    include_preview: bool = False
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(default=0, ge=0, le=1_000_000)


class SearchQuery(RequestModel):
    q: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
        AfterValidator(no_nul),
    ]
    status: StatusFilter = "all"
    is_imported: bool | None = None
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class StatusCounts(WireModel):
    discovered: int
    active: int
    idle: int
    closed: int
    archived: int
    all: int


class SessionChild(WireModel):
    session_id: str
    external_id: str | None
    title: str | None
    fork_point_message_id: str | None
    branch_kind: BranchKind | None
    message_count: int
    has_children: bool
    spawning_tool_call_id: str | None


class MessagesQuery(RequestModel):
    after: Annotated[str, StringConstraints(max_length=64)] | None = Field(
        default=None, description="A seq or a message id: messages after it"
    )
    before: int | None = Field(default=None, ge=1, description="Messages before this seq")
    since: Annotated[str, StringConstraints(max_length=40)] | None = Field(
        default=None, description="Created after this instant (ISO 8601 or epoch milliseconds)"
    )
    until: Annotated[str, StringConstraints(max_length=40)] | None = Field(
        default=None, description="Created before this instant (ISO 8601 or epoch milliseconds)"
    )
    order: Literal["asc", "desc"] = Field(
        default="asc", description="asc: oldest first from the start or cursor; desc: newest first"
    )
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class ReplyWebhook(RequestModel):
    url: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    secret: Annotated[str, StringConstraints(max_length=255)] | None = None


class SessionMessageRequest(RequestModel):
    content: Annotated[str, StringConstraints(min_length=1, max_length=100_000)]
    metadata: dict[str, Any] | None = None
    attachment_ids: list[PrincipalRef] = Field(default_factory=list, max_length=20)
    mode: SendMode = Field(
        default="async", description="sync: wait for the agent's reply; async: answer at once"
    )
    timeout: float | None = Field(
        default=None, gt=0, le=MAX_SYNC_TIMEOUT, description="Seconds a sync send waits"
    )
    webhook: ReplyWebhook | None = Field(
        default=None, description="async: the agent's reply is POSTed here, signed"
    )


class SessionMessageResult(WireModel):
    message: Message = Field(description="The message sent")
    reply: Message | None = Field(description="sync: the agent's reply")
    timed_out: bool = Field(description="sync: no reply came within the timeout")


class EndSessionRequest(RequestModel):
    reason: Literal["ended", "expired"] = "ended"


class Reservation(WireModel):
    id: str
    session_id: str
    principal_id: str
    path: str
    exclusive: bool
    reason: str | None
    created_at: Timestamp
    last_touched_at: Timestamp
    expires_at: Timestamp
    released_at: Timestamp | None


class ReservationHolder(WireModel):
    session_id: str
    principal_id: str
    name: str = Field(description="Who holds it: the user's or agent's display name")
    task: str | None
    expires_at: Timestamp
    minutes_left: int


class ReservationConflict(WireModel):
    path: str
    holder: ReservationHolder


class ReserveRequest(RequestModel):
    paths: list[LongName] = Field(min_length=1, max_length=100)
    reason: Task | None = None
    ttl_seconds: int = Field(default=600, ge=30, le=24 * 3600)
    exclusive: bool = True


class ReserveResult(WireModel):
    granted: list[Reservation]
    conflicts: list[ReservationConflict]


class ReleaseQuery(RequestModel):
    path: list[LongName] = Field(default_factory=list, max_length=100)


class Released(WireModel):
    released: int


class CheckRequest(RequestModel):
    paths: list[LongName] = Field(min_length=1, max_length=100)
    session_id: ExternalId | None = Field(
        default=None, description="The session about to write (its own reservations allow it)"
    )


class CheckResult(WireModel):
    path: str
    allowed: bool
    holder: ReservationHolder | None
    message: str | None


class Deleted(WireModel):
    deleted: bool
