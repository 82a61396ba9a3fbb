"""The messages feature: its routes and events."""

from __future__ import annotations

from server_core.features.messages.events import (
    MessageCreated,
    MessageDeleted,
    MessageEdited,
    ReactionChanged,
)
from server_core.features.messages.routes import router
from server_core.kernel.feature import Feature

FEATURE = Feature(
    "messages",
    routers=[router],
    events=[MessageCreated, MessageEdited, MessageDeleted, ReactionChanged],
)
