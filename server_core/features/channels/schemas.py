"""Wire models of `/channels`: channels, members, coordination and the metadata endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints

from server_core.kernel.wire import RequestModel, Timestamp, WireModel, no_nul

ChannelKind = Literal["dm", "group", "topic"]
Visibility = Literal["mixed", "agent_only", "human_only"]
CoordinationMode = Literal["free", "round_robin", "moderated", "sequential"]
MemberRole = Literal["owner", "admin", "member", "readonly"]
ParticipationMode = Literal["full", "active", "passive"]

MAX_CONTEXT_BYTES = 50 * 1024
MAX_MEMBERS_PER_REQUEST = 500


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
PrincipalId = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        to_lower=True,
        pattern=r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
    ),
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
    kind: ChannelKind
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
