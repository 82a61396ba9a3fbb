"""Toolset `message_admin`: react to messages and take your reactions back, edit your
messages, delete yours (channel owners and admins: anyone's). Messages are named as in toolset
`messaging`: by seq or id.
"""

from __future__ import annotations

from mcp.server.mcpserver import Context
from pydantic import Field

from sesame_mcp.labels import channel_label
from sesame_mcp.registry import ToolInput, ToolOutput, Toolset
from sesame_mcp.state import sesame
from sesame_mcp.toolsets.messaging import refs
from sesame_mcp.toolsets.messaging.channels import NEXT_STEPS as CHANNEL_STEPS
from sesame_mcp.toolsets.messaging.messaging import ReactionInput, ReactionsOutput
from sesame_mcp.toolsets.messaging.views import MessageView, quote

TOOLSET = Toolset(
    "message_admin",
    "React and take reactions back; edit your messages; delete yours (channel owners and "
    "admins: anyone's)",
    default=False,
    next_steps=CHANNEL_STEPS,
)


@TOOLSET.tool(title="React to a message", read_only=False, idempotent=True)
async def add_reaction(args: ReactionInput, ctx: Context) -> ReactionsOutput:
    """Add your reaction to a message (adding the same one again changes nothing)."""
    state = sesame(ctx)
    channel = await refs.resolve_channel(state, args.channel)
    message_id = await refs.resolve_message_id(state, channel.id, args.message)
    result = await state.client.messages.react(channel.id, message_id, args.emoji)
    return ReactionsOutput.of(result.message_id, result.reactions)


@TOOLSET.tool(title="Remove my reaction", read_only=False, destructive=True, idempotent=True)
async def remove_reaction(args: ReactionInput, ctx: Context) -> ReactionsOutput:
    """Take back your reaction to a message (removing it again changes nothing)."""
    state = sesame(ctx)
    channel = await refs.resolve_channel(state, args.channel)
    message_id = await refs.resolve_message_id(state, channel.id, args.message)
    result = await state.client.messages.unreact(channel.id, message_id, args.emoji)
    return ReactionsOutput.of(result.message_id, result.reactions)


class EditMessageInput(ToolInput):
    channel: str = Field(min_length=1, max_length=200, description=refs.CHANNEL_REF)
    message: str = Field(min_length=1, max_length=64, description=refs.MESSAGE_REF)
    content: str = Field(min_length=1, max_length=10_000, description="The new text, 1-10,000")


class MessageOutput(ToolOutput):
    channel: str = Field(description="The channel: #name or DM with @handle")
    message: MessageView = Field(description="The message now")

    def render(self) -> str:
        if self.message.deleted:
            return f"Deleted #{self.message.seq} in {self.channel}."
        now = quote(self.message.sender_text or "")
        return f"#{self.message.seq} in {self.channel} now reads {now}."


@TOOLSET.tool(title="Edit a message", read_only=False, destructive=True, idempotent=True)
async def edit_message(args: EditMessageInput, ctx: Context) -> MessageOutput:
    """Replace the text of one of your messages (members see it marked edited)."""
    state = sesame(ctx)
    channel = await refs.resolve_channel(state, args.channel)
    message_id = await refs.resolve_message_id(state, channel.id, args.message)
    message = await state.client.messages.edit(channel.id, message_id, args.content)
    return MessageOutput(channel=channel_label(channel), message=MessageView.of(message))


class DeleteMessageInput(ToolInput):
    channel: str = Field(min_length=1, max_length=200, description=refs.CHANNEL_REF)
    message: str = Field(min_length=1, max_length=64, description=refs.MESSAGE_REF)


@TOOLSET.tool(title="Delete a message", read_only=False, destructive=True, idempotent=True)
async def delete_message(args: DeleteMessageInput, ctx: Context) -> MessageOutput:
    """Delete a message for good: its text is erased, its place in the channel stays. Yours,
    or anyone's in a channel you own or administer."""
    state = sesame(ctx)
    channel = await refs.resolve_channel(state, args.channel)
    message_id = await refs.resolve_message_id(state, channel.id, args.message)
    message = await state.client.messages.delete(channel.id, message_id)
    return MessageOutput(channel=channel_label(channel), message=MessageView.of(message))
