"""The channels feature: its routes, events and background work."""

from __future__ import annotations

from server_core.features.channels import auto_archive
from server_core.features.channels.events import (
    ChannelUpdated,
    Membership,
    ReadReceiptEvent,
    Typing,
)
from server_core.features.channels.routes import router
from server_core.kernel.feature import Feature, Worker

FEATURE = Feature(
    "channels",
    routers=[router],
    events=[ChannelUpdated, Membership, ReadReceiptEvent, Typing],
    workers=[
        Worker(
            "auto-archived channels",
            auto_archive.run_once,
            lambda settings: settings.auto_archive_interval_seconds,
        )
    ],
)
