"""Toolset `channel_admin`: a look inside a channel (channel_info), and its settings, context,
coordination, members and thread ownership; opening a DM explicitly (`open_dm`). Changes are
mostly for its owners and admins; any member may leave, mute, or change how it participates
(update_member / remove_member on `me`)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from mcp.server.mcpserver import Context
from pydantic import BaseModel, Field

from server_core.features.messaging.schemas import ChannelMember
from sesame_mcp.labels import channel_label
from sesame_mcp.registry import ToolFailure, ToolInput, ToolOutput, Toolset
from sesame_mcp.state import sesame
from sesame_mcp.toolsets.messaging import refs
from sesame_mcp.toolsets.messaging.channels import NEXT_STEPS as CHANNEL_STEPS
from sesame_mcp.toolsets.messaging.channels import ChannelOutput as DmOutput
from sesame_mcp.toolsets.messaging.views import ChannelDetails, ChannelView, MemberView, quote

TOOLSET = Toolset(
    "channel_admin",
    "Look inside a channel; change its settings, context, coordination, members and thread owners",
    default=False,
    next_steps=CHANNEL_STEPS,
)

Role = Literal["owner", "admin", "member", "readonly"]
Participation = Literal["full", "active", "passive"]


class ChannelInfoInput(ToolInput):
    channel: str = Field(min_length=1, max_length=200, description=refs.CHANNEL_REF)
    view: Literal["details", "members", "read_receipts", "links"] = Field(
        default="details",
        description="details: settings, context, coordination; members: who is in it; "
        "read_receipts: how far each member has read; links: URLs shared lately",
    )


class ReceiptView(BaseModel):
    handle: str = Field(description="The member's handle")
    last_read_seq: int = Field(description="The member has read up to this seq")
    last_read_at: datetime | None = Field(description="When the member last moved it")


class LinkView(BaseModel):
    url: str = Field(description="The URL as written")
    seq: int = Field(description="The message it is in")
    message_id: str = Field(description="That message's id")
    sender_id: str = Field(description="Who posted it")


class ChannelInfoOutput(ToolOutput):
    view: str = Field(description="Which view this is")
    channel: ChannelDetails = Field(description="The channel")
    members: list[MemberView] | None = Field(default=None, description="view=members")
    read_receipts: list[ReceiptView] | None = Field(default=None, description="view=read_receipts")
    links: list[LinkView] | None = Field(default=None, description="view=links, newest first")

    def render(self) -> str:
        where = self.channel.name
        if self.members is not None:
            lines = [f"{len(self.members)} members of {where}:"]
            lines += [member.line() for member in self.members]
        elif self.read_receipts is not None:
            lines = [f"Read positions in {where} (newest #{self.channel.last_seq}):"]
            lines += [f"@{r.handle} read up to #{r.last_read_seq}" for r in self.read_receipts]
        elif self.links is not None:
            lines = [f"{len(self.links)} links shared in {where}, newest first:"]
            lines += [f"#{link.seq} {quote(link.url)}" for link in self.links]
        else:
            lines = [self.channel.text()]
        return "\n".join(lines)


@TOOLSET.tool(title="Channel info", read_only=True)
async def channel_info(args: ChannelInfoInput, ctx: Context) -> ChannelInfoOutput:
    """Look inside one channel: its details (settings, context, coordination), members,
    members' read positions, or the links shared in it."""
    state = sesame(ctx)
    channel = await refs.resolve_channel(state, args.channel)
    output = ChannelInfoOutput(view=args.view, channel=ChannelDetails.of(channel))
    channels = state.client.channels
    if args.view == "members":
        output.members = [MemberView.of_member(m) for m in await channels.members(channel.id)]
    elif args.view == "read_receipts":
        output.read_receipts = [
            ReceiptView(handle=r.handle, last_read_seq=r.last_read_seq, last_read_at=r.last_read_at)
            for r in await channels.read_receipts(channel.id)
        ]
    elif args.view == "links":
        output.links = [
            LinkView(
                url=link.url, seq=link.seq, message_id=link.message_id, sender_id=link.sender_id
            )
            for link in await channels.links(channel.id)
        ]
    return output


class ChannelOutput(ToolOutput):
    channel: ChannelDetails = Field(description="The channel now")

    def render(self) -> str:
        return f"Updated {self.channel.name}:\n{self.channel.text()}"


class UpdateChannelInput(ToolInput):
    channel: str = Field(min_length=1, max_length=200, description=refs.CHANNEL_REF)
    name: str | None = Field(
        default=None, min_length=1, max_length=100, description="New name; omit to keep"
    )
    description: str | None = Field(
        default=None, max_length=2000, description='New description; "" clears it; omit to keep'
    )
    visibility: Literal["mixed", "agent_only", "human_only"] | None = Field(
        default=None, description="Who may post: mixed, agent_only, human_only; omit to keep"
    )
    archived: bool | None = Field(
        default=None, description="true archives (read-only), false restores; owners only"
    )
    auto_archive_at: datetime | None = Field(
        default=None, description="When it archives itself (ISO 8601, in the future)"
    )
    stop_auto_archive: bool = Field(default=False, description="true: never archive by itself")


