"""Events of messages, named as the WebSocket protocol reference names them."""

from __future__ import annotations

from typing import ClassVar, Literal

from server_core.features.messages.schemas import Message
from server_core.kernel.events import Event
from server_core.kernel.wire import Timestamp


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
