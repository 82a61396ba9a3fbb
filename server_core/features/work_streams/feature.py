"""The work streams feature: which service answers each operation, and its errors."""

from __future__ import annotations

from server_core.features.work_streams import output, streams
from server_core.features.work_streams.errors import WorkStreamFinished
from server_core.features.work_streams.events import WorkStreamChanged
from server_core.features.work_streams.operations import WorkStreams
from server_core.kernel.feature import Feature

FEATURE = Feature(
    "work_streams",
    serves={
        WorkStreams.list: streams.list_streams,
        WorkStreams.create: streams.do_create_stream,
        WorkStreams.get: streams.get_stream,
        WorkStreams.update: streams.do_update_stream,
        WorkStreams.events: output.list_events,
        WorkStreams.append: output.do_append_events,
    },
    events=[WorkStreamChanged],
    errors=[WorkStreamFinished],
)
