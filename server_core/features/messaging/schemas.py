"""Wire models of `/channels` (channels, members, coordination and the metadata endpoints) and of
`/channels/:cid/messages` (messages, reactions and read positions)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from server_core.kernel.pagination import DEFAULT_LIMIT, MAX_LIMIT
from server_core.kernel.wire import RequestModel, Timestamp, WireModel, check_json_object, no_nul

ChannelKind = Literal["dm", "group", "topic"]
# A session's history is a channel of its own kind, made by the sessions feature only.
ChannelKindShown = Literal["dm", "group", "topic", "session"]
Visibility = Literal["mixed", "agent_only", "human_only"]
CoordinationMode = Literal["free", "round_robin", "moderated", "sequential"]
MemberRole = Literal["owner", "admin", "member", "readonly"]
ParticipationMode = Literal["full", "active", "passive"]
MessageKind = Literal["text", "system", "attachment", "voice", "action_card"]
Intent = Literal["chat", "approval", "notification", "task_update", "error"]
# What a stored message may carry: senders choose an `Intent`; only the platform posts `wake`.
MessageIntent = Literal["chat", "approval", "notification", "task_update", "error", "wake"]
Direction = Literal["before", "after"]

MAX_CONTEXT_BYTES = 50 * 1024
MAX_MEMBERS_PER_REQUEST = 500
MAX_CONTENT = 10_000
MAX_METADATA_BYTES = 16_384
MAX_ATTACHMENTS = 20
MAX_MENTIONS = 100


def _check_context(value: str) -> str:
    no_nul(value)
    if len(value.encode()) > MAX_CONTEXT_BYTES:
        raise ValueError(f"must be at most {MAX_CONTEXT_BYTES} bytes (50 KB) of UTF-8")
    return value


ChannelName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    AfterValidator(no_nul),
]
Description = Annotated[str, StringConstraints(max_length=2000), AfterValidator(no_nul)]
Context = Annotated[
    str, AfterValidator(_check_context), Field(description="Free text, at most 50 KB")
]
ID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
PrincipalId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, pattern=ID_PATTERN),
    Field(description="A principal's id (UUID)"),
]


class LoopPrevention(WireModel):
    """Per-channel limits on agents' sends (humans are not limited)."""

    max_consecutive: int = Field(
        default=50, ge=1, le=100_000, description="Messages one agent may send in a row"
    )
    cooldown_ms: int = Field(
        default=100, ge=0, le=3_600_000, description="Minimum gap between one agent's messages"
    )
    rate_limit: int = Field(
        default=600, ge=1, le=100_000, description="Messages one agent may send per minute"
    )


class LoopPreventionPatch(RequestModel):
    max_consecutive: int | None = Field(default=None, ge=1, le=100_000)
    cooldown_ms: int | None = Field(default=None, ge=0, le=3_600_000)
    rate_limit: int | None = Field(default=None, ge=1, le=100_000)


class PrincipalSummary(WireModel):
    id: str
    handle: str
    display_name: str
    kind: str
    avatar_url: str | None
    is_active: bool


class ChannelMember(WireModel):
    id: str
    channel_id: str
    principal_id: str
    role: MemberRole
    muted: bool
    participation_mode: ParticipationMode
    last_read_seq: int
    joined_at: Timestamp
    handle: str
    display_name: str
    kind: str
    avatar_url: str | None
    is_active: bool


class Channel(WireModel):
    """A channel as one of its members sees it (`role`, `muted`, … are the caller's)."""

    id: str
    workspace_id: str
    kind: ChannelKindShown
    name: str | None
    description: str | None
    context: str | None
    context_version: int
    visibility: Visibility
    coordination_mode: CoordinationMode
    loop_prevention: LoopPrevention
    is_archived: bool
    archived_at: Timestamp | None
    auto_archive_at: Timestamp | None
    created_by: str
    last_seq: int = Field(description="Seq of the newest message (0: none yet)")
    last_message_at: Timestamp | None
    created_at: Timestamp
    updated_at: Timestamp
    role: MemberRole
    muted: bool
    participation_mode: ParticipationMode
    last_read_seq: int
    unread_count: int
    dm_partner: PrincipalSummary | None = Field(default=None, description="DMs: the other side")
    members: list[ChannelMember] | None = Field(default=None, description="Groups and topics")


class CreateChannelRequest(RequestModel):
    kind: ChannelKind
    name: ChannelName | None = None
    description: Description | None = None
    context: Context | None = None
    member_ids: list[PrincipalId] = Field(
        default_factory=list,
        max_length=MAX_MEMBERS_PER_REQUEST,
        description="Added as members; a DM takes exactly one (the other side)",
    )
    auto_archive_at: datetime | None = Field(
        default=None, description="When the channel archives itself (must be in the future)"
    )
    visibility: Visibility = "mixed"


class DmRequest(RequestModel):
    principal_id: PrincipalId


class UpdateChannelRequest(RequestModel):
    """Only the fields sent change; `autoArchiveAt: null` removes auto-archiving."""

    name: ChannelName | None = None
    description: Description | None = None
    is_archived: bool | None = None
    auto_archive_at: datetime | None = None
    visibility: Visibility | None = None


class SetContextRequest(RequestModel):
    context: Context


class SetCoordinationRequest(RequestModel):
    mode: CoordinationMode
    loop_prevention: LoopPreventionPatch | None = Field(
        default=None, description="Fields given replace the channel's current limits"
    )


class AddMemberRequest(RequestModel):
    principal_id: PrincipalId
    role: MemberRole = "member"
    participation_mode: ParticipationMode = "full"


class UpdateMemberRequest(RequestModel):
    role: MemberRole | None = None
    muted: bool | None = None
    participation_mode: ParticipationMode | None = None


class TransferThreadRequest(RequestModel):
    new_owner_id: PrincipalId


class ThreadOwnership(WireModel):
    channel_id: str
    thread_root_id: str
    owner_id: str
    previous_owner_id: str


class ReadReceipt(WireModel):
    principal_id: str
    handle: str
    display_name: str
    kind: str
    last_read_seq: int
    last_read_at: Timestamp | None
    emoji: str | None


class SharedLink(WireModel):
    url: str
    message_id: str
    sender_id: str
    seq: int
    created_at: Timestamp


# --- messages ---------------------------------------------------------------------------


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
    intent: MessageIntent
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


class HistoryQuery(RequestModel):
    cursor: int | None = Field(
        default=None, ge=0, le=2**62, description="A seq: page from here (exclusive)"
    )
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    direction: Direction = Field(
        default="before", description="before: older than cursor (default, newest first page)"
    )
    thread_root_id: str | None = Field(
        default=None, pattern=ID_PATTERN, description="Only this thread's replies"
    )
    include_replies: bool = Field(
        default=False,
        description="Without threadRootId: also thread replies (default: top level only)",
    )


class MarkReadRequest(RequestModel):
    seq: int = Field(ge=0, le=2**62, description="Everything up to and including this seq")


class ReadPosition(WireModel):
    channel_id: str
    last_read_seq: int
    unread_count: int