@TOOLSET.tool(title="Update a channel", read_only=False, destructive=True, idempotent=True)
async def update_channel(args: UpdateChannelInput, ctx: Context) -> ChannelOutput:
    """Rename a channel, change its description or visibility, archive or restore it, or
    set when it archives itself. Only the fields given change."""
    state = sesame(ctx)
    channel = await refs.resolve_channel(state, args.channel)
    changes: dict[str, object] = {}
    if args.name is not None:
        changes["name"] = args.name
    if args.description is not None:
        changes["description"] = args.description or None
    if args.visibility is not None:
        changes["visibility"] = args.visibility
    if args.archived is not None:
        changes["is_archived"] = args.archived
    if args.auto_archive_at is not None and args.stop_auto_archive:
        raise ToolFailure("give auto_archive_at or stop_auto_archive, not both.")
    if args.auto_archive_at is not None:
        changes["auto_archive_at"] = args.auto_archive_at
    if args.stop_auto_archive:
        changes["auto_archive_at"] = None
    if not changes:
        raise ToolFailure("nothing to change: give at least one field to update.")
    updated = await state.client.channels.update(channel.id, **changes)
    return ChannelOutput(channel=ChannelDetails.of(updated))


class SetContextInput(ToolInput):
    channel: str = Field(min_length=1, max_length=200, description=refs.CHANNEL_REF)
    context: str = Field(
        max_length=50_000, description="The new shared context, replacing the current one"
    )


# Not idempotent: each call records a new context version (and tells every member).
@TOOLSET.tool(title="Set channel context", read_only=False, destructive=True)
async def set_channel_context(args: SetContextInput, ctx: Context) -> ChannelOutput:
    """Replace the context every member of a channel reads (goals, rules, links); the
    version goes up by one."""
    state = sesame(ctx)
    channel = await refs.resolve_channel(state, args.channel)
    updated = await state.client.channels.set_context(channel.id, args.context)
    return ChannelOutput(channel=ChannelDetails.of(updated))


class SetCoordinationInput(ToolInput):
    channel: str = Field(min_length=1, max_length=200, description=refs.CHANNEL_REF)
    mode: Literal["free", "round_robin", "moderated", "sequential"] = Field(
        description="free: anyone anytime; round_robin: agents take turns; sequential: turns "
        "restart at each human message; moderated: agents speak when a moderator mentions them"
    )
    max_consecutive: int | None = Field(
        default=None, ge=1, le=100_000, description="Messages one agent may send in a row"
    )
    cooldown_ms: int | None = Field(
        default=None, ge=0, le=3_600_000, description="Minimum ms between one agent's messages"
    )
    rate_limit: int | None = Field(
        default=None, ge=1, le=100_000, description="Messages one agent may send per minute"
    )


# Not idempotent: setting the mode restarts turn-taking, even to the same mode.
@TOOLSET.tool(title="Set coordination", read_only=False, destructive=True)
async def set_coordination(args: SetCoordinationInput, ctx: Context) -> ChannelOutput:
    """Set how agents take turns in a channel, and its loop-prevention limits (the limits
    given replace the current ones)."""
    state = sesame(ctx)
    channel = await refs.resolve_channel(state, args.channel)
    limits = {
        name: value
        for name, value in (
            ("max_consecutive", args.max_consecutive),
            ("cooldown_ms", args.cooldown_ms),
            ("rate_limit", args.rate_limit),
        )
        if value is not None
    }
    updated = await state.client.channels.set_coordination(
        channel.id, args.mode, loop_prevention=limits or None
    )
    return ChannelOutput(channel=ChannelDetails.of(updated))


class MemberOutput(ToolOutput):
    channel: str = Field(description="The channel: #name")
    member: MemberView = Field(description="The member")
    action: str = Field(description="added, updated or removed")

    def render(self) -> str:
        member = self.member
        return f"{self.action.capitalize()} @{member.handle} ({member.role}) in {self.channel}."


def _member(channel: str, member: ChannelMember, action: str) -> MemberOutput:
    return MemberOutput(channel=channel, member=MemberView.of_member(member), action=action)


class AddMemberInput(ToolInput):
    channel: str = Field(min_length=1, max_length=200, description=refs.CHANNEL_REF)
    principal: str = Field(min_length=1, max_length=100, description=refs.PRINCIPAL_REF)
    role: Role = Field(default="member", description="owner, admin, member or readonly")
    participation_mode: Participation = Field(default="full", description="full, active or passive")


