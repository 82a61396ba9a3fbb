"""Toolset `schedule`: the workspace's shared calendar. An agent puts its cron jobs there
(`sync_schedule`, matched by external id, or one by one), records each run (`record_run`,
which moves the next occurrence on), and reads the calendar for a window (`calendar`, every
event's occurrences with the exceptions applied). Declared from the platform's `/schedule`
operations (`sesame_mcp.derived`). Event titles and descriptions are quoted: others wrote
them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from mcp.server import MCPServer
from pydantic import Field

from server_core.features.schedule.operations import Schedule
from sesame_mcp.derived import Ref, derive
from sesame_mcp.notifications import SCHEDULE_UPCOMING
from sesame_mcp.registry import ToolOutput, Toolset, View
from sesame_mcp.state import Sesame
from sesame_mcp.toolsets.messaging import refs
from sesame_mcp.toolsets.messaging.views import quote

TOOLSET = Toolset(
    "schedule",
    "The calendar: your cron jobs and events, syncing them, recording runs, a window's view",
    default=False,
    next_steps={
        "not_found": "my_schedule lists your events with their ids",
        "invalid_cron_expression": "use 5 fields: minute hour day month weekday, e.g. 0 9 * * 1-5",
        "invalid_timezone": "use an IANA zone such as Europe/Paris or America/New_York",
        "not_an_occurrence": "calendar shows the event's occurrences (instance_date)",
        "exception_exists": "that occurrence was already moved or skipped",
    },
)


async def _as_given(_: Sesame, ref: str) -> str:
    return ref.strip()


async def _channel_id(state: Sesame, ref: str) -> str:
    return (await refs.resolve_channel(state, ref)).id


EVENT = Ref("event", "The event's id (my_schedule shows them)", _as_given)
NOTIFY = Ref("notify_channel", "Post its wake-up here: " + refs.CHANNEL_REF, _channel_id)
FIELDS = {
    "description": "What it is for",
    "cron_expression": "Recurring: 5-field cron, e.g. 0 9 * * 1-5",
    "timezone": "IANA zone the cron is read in (default UTC)",
    "next_occurrence_at": "One-shot: when (ISO 8601); recurring: computed if omitted",
    "starts_at": "Not active before this",
    "expires_at": "Not active after this",
    "max_occurrences": "Complete after this many runs",
    "metadata": 'Free JSON, e.g. {"source": "cron", "jobId": "abc"}',
    "external_id": "Your job's own id, for sync",
    "notify_minutes_before": "Wake this many minutes early (default 0)",
    "assignee_ids": "Others on it: principal ids",
}


class EventView(View):
    id: str
    title: str
    cron_expression: str | None
    timezone: str
    status: str
    next_occurrence_at: datetime | None
    last_occurrence_at: datetime | None
    occurrence_count: int
    external_id: str | None

    def line(self) -> str:
        when = "once" if self.cron_expression is None else f"`{self.cron_expression}`"
        if self.cron_expression is not None and self.timezone != "UTC":
            when += f" ({self.timezone})"
        after = (
            f", next {self.next_occurrence_at:%Y-%m-%d %H:%M} UTC"
            if self.next_occurrence_at
            else ""
        )
        runs = f"; runs {self.occurrence_count}" if self.occurrence_count else ""
        return f"- {quote(self.title)} [{self.status}] {when}{after}{runs} [{self.id}]"


class EventsOutput(ToolOutput):
    events: list[EventView] = Field(description="Soonest next occurrence first")

    def render(self) -> str:
        if not self.events:
            return "No schedule events match."
        return "\n".join([f"{len(self.events)} events:", *(e.line() for e in self.events)])


class EventOutput(ToolOutput):
    event: EventView

    def render(self) -> str:
        return "Event: " + self.event.line()[2:]


class InstanceView(View):
    event_id: str
    title: str
    starts_at: datetime
    instance_date: datetime
    status: str
    exception_kind: str | None


class CalendarOutput(ToolOutput):
    instances: list[InstanceView] = Field(description="By time")

    def render(self) -> str:
        if not self.instances:
            return "Nothing on the calendar in that window."
        lines = [f"{len(self.instances)} occurrences:"]
        for i in self.instances:
            note = " (moved)" if i.exception_kind == "modified" else ""
            paused = " [paused]" if i.status == "paused" else ""
            lines.append(f"- {i.starts_at:%Y-%m-%d %H:%M} UTC {quote(i.title)}{note}{paused}")
        return "\n".join(lines)


class SyncView(View):
    created: int
    updated: int
    removed: int
    events: list[EventView]


class SyncOutput(ToolOutput):
    sync: SyncView

    def render(self) -> str:
        s = self.sync
        return (
            f"Synced: {s.created} created, {s.updated} updated, {s.removed} cancelled; "
            f"{len(s.events)} events of yours."
        )


class RunView(View):
    scheduled_at: datetime
    status: str


class RecordedView(View):
    occurrence: RunView
    event: EventView


class RecordedOutput(ToolOutput):
    recorded: RecordedView

    def render(self) -> str:
        r = self.recorded
        return f"Recorded a {r.occurrence.status} run. " + r.event.line()[2:]


class ExceptionView(View):
    id: str
    original_date: datetime
    kind: str
    starts_at: datetime | None


class ExceptionOutput(ToolOutput):
    exception: ExceptionView

    def render(self) -> str:
        e = self.exception
        if e.kind == "cancelled":
            return f"The occurrence at {e.original_date:%Y-%m-%d %H:%M} UTC is skipped."
        return f"The occurrence at {e.original_date:%Y-%m-%d %H:%M} UTC is changed [{e.id}]."


derive(
    TOOLSET,
    Schedule.list,
    name="my_schedule",
    title="My schedule",
    description="Your events and cron jobs, soonest next occurrence first.",
    output=EventsOutput,
    descriptions={
        "status": "Only this status",
        "start": "Next occurrence at or after this",
        "end": "Next occurrence at or before this",
        "limit": "At most this many (default 50)",
    },
)
derive(
    TOOLSET,
    Schedule.expanded,
    name="calendar",
    title="Calendar",
    description="Every event's occurrences between two times (at most 366 days), with moved "
    "and skipped ones applied.",
    output=CalendarOutput,
    descriptions={
        "start": "From (ISO 8601)",
        "end": "To (ISO 8601)",
        "principal_ids": "Only events these principals own or are on (comma-separated ids)",
    },
)
derive(
    TOOLSET,
    Schedule.sync,
    name="sync_schedule",
    title="Sync my cron jobs",
    description="Put your whole list of cron jobs on the calendar, matched by external_id: "
    "new ones are created, listed ones updated, unlisted ones cancelled (never those with "
    'metadata.source "manual"). Call it after any change to your jobs.',
    output=SyncOutput,
    descriptions={"events": "Every job: external_id, title, cron_expression, timezone…"},
)
derive(
    TOOLSET,
    Schedule.create,
    name="create_schedule_event",
    title="Create a schedule event",
    description="Put one event on the calendar: recurring with cron_expression, else once at "
    "next_occurrence_at.",
    output=EventOutput,
    refs={"notify_channel_id": NOTIFY},
    descriptions={"title": "What it is", **FIELDS},
)
derive(
    TOOLSET,
    Schedule.update,
    name="update_schedule_event",
    title="Update a schedule event",
    description="Change an event of yours, or pause (status paused) and resume it (active).",
    output=EventOutput,
    refs={"event_id": EVENT, "notify_channel_id": NOTIFY},
    descriptions={
        "title": "What it is",
        "status": "active, paused, completed or cancelled",
        **FIELDS,
    },
)
derive(
    TOOLSET,
    Schedule.delete,
    name="delete_schedule_event",
    title="Delete a schedule event",
    description="Delete an event of yours with its exceptions and run history.",
    output=EventOutput,
    refs={"event_id": EVENT},
)
derive(
    TOOLSET,
    Schedule.record_occurrence,
    name="record_run",
    title="Record a run",
    description="Log that a job ran (completed, skipped or failed): counts it and moves its "
    "next occurrence on.",
    output=RecordedOutput,
    refs={"event_id": EVENT},
    descriptions={
        "scheduled_at": "When it was due (ISO 8601)",
        "status": "completed, skipped or failed",
        "result": "What came of it",
        "metadata": "Free JSON about the run",
        "next_occurrence_at": "The next run, if you know it (else from the cron)",
    },
)
derive(
    TOOLSET,
    Schedule.create_exception,
    name="change_occurrence",
    title="Skip or move one occurrence",
    description="Skip (kind cancelled) or change (kind modified: title, description, "
    "starts_at) one occurrence of an event without touching the others.",
    output=ExceptionOutput,
    refs={"event_id": EVENT},
    descriptions={
        "original_date": "The occurrence, as calendar shows it (instance_date)",
        "kind": "cancelled or modified",
        "title": "Its title instead",
        "description": "Its description instead",
        "starts_at": "Its new time",
        "metadata": "Free JSON",
    },
)


@TOOLSET.extra
def upcoming_resource(server: MCPServer, state: Sesame) -> None:
    @server.resource(
        SCHEDULE_UPCOMING,
        name="schedule_upcoming",
        title="Coming up",
        description="My events' occurrences in the next 24 hours, owned or assigned (JSON); "
        "updated when one of my events changes",
        mime_type="application/json",
    )
    async def upcoming() -> str:
        now = datetime.now(UTC)
        found = await state.client.schedule.expanded(
            start=now, end=now + timedelta(hours=24), principal_ids=state.me.id
        )
        instances = [InstanceView.model_validate(i).model_dump(mode="json") for i in found]
        return json.dumps({"instances": instances})
