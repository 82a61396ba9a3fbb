"""The messaging feature: channels and their messages; its routes, events and background work."""

from __future__ import annotations

from server_core.features.messaging import auto_archive
from server_core.features.messaging.events import (
    ChannelUpdated,
    Membership,
    MessageCreated,
    MessageDeleted,
    MessageEdited,
    ReactionChanged,
    ReadReceiptEvent,
    Typing,
)
from server_core.features.messaging.routes import channel_router, message_router
from server_core.kernel.feature import Feature, Worker

FEATURE = Feature(
    "messaging",
    routers=[channel_router, message_router],
    events=[
        ChannelUpdated,
        Membership,
        ReadReceiptEvent,
        Typing,
        MessageCreated,
        MessageEdited,
        MessageDeleted,
        ReactionChanged,
    ],
    workers=[
        Worker(
            "auto-archived channels",
            auto_archive.run_once,
            lambda settings: settings.auto_archive_interval_seconds,
        )
    ],
)
