"""The schedule feature: which service answers each operation, and its errors. The routes
with fixed words (`/schedule/workspace`, `/expanded`, `/channel/…`, `/sync`) are declared
before `/schedule/{eventId}`."""

from __future__ import annotations

from server_core.features.schedule import (
    calendar,
    exceptions,
    expansion,
    notifier,
    occurrences,
    sync,
)
from server_core.features.schedule.errors import (
    ExceptionExists,
    InvalidCronExpression,
    InvalidWindow,
    NotAnOccurrence,
)
from server_core.features.schedule.operations import Schedule
from server_core.kernel.errors import InvalidTimezone
from server_core.kernel.feature import Feature, Loop

FEATURE = Feature(
    "schedule",
    serves={
        Schedule.list: calendar.list_events,
        Schedule.workspace: calendar.list_workspace_events,
        Schedule.expanded: expansion.list_instances,
        Schedule.channel: calendar.list_channel_events,
        Schedule.sync: sync.do_sync,
        Schedule.create: calendar.do_create_event,
        Schedule.update: calendar.do_update_event,
        Schedule.delete: calendar.do_delete_event,
        Schedule.exceptions: exceptions.list_exceptions,
        Schedule.create_exception: exceptions.do_create_exception,
        Schedule.update_exception: exceptions.do_update_exception,
        Schedule.delete_exception: exceptions.do_delete_exception,
        Schedule.occurrences: occurrences.list_occurrences,
        Schedule.record_occurrence: occurrences.do_record_occurrence,
    },
    errors=[
        InvalidCronExpression,
        InvalidTimezone,
        InvalidWindow,
        NotAnOccurrence,
        ExceptionExists,
    ],
    loops=[Loop("schedule notifier", notifier.run)],
)
