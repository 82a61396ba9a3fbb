"""`/work-streams`: live output of a piece of work, linked to a task and a channel. Its owner
starts it and appends output; the owner or a workspace admin finishes it, which runs its
onComplete chain once (the task advanced, people woken, the channel's status message
edited)."""

from __future__ import annotations

from server_core.features.messaging.errors import ChannelArchived, NotChannelMember
from server_core.features.work_streams.errors import WorkStreamFinished
from server_core.features.work_streams.schemas import (
    AppendEventsRequest,
    CreateWorkStreamRequest,
    EventsQuery,
    UpdateWorkStreamRequest,
    WorkStream,
    WorkStreamEvent,
    WorkStreamsQuery,
)
from server_core.kernel.errors import Forbidden, NotFound
from server_core.kernel.operations import Operation, Operations, PathParam

STREAM = PathParam("id", "stream_id", "Work stream id")
Streams = list[WorkStream]  # named once: inside the class, `list` is an operation
Events = list[WorkStreamEvent]


class WorkStreams(Operations):
    """Work streams and their output."""

    area = "work_streams"

    list = Operation(
        "GET",
        "/work-streams",
        query=WorkStreamsQuery,
        response=Streams,
        summary="List the work streams you can see, newest first",
    )
    create = Operation(
        "POST",
        "/work-streams",
        body=CreateWorkStreamRequest,
        response=WorkStream,
        status=201,
        errors=[NotFound, NotChannelMember, ChannelArchived],
        summary="Start a work stream; its status message is posted to its channel",
    )
    get = Operation(
        "GET",
        "/work-streams/{id}",
        params=[STREAM],
        response=WorkStream,
        errors=[NotFound],
        summary="A work stream",
    )
    update = Operation(
        "PATCH",
        "/work-streams/{id}",
        params=[STREAM],
        body=UpdateWorkStreamRequest,
        response=WorkStream,
        errors=[Forbidden, NotFound, WorkStreamFinished],
        summary="Rename or finish a work stream (owner or admin); finishing runs onComplete",
    )
    events = Operation(
        "GET",
        "/work-streams/{id}/events",
        params=[STREAM],
        query=EventsQuery,
        response=Events,
        errors=[NotFound],
        summary="A work stream's output events after a seq, oldest first",
    )
    append = Operation(
        "POST",
        "/work-streams/{id}/events",
        params=[STREAM],
        body=AppendEventsRequest,
        response=Events,
        status=201,
        errors=[Forbidden, NotFound, WorkStreamFinished],
        summary="Append output events to your running work stream (at most 100)",
    )
