"""The event types a webhook may subscribe to: every WebSocket event type the spec documents
(§6.5, and the real-time sections of tasks, projects, schedule and voice), the library's
`library.page`, work streams' `work_stream`, and sessions' `session` and `file_reservation`:
every type the platform publishes today except the gateway's own `credentials.revoked`."""

from __future__ import annotations

from collections.abc import Iterable

from server_core.features.webhooks.errors import UnknownEventType

EVENT_TYPES: frozenset[str] = frozenset(
    {
        "message",
        "message.edited",
        "message.deleted",
        "typing",
        "presence",
        "reaction",
        "membership",
        "channel.updated",
        "read_receipt",
        "vault.lease_request",
        "vault.lease_approved",
        "vault.item_shared",
        "voice.transcribed",
        "task",
        "project",
        "schedule",
        "work_stream",
        "library.page",
        "session",
        "file_reservation",
    }
)


def check_event_types(requested: Iterable[str]) -> list[str]:
    """The requested types, deduplicated in order; 400 naming any unknown one."""
    wanted = list(dict.fromkeys(requested))
    unknown = [name for name in wanted if name not in EVENT_TYPES]
    if unknown:
        raise UnknownEventType(
            f"Unknown event type(s): {', '.join(unknown)}; known: {', '.join(sorted(EVENT_TYPES))}"
        )
    return wanted
