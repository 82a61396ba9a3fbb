"""`/schedule`: events on the workspace's shared calendar — agents' cron jobs (synced by
external id) and events people make — their instances in a window, per-occurrence exceptions
and the run log. Anyone in the workspace reads the calendar; an event is changed by its owner
or a workspace admin."""

from __future__ import annotations

from server_core.features.messaging.errors import NotChannelMember
from server_core.features.schedule.errors import (
    ExceptionExists,
    ExternalIdTaken,
    InvalidCronExpression,
    InvalidWindow,
    NotAnOccurrence,
)
from server_core.features.schedule.schemas import (
    CreateEventRequest,
    CreateExceptionRequest,
    EventsQuery,
    ExpandedQuery,
    OccurrenceRecorded,
    OccurrencesQuery,
    RecordOccurrenceRequest,
    ScheduleEvent,
    ScheduleEventWithOwner,
    ScheduleException,
    ScheduleInstance,
    ScheduleOccurrence,
    SyncRequest,
    SyncResult,
    UpdateEventRequest,
    UpdateExceptionRequest,
)
from server_core.kernel.errors import Forbidden, InvalidTimezone, NotFound
from server_core.kernel.operations import Operation, Operations, PathParam

EVENT = PathParam("eventId", "event_id", "Schedule event id")
EXCEPTION = PathParam("id", "exception_id", "Exception id")
CHANNEL = PathParam("channelId", "channel_id", "Channel id")
Events = list[ScheduleEvent]  # named once: inside the class, `list` is an operation
OwnedEvents = list[ScheduleEventWithOwner]
Instances = list[ScheduleInstance]
Exceptions = list[ScheduleException]
Occurrences = list[ScheduleOccurrence]
EVENT_ERRORS = [
    Forbidden,
    NotFound,
    NotChannelMember,
    InvalidCronExpression,
    InvalidTimezone,
    ExternalIdTaken,
]


class Schedule(Operations):
    """The workspace's calendar of events."""

    area = "schedule"

    list = Operation(
        "GET",
        "/schedule",
        query=EventsQuery,
        response=Events,
        summary="List your own events (soonest next occurrence first)",
    )
    workspace = Operation(
        "GET",
        "/schedule/workspace",
        query=EventsQuery,
        response=OwnedEvents,
        summary="List every event of the workspace, with its owner (the calendar)",
    )
    expanded = Operation(
        "GET",
        "/schedule/expanded",
        query=ExpandedQuery,
        response=Instances,
        errors=[InvalidWindow],
        summary="Expand the events into their instances within a window (at most 366 each)",
    )
    channel = Operation(
        "GET",
        "/schedule/channel/{channelId}",
        params=[CHANNEL],
        query=EventsQuery,
        response=OwnedEvents,
        errors=[NotChannelMember, NotFound],
        summary="List the events of a channel's members (owned or assigned)",
    )
    sync = Operation(
        "PUT",
        "/schedule/sync",
        body=SyncRequest,
        response=SyncResult,
        idempotent=True,
        errors=EVENT_ERRORS,
        summary="Sync your cron jobs by external id: create, update, cancel the unlisted",
    )
    create = Operation(
        "POST",
        "/schedule",
        body=CreateEventRequest,
        response=ScheduleEvent,
        status=201,
        errors=EVENT_ERRORS,
        summary="Create an event: recurring with a cron expression, else one-shot",
    )
    update = Operation(
        "PATCH",
        "/schedule/{eventId}",
        params=[EVENT],
        body=UpdateEventRequest,
        response=ScheduleEvent,
        idempotent=True,
        errors=EVENT_ERRORS,
        summary="Change an event, pause or resume it (its owner or an admin)",
    )
    delete = Operation(
        "DELETE",
        "/schedule/{eventId}",
        params=[EVENT],
        response=ScheduleEvent,
        errors=[Forbidden, NotFound],
        summary="Delete an event with its exceptions and run log (its owner or an admin)",
    )
    exceptions = Operation(
        "GET",
        "/schedule/{eventId}/exceptions",
        params=[EVENT],
        response=Exceptions,
        errors=[NotFound],
        summary="List an event's exceptions, by original date",
    )
    create_exception = Operation(
        "POST",
        "/schedule/{eventId}/exceptions",
        params=[EVENT],
        body=CreateExceptionRequest,
        response=ScheduleException,
        status=201,
        errors=[Forbidden, NotFound, NotAnOccurrence, ExceptionExists],
        summary="Modify or cancel one occurrence of an event",
    )
    update_exception = Operation(
        "PATCH",
        "/schedule/{eventId}/exceptions/{id}",
        params=[EVENT, EXCEPTION],
        body=UpdateExceptionRequest,
        response=ScheduleException,
        idempotent=True,
        errors=[Forbidden, NotFound],
        summary="Change an exception",
    )
    delete_exception = Operation(
        "DELETE",
        "/schedule/{eventId}/exceptions/{id}",
        params=[EVENT, EXCEPTION],
        response=ScheduleException,
        errors=[Forbidden, NotFound],
        summary="Delete an exception: the occurrence is as the event says again",
    )
    occurrences = Operation(
        "GET",
        "/schedule/{eventId}/occurrences",
        params=[EVENT],
        query=OccurrencesQuery,
        response=Occurrences,
        errors=[NotFound],
        summary="An event's run history, newest first",
    )
    record_occurrence = Operation(
        "POST",
        "/schedule/{eventId}/occurrences",
        params=[EVENT],
        body=RecordOccurrenceRequest,
        response=OccurrenceRecorded,
        status=201,
        errors=[Forbidden, NotFound, InvalidCronExpression],
        summary="Record a run: counts it, moves the next occurrence on, completes at the max",
    )
