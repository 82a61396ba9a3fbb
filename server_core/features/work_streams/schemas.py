"""Wire models of `/work-streams`: a stream (who runs what, linked to a task and a channel,
its status and what happens when it finishes) and its numbered output events."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints

from server_core.kernel.wire import RequestModel, Timestamp, WireModel, no_nul

StreamStatus = Literal["running", "completed", "failed", "cancelled"]
FinishStatus = Literal["completed", "failed", "cancelled"]
EventType = Literal["output", "progress", "error", "log"]
MAX_EVENTS = 100  # per append
MAX_CONTENT_BYTES = 16 * 1024  # of one event's content, UTF-8
MAX_NOTIFIED = 50
DEFAULT_LIMIT, MAX_LIMIT = 50, 200
DEFAULT_EVENTS, MAX_EVENTS_READ = 100, 1_000


def _content(value: str) -> str:
    if len(value.encode()) > MAX_CONTENT_BYTES:
        raise ValueError(f"must be at most {MAX_CONTENT_BYTES} bytes (UTF-8)")
    return no_nul(value)


Title = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
    AfterValidator(no_nul),
]
RunnerType = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
    AfterValidator(no_nul),
]
Id = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
    AfterValidator(no_nul),
]
Summary = Annotated[str, StringConstraints(max_length=10_000), AfterValidator(no_nul)]
Content = Annotated[str, AfterValidator(_content)]


class NotifyTargets(RequestModel):
    principal_ids: list[Id] = Field(
        min_length=1, max_length=MAX_NOTIFIED, description="Who is woken: principal ids"
    )


class OnComplete(RequestModel):
    """What finishing the stream does (once)."""

    auto_advance: bool = Field(
        default=False,
        description="Completed: the linked task moves to done; failed: to blocked",
    )
    notify: bool | NotifyTargets = Field(
        default=False,
        description="true: wake the stream's owner; {principalIds}: wake them. On completed "
        "or failed, with the task's full context",
    )


class WorkStream(WireModel):
    id: str
    workspace_id: str
    principal_id: str = Field(description="The owner: who started it")
    runner_type: str = Field(description="What runs the work, e.g. claude-code")
    title: str
    task_id: str | None
    channel_id: str | None
    message_id: str | None = Field(description="The status message in the channel")
    status: StreamStatus
    result_summary: str | None
    on_complete: OnComplete
    last_seq: int = Field(description="Seq of the newest event (0: none yet)")
    created_at: Timestamp
    updated_at: Timestamp
    finished_at: Timestamp | None


class WorkStreamEvent(WireModel):
    seq: int = Field(description="1, 2, 3… per stream, without gaps")
    event_type: EventType
    content: str
    created_at: Timestamp


class CreateWorkStreamRequest(RequestModel):
    runner_type: RunnerType
    title: Title
    task_id: Id | None = Field(default=None, description="The task it works on (id or T-42)")
    channel_id: Id | None = Field(default=None, description="Where its status is shown")
    on_complete: OnComplete | None = None


class NewEvent(RequestModel):
    event_type: EventType = "output"
    content: Content


class AppendEventsRequest(RequestModel):
    events: list[NewEvent] = Field(min_length=1, max_length=MAX_EVENTS)


class UpdateWorkStreamRequest(RequestModel):
    status: FinishStatus | None = None
    result_summary: Summary | None = None
    title: Title | None = None


class WorkStreamsQuery(RequestModel):
    status: StreamStatus | None = None
    task_id: Id | None = None
    channel_id: Id | None = None
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class EventsQuery(RequestModel):
    after: int = Field(default=0, ge=0, description="Only events with a greater seq")
    limit: int = Field(default=DEFAULT_EVENTS, ge=1, le=MAX_EVENTS_READ)
