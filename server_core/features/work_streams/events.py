"""The `work_stream` event: a stream was started, changed or given output, or finished;
delivered to its channel's members, or to the whole workspace when it has no channel.
Output carries the appended events, so a dashboard follows without reading them back."""

from __future__ import annotations

from typing import ClassVar, Literal

from server_core.features.work_streams.schemas import WorkStream, WorkStreamEvent
from server_core.kernel.events import Event, EventRoute

StreamAction = Literal["created", "updated", "output", "completed", "failed", "cancelled"]


class WorkStreamChanged(Event):
    wire_name: ClassVar[str] = "work_stream"
    action: StreamAction
    work_stream: WorkStream
    events: list[WorkStreamEvent] = []


def stream_event(
    stream: WorkStream, action: StreamAction, appended: list[WorkStreamEvent] | None = None
) -> WorkStreamChanged:
    route = EventRoute(workspace_id=stream.workspace_id, channel_id=stream.channel_id)
    return WorkStreamChanged(route=route, action=action, work_stream=stream, events=appended or [])
