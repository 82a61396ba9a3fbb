"""The `schedule` event: an event was created, changed, paused, cancelled or completed, or a
run of it was recorded; delivered to the whole workspace, whose calendar shows it."""

from __future__ import annotations

from typing import ClassVar, Literal

from server_core.features.schedule.schemas import ScheduleEventWithOwner
from server_core.kernel.events import Event, EventRoute

ScheduleAction = Literal["created", "updated", "paused", "cancelled", "completed", "occurrence"]


class ScheduleChanged(Event):
    wire_name: ClassVar[str] = "schedule"
    workspace_id: str
    event: ScheduleEventWithOwner
    action: ScheduleAction


def schedule_event(event: ScheduleEventWithOwner, action: ScheduleAction) -> ScheduleChanged:
    return ScheduleChanged(
        route=EventRoute(workspace_id=event.workspace_id),
        workspace_id=event.workspace_id,
        event=event,
        action=action,
    )
