"""Events of channels and messages, named as the WebSocket protocol reference names them:
channel settings, membership, read positions, typing, and messages, their edits, deletions and
reactions."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from server_core.features.messaging.schemas import Message
from server_core.kernel.events import Event
from server_core.kernel.wire import Timestamp


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


class MessageCreated(Event):
    """`{"type": "message", "message": {…}}`: the message as its sender's response shows it."""

    wire_name: ClassVar[str] = "message"
    message: Message


class MessageEdited(Event):
    wire_name: ClassVar[str] = "message.edited"
    channel_id: str
    message_id: str
    plaintext: str
    edited_at: Timestamp


class MessageDeleted(Event):
    wire_name: ClassVar[str] = "message.deleted"
    channel_id: str
    message_id: str


class ReactionChanged(Event):
    wire_name: ClassVar[str] = "reaction"
    channel_id: str
    message_id: str
    principal_id: str
    emoji: str
    action: Literal["add", "remove"]
