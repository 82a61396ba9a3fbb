"""Toolset `work_streams`: show your work while you do it. Start a stream linked to your task
and channel (`start_work_stream`: a status message goes to the channel), append output every
few seconds (`append_work_stream_output`), and finish it (`finish_work_stream`): with
auto_advance the task moves to done (or blocked on failure), with notify you (or the people
named) get a wake message with the task's full context. Titles and output are quoted: others
may have written them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from mcp.server.mcpserver import Context
from pydantic import Field, StringConstraints

from server_core.features.work_streams.operations import WorkStreams
from server_core.features.work_streams.schemas import (
    MAX_EVENTS,
    MAX_EVENTS_READ,
    MAX_NOTIFIED,
    EventType,
    RunnerType,
    Summary,
    Title,
)
from sesame_mcp.derived import Ref, derive
from sesame_mcp.registry import ToolInput, ToolOutput, Toolset, View
from sesame_mcp.state import Sesame, sesame
from sesame_mcp.toolsets.messaging import refs
from sesame_mcp.toolsets.messaging.views import quote

TOOLSET = Toolset(
    "work_streams",
    "Work streams: show a task's live output in its channel, finish it to advance the task",
    default=False,
    next_steps={
        "not_found": "list_work_streams shows the streams you can see, with their ids",
        "work_stream_finished": "the stream is finished: start_work_stream starts a new one",
    },
)

STREAM_REF = "The work stream's id (list_work_streams shows them)"
Ref_ = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Line = Annotated[str, Field(max_length=16 * 1024)]


async def _as_given(_: Sesame, ref: str) -> str:
    return ref.strip()


async def _channel_id(state: Sesame, ref: str) -> str:
    return (await refs.resolve_channel(state, ref)).id


TASK = Ref("task", "Only streams of this task: T-42 or its id", _as_given, max_length=64)
CHANNEL = Ref("channel", "Only streams shown in this channel: " + refs.CHANNEL_REF, _channel_id)


class StreamView(View):
    id: str
    title: str
    runner_type: str
    status: str
    task_id: str | None
    channel_id: str | None
    result_summary: str | None
    last_seq: int
    created_at: datetime
    finished_at: datetime | None

    def line(self) -> str:
        output = f"; {self.last_seq} events" if self.last_seq else ""
        return f"- {quote(self.title)} [{self.status}] ({self.runner_type}{output}) [{self.id}]"


class EventView(View):
    seq: int
    event_type: str
    content: str


class StreamOutput(ToolOutput):
    work_stream: StreamView

    def render(self) -> str:
        s = self.work_stream
        text = "Work stream " + s.line()[2:]
        if s.result_summary:
            text += f"\nResult: {quote(s.result_summary)}"
        return text


class StreamsOutput(ToolOutput):
    work_streams: list[StreamView] = Field(description="Newest first")

    def render(self) -> str:
        if not self.work_streams:
            return "No work streams match."
        lines = [f"{len(self.work_streams)} work streams:"]
        return "\n".join([*lines, *(s.line() for s in self.work_streams)])


class AppendedOutput(ToolOutput):
    events: list[EventView]

    def render(self) -> str:
        first, last = self.events[0].seq, self.events[-1].seq
        return f"Appended {len(self.events)} events (seq {first} to {last})."


class StreamWithEventsOutput(StreamOutput):
    events: list[EventView] = Field(description="Oldest first")

    def render(self) -> str:
        lines = [super().render()]
        if self.events:
            lines.append(f"Events after seq {self.events[0].seq - 1}:")
            lines += [f"{e.seq} [{e.event_type}] {quote(e.content)}" for e in self.events]
        else:
            lines.append("No events after that seq.")
        return "\n".join(lines)


class StartInput(ToolInput):
    title: Title = Field(description="What you are doing, e.g. Implement auth middleware (T-42)")
    runner_type: RunnerType = Field(
        default="agent", description="What runs the work, e.g. claude-code"
    )
    task: Ref_ | None = Field(default=None, description="Your task: T-42 or its id")
    channel: Ref_ | None = Field(
        default=None, description="Show its status here: " + refs.CHANNEL_REF
    )
    auto_advance: bool = Field(
        default=False, description="On finish: the task to done (completed) or blocked (failed)"
    )
    notify: bool = Field(
        default=False, description="On finish: wake you with the result and the task's context"
    )
    notify_principals: list[Ref_] | None = Field(
        default=None,
        max_length=MAX_NOTIFIED,
        description="On finish: wake these instead (" + refs.PRINCIPAL_REF + ")",
    )


@TOOLSET.tool(title="Start a work stream", read_only=False)
async def start_work_stream(args: StartInput, ctx: Context) -> StreamOutput:
    """Start a work stream for a piece of non-trivial work: linked to your task and shown in
    a channel (a status message is posted there and updated when it finishes). Append output
    as you go; finish it when done."""
    state = sesame(ctx)
    channel_id = None if args.channel is None else await _channel_id(state, args.channel)
    notify: bool | dict[str, list[str]] = args.notify
    if args.notify_principals:
        ids = [(await refs.resolve_principal(state, ref)).id for ref in args.notify_principals]
        notify = {"principal_ids": ids}
    stream = await state.client.work_streams.create(
        args.runner_type,
        args.title,
        task_id=args.task,
        channel_id=channel_id,
        on_complete={"auto_advance": args.auto_advance, "notify": notify},
    )
    return StreamOutput(work_stream=StreamView.model_validate(stream))


class AppendInput(ToolInput):
    work_stream: Ref_ = Field(description=STREAM_REF)
    output: list[Line] = Field(
        min_length=1, max_length=MAX_EVENTS, description="The new output, one entry per event"
    )
    event_type: EventType = Field(
        default="output", description="output, progress, error or log (all entries)"
    )


@TOOLSET.tool(title="Append work stream output", read_only=False)
async def append_work_stream_output(args: AppendInput, ctx: Context) -> AppendedOutput:
    """Add output to your running work stream (every few seconds while working): each entry
    becomes an event, numbered in order, that the channel's members can follow."""
    state = sesame(ctx)
    events = [{"event_type": args.event_type, "content": line} for line in args.output]
    appended = await state.client.work_streams.append(args.work_stream, events)
    return AppendedOutput(events=[EventView.model_validate(e) for e in appended])


