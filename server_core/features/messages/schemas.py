"""Wire models of `/channels/:cid/messages`."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from server_core.features.channels.schemas import PrincipalId
from server_core.kernel.wire import RequestModel, Timestamp, WireModel, check_json_object, no_nul

MessageKind = Literal["text", "system", "attachment", "voice", "action_card"]
Intent = Literal["chat", "approval", "notification", "task_update", "error"]
Direction = Literal["before", "after"]

MAX_CONTENT = 10_000
MAX_METADATA_BYTES = 16_384
MAX_ATTACHMENTS = 20
MAX_MENTIONS = 100


def _check_metadata(value: dict[str, Any]) -> dict[str, Any]:
    return check_json_object(value, MAX_METADATA_BYTES)


Content = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_CONTENT),
    AfterValidator(no_nul),
    Field(description="The text, 1 to 10,000 characters"),
]
Emoji = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=32),
    AfterValidator(no_nul),
    Field(description="An emoji or a name such as thumbs_up, 1 to 32 characters"),
]
ClientGeneratedId = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64),
    AfterValidator(no_nul),
    Field(description="Idempotency key: the same id in the same channel returns the same message"),
]


class Mention(WireModel):
    principal_id: PrincipalId
    offset: int = Field(ge=0)
    length: int = Field(ge=1)


class Reaction(WireModel):
    emoji: str
    count: int
    has_reacted: bool


class Message(WireModel):
    """A message. `metadata` holds the sender's metadata plus what is added at read time:
    senderHandle, senderDisplayName, senderKind, reactions, attachments, linkPreviews."""

    id: str
    channel_id: str
    sender_id: str
    seq: int
    kind: MessageKind
    intent: Intent
    plaintext: str | None = Field(description="The text; null once deleted")
    thread_root_id: str | None
    reply_count: int
    mentions: list[Mention]
    metadata: dict[str, Any]
    client_generated_id: str | None
    is_edited: bool
    is_deleted: bool
    created_at: Timestamp
    updated_at: Timestamp


class SendMessageRequest(RequestModel):
    content: Content
    kind: MessageKind = "text"
    intent: Intent = "chat"
    thread_root_id: PrincipalId | None = Field(
        default=None, description="Reply in the thread of this top-level message"
    )
    client_generated_id: ClientGeneratedId | None = None
    mentions: list[Mention] = Field(default_factory=list, max_length=MAX_MENTIONS)
    metadata: Annotated[dict[str, Any], AfterValidator(_check_metadata)] = Field(
        default_factory=dict, description="Any JSON object, at most 16 KB"
    )
    attachment_ids: list[PrincipalId] = Field(
        default_factory=list, max_length=MAX_ATTACHMENTS, description="Drive file ids (max 20)"
    )

    @model_validator(mode="after")
    def _mentions_inside_content(self) -> SendMessageRequest:
        for mention in self.mentions:
            if mention.offset + mention.length > len(self.content):
                raise ValueError("mentions must lie within the content (offset + length)")
        return self


class EditMessageRequest(RequestModel):
    content: Content


class AddReactionRequest(RequestModel):
    emoji: Emoji


class MessageReactions(WireModel):
    message_id: str
    reactions: list[Reaction]


class MarkReadRequest(RequestModel):
    seq: int = Field(ge=0, le=2**62, description="Everything up to and including this seq")


class ReadPosition(WireModel):
    channel_id: str
    last_read_seq: int
    unread_count: int
