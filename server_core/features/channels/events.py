"""Events of channels: settings, membership, read positions and typing."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from server_core.kernel.events import Event


class ChannelUpdated(Event):
    """Name, description, visibility, archiving, context or coordination changed."""

    wire_name: ClassVar[str] = "channel.updated"
    channel_id: str
    changes: dict[str, Any]


class Membership(Event):
    """Delivered to the channel's members and to the principal it is about."""

    wire_name: ClassVar[str] = "membership"
    channel_id: str
    principal_id: str
    handle: str
    action: Literal["join", "leave", "role_changed"]
    role: str | None


class ReadReceiptEvent(Event):
    wire_name: ClassVar[str] = "read_receipt"
    channel_id: str
    principal_id: str
    seq: int
    emoji: str | None


class Typing(Event):
    wire_name: ClassVar[str] = "typing"
    channel_id: str
    principal_id: str
    handle: str
