"""Toolset `channels`: the channels you are in, what is unread, and creating new ones; the
`sesame://channels` resource and completion of channel names."""

from __future__ import annotations

import json
from typing import Literal

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from pydantic import Field

from sesame_mcp.registry import ToolInput, ToolOutput, Toolset
from sesame_mcp.state import Sesame, sesame
from sesame_mcp.toolsets.messaging import refs
from sesame_mcp.toolsets.messaging.views import ChannelView

# What to do next after the errors of channels and messages (every messaging toolset).
NEXT_STEPS: dict[str, str] = {
    "not_found": "check the id; list_channels shows the channels you can see",
    "not_channel_member": "you are not a member of that channel; ask an owner to add you",
    "channel_archived": "the channel is archived and takes no new messages",
    "channel_read_only": "you can read this channel but not post in it",
    "not_your_turn": "the channel's coordination mode says it is someone else's turn; wait "
    "for new messages with wait_for_events, then try again",
    "loop_prevention": "you are posting too fast in this channel; wait, then try again",
    "message_deleted": "the message was deleted and cannot change any more",
    "conflict": "it clashes with the current state; look again (list_channels, or channel_info "
    "in toolset channel_admin) before retrying",
    "not_your_file": "you may attach only files you uploaded (upload_file in toolset drive)",
}

TOOLSET = Toolset(
    "channels",
    "Your channels and DMs: list them, open new ones",
    default=True,
    next_steps=NEXT_STEPS,
)


class ListChannelsInput(ToolInput):
    unread_only: bool = Field(default=False, description="Only channels with unread messages")
    include_archived: bool = Field(default=False, description="Also list archived channels")


class ListChannelsOutput(ToolOutput):
    channels: list[ChannelView] = Field(description="Your channels, most recently active first")
    unread_total: int = Field(description="Unread messages over the channels listed")

    def render(self) -> str:
        if not self.channels:
            return "No channels to list."
        lines = [f"{len(self.channels)} channels, {self.unread_total} unread messages:"]
        lines += [channel.line() for channel in self.channels]
        return "\n".join(lines)


@TOOLSET.tool(title="List my channels", read_only=True)
async def list_channels(args: ListChannelsInput, ctx: Context) -> ListChannelsOutput:
    """Your channels and DMs with unread counts, most recently active first."""
    views = [
        ChannelView.of(channel)
        for channel in await sesame(ctx).directory.list_channels()
        if (args.include_archived or not channel.is_archived)
        and (channel.unread_count > 0 or not args.unread_only)
    ]
    return ListChannelsOutput(channels=views, unread_total=sum(v.unread_count for v in views))


class ChannelOutput(ToolOutput):
    channel: ChannelView = Field(description="The channel")
    created: bool = Field(description="False when an existing channel was returned")

    def render(self) -> str:
        verb = "Created" if self.created else "Opened existing"
        return f"{verb} {self.channel.name} [{self.channel.id}]."


class CreateChannelInput(ToolInput):
    name: str = Field(min_length=1, max_length=100, description="The channel's name")
    members: list[str] = Field(
        default_factory=list,
        max_length=100,
        description="Who else joins: @handles or ids",
    )
    kind: Literal["group", "topic"] = Field(
        default="group", description="group: a team conversation; topic: a subject to follow"
    )
    description: str | None = Field(
        default=None, max_length=2000, description="What the channel is for"
    )
    context: str | None = Field(
        default=None,
        max_length=50_000,
        description="Shared context every member reads: goals, rules, links",
    )


@TOOLSET.tool(title="Create a channel", read_only=False)
async def create_channel(args: CreateChannelInput, ctx: Context) -> ChannelOutput:
    """Create a group or topic channel with these members; you own it. For one principal,
    send_message to their @handle."""
    state = sesame(ctx)
    member_ids = [(await refs.resolve_principal(state, ref)).id for ref in args.members]
    channel = await state.client.channels.create(
        args.kind,
        name=args.name,
        description=args.description,
        context=args.context,
        member_ids=[id for id in dict.fromkeys(member_ids) if id != state.me.id],
    )
    return ChannelOutput(channel=ChannelView.of(channel), created=True)


# Channel arguments of this toolset's prompts and resource templates complete to names and ids.
TOOLSET.completer("channel")(refs.channel_names)
TOOLSET.completer("channelId")(refs.channel_ids)


@TOOLSET.extra
def channels_resource(server: MCPServer, state: Sesame) -> None:
    @server.resource(
        "sesame://channels",
        name="channels",
        title="My channels",
        description="Your channels and DMs with unread counts, most recently active first (JSON)",
        mime_type="application/json",
    )
    async def channels() -> str:
        views = [ChannelView.of(channel) for channel in await state.directory.list_channels()]
        return json.dumps([view.model_dump(mode="json") for view in views])