class FinishInput(ToolInput):
    work_stream: Ref_ = Field(description=STREAM_REF)
    status: Literal["completed", "failed", "cancelled"] = Field(
        default="completed", description="completed, failed, or cancelled (no onComplete)"
    )
    result_summary: Summary | None = Field(
        default=None, description="What came of it, e.g. Done. All tests passing."
    )


@TOOLSET.tool(title="Finish a work stream", read_only=False, destructive=True)
async def finish_work_stream(args: FinishInput, ctx: Context) -> StreamOutput:
    """Finish a work stream, once: its onComplete runs (task advanced, people woken) and its
    channel status message is updated."""
    state = sesame(ctx)
    stream = await state.client.work_streams.update(
        args.work_stream, status=args.status, result_summary=args.result_summary
    )
    return StreamOutput(work_stream=StreamView.model_validate(stream))


class ReadInput(ToolInput):
    work_stream: Ref_ = Field(description=STREAM_REF)
    after: int = Field(default=0, ge=0, description="Only events after this seq (0: from start)")
    limit: int = Field(default=100, ge=1, le=MAX_EVENTS_READ, description="At most this many")


@TOOLSET.tool(title="Read a work stream", read_only=True)
async def read_work_stream(args: ReadInput, ctx: Context) -> StreamWithEventsOutput:
    """A work stream with its output events after a seq (oldest first; only the newest few
    thousand are kept)."""
    state = sesame(ctx)
    stream = await state.client.work_streams.get(args.work_stream)
    events = await state.client.work_streams.events(
        args.work_stream, after=args.after, limit=args.limit
    )
    return StreamWithEventsOutput(
        work_stream=StreamView.model_validate(stream),
        events=[EventView.model_validate(e) for e in events],
    )


derive(
    TOOLSET,
    WorkStreams.list,
    name="list_work_streams",
    title="List work streams",
    description="The work streams you can see, newest first: what is running and how "
    "finished ones ended.",
    output=StreamsOutput,
    refs={"task_id": TASK, "channel_id": CHANNEL},
    descriptions={
        "status": "Only this status: running, completed, failed or cancelled",
        "limit": "At most this many (default 50)",
    },
)
