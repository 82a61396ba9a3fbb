"""Errors of channels and messages, on top of the kernel's tree (`server_core.kernel.errors`):

Forbidden
├── NotChannelMember         403 not_channel_member
└── ChannelReadOnly          403 channel_read_only  (readonly role, visibility rules)
Conflict
├── ChannelArchived          409 channel_archived
├── NotYourTurn              409 not_your_turn      (coordination modes)
└── MessageDeleted           409 message_deleted
RateLimited
└── LoopPrevention           429 loop_prevention    (+ Retry-After)
"""

from __future__ import annotations

from server_core.kernel.errors import Conflict, Forbidden, RateLimited


class NotChannelMember(Forbidden):
    code = "not_channel_member"
    default_message = "You are not a member of this channel"


class ChannelReadOnly(Forbidden):
    code = "channel_read_only"
    default_message = "You can read this channel but not send to it"


class ChannelArchived(Conflict):
    code = "channel_archived"
    default_message = "This channel is archived: its history is readable, nothing can be added"


class NotYourTurn(Conflict):
    code = "not_your_turn"
    default_message = "The channel's coordination mode does not give you the turn"


class MessageDeleted(Conflict):
    code = "message_deleted"
    default_message = "This message was deleted"


class LoopPrevention(RateLimited):
    """A channel's loop prevention refused a send; the message starts "Loop prevention:"."""

    code = "loop_prevention"
    default_message = "Loop prevention: too many messages"

    def __init__(self, message: str, *, retry_after_ms: int) -> None:
        seconds = max(1, -(-retry_after_ms // 1000))
        super().__init__(
            message, details={"retryAfterMs": retry_after_ms}, headers={"Retry-After": str(seconds)}
        )


class ClientIdReused(Conflict):
    code = "client_generated_id_reused"
    default_message = (
        "You already sent a different message with this clientGeneratedId in this channel; "
        "use a new one for a new message"
    )
