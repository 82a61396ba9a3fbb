"""Wire models of `/schedule`: events (one-shot or recurring on a 5-field cron in an IANA
zone), their instances in a window, per-occurrence exceptions, the run log and bulk sync."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StringConstraints

from server_core.kernel.principal_schemas import PrincipalKind
from server_core.kernel.wire import RequestModel, Timestamp, WireModel, check_json_object, no_nul

EventStatus = Literal["active", "paused", "completed", "cancelled"]
ExceptionKind = Literal["modified", "cancelled"]
OccurrenceStatus = Literal["completed", "skipped", "failed"]
MAX_METADATA = 16 * 1024  # bytes of an event's, exception's or occurrence's metadata
MAX_ASSIGNEES = 50
MAX_SYNC_EVENTS = 1_000
DEFAULT_LIMIT, MAX_LIMIT = 50, 200


def _metadata(value: dict[str, Any]) -> dict[str, Any]:
    return check_json_object(value, MAX_METADATA)


Title = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
    AfterValidator(no_nul),
]
Text = Annotated[str, StringConstraints(max_length=10_000), AfterValidator(no_nul)]
Id = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
    AfterValidator(no_nul),
]
CronExpression = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=128),
    AfterValidator(no_nul),
]
Zone = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
    AfterValidator(no_nul),
]
ExternalId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=255),
    AfterValidator(no_nul),
]
Metadata = Annotated[dict[str, Any], AfterValidator(_metadata)]
Csv = Annotated[str, StringConstraints(max_length=5000), AfterValidator(no_nul)]


class ScheduleEvent(WireModel):
    id: str
    workspace_id: str
    principal_id: str = Field(description="The owner: who created it")
    title: str
    description: str | None
    cron_expression: str | None = Field(description="5-field cron; null: a one-shot event")
    timezone: str = Field(description="IANA zone the cron expression is read in")
    status: EventStatus
    max_occurrences: int | None
    occurrence_count: int
    next_occurrence_at: Timestamp | None
    last_occurrence_at: Timestamp | None
    starts_at: Timestamp | None = Field(description="Not active before this")
    expires_at: Timestamp | None = Field(description="Not active after this")
    metadata: dict[str, Any]
    external_id: str | None
    notify_channel_id: str | None
    notify_minutes_before: int
    assignee_ids: list[str]
    created_at: Timestamp
    updated_at: Timestamp


class EventOwner(WireModel):
    id: str
    handle: str
    display_name: str
    kind: PrincipalKind


class ScheduleEventWithOwner(ScheduleEvent):
    owner: EventOwner


class EventFields(RequestModel):
    """What create, update and sync share."""

    description: Text | None = None
    cron_expression: CronExpression | None = Field(
        default=None, description="5-field cron (minute hour day month weekday)"
    )
    timezone: Zone | None = Field(default=None, description="IANA zone; default UTC")
    next_occurrence_at: datetime | None = Field(
        default=None, description="One-shot: when; recurring: computed from the cron if omitted"
    )
    starts_at: datetime | None = None
    expires_at: datetime | None = None
    max_occurrences: int | None = Field(default=None, ge=1, le=1_000_000)
    metadata: Metadata | None = None
    external_id: ExternalId | None = None
    notify_channel_id: Id | None = None
    notify_minutes_before: int | None = Field(default=None, ge=0, le=10_080)
    assignee_ids: list[Id] | None = Field(default=None, max_length=MAX_ASSIGNEES)


class CreateEventRequest(EventFields):
    title: Title


class UpdateEventRequest(EventFields):
    title: Title | None = None
    status: EventStatus | None = None


class SyncedEvent(EventFields):
    external_id: ExternalId
    title: Title


class SyncRequest(RequestModel):
    events: list[SyncedEvent] = Field(max_length=MAX_SYNC_EVENTS)


class SyncResult(WireModel):
    created: int
    updated: int
    removed: int = Field(description="Events of yours no longer listed, now cancelled")
    events: list[ScheduleEvent] = Field(description="All your events")


class EventsQuery(RequestModel):
    status: EventStatus | None = None
    start: datetime | None = Field(
        default=None, alias="from", description="Next occurrence at or after this"
    )
    end: datetime | None = Field(
        default=None, alias="to", description="Next occurrence at or before this"
    )
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class ExpandedQuery(RequestModel):
    start: datetime = Field(alias="from", description="Start of the window (inclusive)")
    end: datetime = Field(alias="to", description="End of the window (inclusive)")
    principal_ids: Csv | None = Field(
        default=None, description="Comma-separated: events these principals own or are on"
    )


class ScheduleInstance(WireModel):
    event_id: str
    instance_date: Timestamp = Field(description="The occurrence as the cron names it")
    title: str
    description: str | None
    starts_at: Timestamp = Field(description="When it happens (a modified one's new time)")
    status: EventStatus
    is_exception: bool
    exception_id: str | None
    exception_kind: ExceptionKind | None
    event: ScheduleEventWithOwner


class ScheduleException(WireModel):
    id: str
    event_id: str
    original_date: Timestamp
    kind: ExceptionKind
    title: str | None
    description: str | None
    starts_at: Timestamp | None
    metadata: dict[str, Any]
    created_at: Timestamp
    updated_at: Timestamp


class CreateExceptionRequest(RequestModel):
    original_date: datetime = Field(description="The occurrence it overrides")
    kind: ExceptionKind
    title: Title | None = None
    description: Text | None = None
    starts_at: datetime | None = Field(default=None, description="Modified: its new time")
    metadata: Metadata | None = None


class UpdateExceptionRequest(RequestModel):
    kind: ExceptionKind | None = None
    title: Title | None = None
    description: Text | None = None
    starts_at: datetime | None = None
    metadata: Metadata | None = None


class ScheduleOccurrence(WireModel):
    id: str
    event_id: str
    scheduled_at: Timestamp
    occurred_at: Timestamp = Field(description="When it was recorded as run")
    status: OccurrenceStatus
    result: str | None
    metadata: dict[str, Any]
    created_at: Timestamp


class RecordOccurrenceRequest(RequestModel):
    scheduled_at: datetime = Field(description="When it was due")
    status: OccurrenceStatus = "completed"
    result: Text | None = None
    metadata: Metadata | None = None
    next_occurrence_at: datetime | None = Field(
        default=None, description="The next run; computed from the cron if omitted"
    )


class OccurrenceRecorded(WireModel):
    occurrence: ScheduleOccurrence
    event: ScheduleEvent


class OccurrencesQuery(RequestModel):
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