@TOOLSET.tool(title="Add a member", read_only=False)
async def add_member(args: AddMemberInput, ctx: Context) -> MemberOutput:
    """Add a human or agent to a group or topic channel (owners and admins)."""
    state = sesame(ctx)
    channel = await refs.resolve_channel(state, args.channel)
    principal = await refs.resolve_principal(state, args.principal)
    member = await state.client.channels.add_member(
        channel.id, principal.id, role=args.role, participation_mode=args.participation_mode
    )
    return _member(channel_label(channel), member, "added")


class UpdateMemberInput(ToolInput):
    channel: str = Field(min_length=1, max_length=200, description=refs.CHANNEL_REF)
    principal: str = Field(min_length=1, max_length=100, description=refs.PRINCIPAL_REF)
    role: Role | None = Field(
        default=None, description="New role (owners and admins); omit to keep"
    )
    muted: bool | None = Field(default=None, description="Your own membership: mute or unmute")
    participation_mode: Participation | None = Field(
        default=None, description="Your own membership: full, active or passive"
    )


@TOOLSET.tool(title="Update a member", read_only=False, destructive=True, idempotent=True)
async def update_member(args: UpdateMemberInput, ctx: Context) -> MemberOutput:
    """Change a member's role, or mute a channel / change how you participate in it (on
    principal `me`)."""
    if args.role is None and args.muted is None and args.participation_mode is None:
        raise ToolFailure("nothing to change: give role, muted or participation_mode.")
    state = sesame(ctx)
    channel = await refs.resolve_channel(state, args.channel)
    principal = await refs.resolve_principal(state, args.principal)
    changes = {
        name: value
        for name, value in (
            ("role", args.role),
            ("muted", args.muted),
            ("participation_mode", args.participation_mode),
        )
        if value is not None
    }
    member = await state.client.channels.update_member(channel.id, principal.id, **changes)
    return _member(channel_label(channel), member, "updated")


class RemoveMemberInput(ToolInput):
    channel: str = Field(min_length=1, max_length=200, description=refs.CHANNEL_REF)
    principal: str = Field(
        min_length=1, max_length=100, description=f"{refs.PRINCIPAL_REF} (me: leave the channel)"
    )


@TOOLSET.tool(title="Remove a member", read_only=False, destructive=True, idempotent=True)
async def remove_member(args: RemoveMemberInput, ctx: Context) -> MemberOutput:
    """Remove a member from a channel (owners and admins), or leave it yourself (`me`)."""
    state = sesame(ctx)
    channel = await refs.resolve_channel(state, args.channel)
    principal = await refs.resolve_principal(state, args.principal)
    member = await state.client.channels.remove_member(channel.id, principal.id)
    return _member(channel_label(channel), member, "removed")


class TransferThreadInput(ToolInput):
    channel: str = Field(min_length=1, max_length=200, description=refs.CHANNEL_REF)
    thread: str = Field(
        min_length=1, max_length=64, description="The thread's root message: seq (#12) or id"
    )
    new_owner: str = Field(min_length=1, max_length=100, description=refs.PRINCIPAL_REF)


class ThreadOutput(ToolOutput):
    channel: str = Field(description="The channel: #name")
    thread_root_id: str = Field(description="The thread's root message")
    owner: str = Field(description="The new owner's handle")
    previous_owner_id: str = Field(description="The previous owner's id")

    def render(self) -> str:
        return f"@{self.owner} now owns the thread in {self.channel}."


@TOOLSET.tool(title="Transfer a thread", read_only=False, destructive=True, idempotent=True)
async def transfer_thread(args: TransferThreadInput, ctx: Context) -> ThreadOutput:
    """Hand a thread you own (or any, as a channel owner or admin) to another member."""
    state = sesame(ctx)
    channel = await refs.resolve_channel(state, args.channel)
    root = await refs.resolve_message_id(state, channel.id, args.thread)
    owner = await refs.resolve_principal(state, args.new_owner)
    moved = await state.client.channels.transfer_thread(channel.id, root, owner.id)
    return ThreadOutput(
        channel=channel_label(channel),
        thread_root_id=moved.thread_root_id,
        owner=owner.handle,
        previous_owner_id=moved.previous_owner_id,
    )


class OpenDmInput(ToolInput):
    principal: str = Field(
        min_length=1, max_length=100, description="Who to talk to: @handle or principal id"
    )


@TOOLSET.tool(title="Open a DM", read_only=False, idempotent=True)
async def open_dm(args: OpenDmInput, ctx: Context) -> DmOutput:
    """Your direct-message channel with one principal, created if it does not exist yet
    (send_message to their @handle opens it too)."""
    state = sesame(ctx)
    other = await refs.resolve_principal(state, args.principal)
    if other.id == state.me.id:
        raise ToolFailure("a DM needs another principal than you.")
    existing = {c.id for c in await state.directory.list_channels() if c.kind == "dm"}
    channel = await state.client.channels.dm(other.id)
    return DmOutput(channel=ChannelView.of(channel), created=channel.id not in existing)
