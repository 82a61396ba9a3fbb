"""The MCP server knows every event type the platform publishes: `wait_for_events` can ask for
it by name and describes it in words."""

from __future__ import annotations

from typing import get_args

from server_core.features import features
from sesame_mcp import event_text
from sesame_mcp.toolsets.events import EventType


def published() -> set[str]:
    return {event.wire_name for feature in features() for event in feature.events}


def test_wait_for_events_offers_every_published_event_type() -> None:
    assert set(get_args(EventType)) == published()


def test_every_published_event_type_has_its_own_description() -> None:
    assert set(event_text._DESCRIBE) == published()
