"""Toolset `messaging`: send, read, mark read (`message_admin` reacts, takes back a reaction,
edits and deletes).

Messages are named by their seq in the channel (`#12`) as well as by id: listings show seqs,
so an agent can reply, react or mark read without copying ids around.
"""

from __future__ import annotations

import asyncio
import re
from typing import Literal

from mcp.server.mcpserver import Context
from pydantic import Field

from server_core.features.messaging.schemas import Mention, Reaction
from sesame_mcp.labels import channel_label
from sesame_mcp.registry import ToolFailure, ToolInput, ToolOutput, Toolset
from sesame_mcp.state import Sesame, sesame
from sesame_mcp.toolsets.messaging import refs
from sesame_mcp.toolsets.messaging.channels import NEXT_STEPS as CHANNEL_STEPS
from sesame_mcp.toolsets.messaging.views import MessageView, message_lines

TOOLSET = Toolset(
    "messaging",
    "Read and send messages, reply in threads, mark read",
    default=True,
    next_steps=CHANNEL_STEPS,
)

HANDLE = re.compile(r"(?<![\w@])@([a-z0-9][a-z0-9_-]{1,38})", re.IGNORECASE)
CONTENT = "The text (max 10,000 characters); @handles in it mention them"


class SendMessageInput(ToolInput):
    channel: str = Field(min_length=1, max_length=200, description=refs.CHANNEL_REF)
    content: str = Field(min_length=1, max_length=10_000, description=CONTENT)
    thread: str | None = Field(
        default=None,
        max_length=64,
        description="Reply in the thread of this top-level message: seq (#12) or id",
    )
    intent: Literal["chat", "approval", "notification", "task_update", "error"] = Field(
        default="chat", description="What the message is for"
    )
    client_generated_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="Idempotency key: resending with it cannot post twice",
    )
    attachment_ids: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="Your files' ids to attach",
    )


class SentOutput(ToolOutput):
    channel: str = Field(description="Where it went: #name or DM with @handle")
    message_id: str = Field(description="The message's id")
    seq: int = Field(description="Its seq in the channel")
    thread_root_id: str | None = Field(description="Replies: the id of the thread's root")

    def render(self) -> str:
        where = "a thread in " if self.thread_root_id else ""
        return f"Sent #{self.seq} to {where}{self.channel} (id {self.message_id})."


@TOOLSET.tool(title="Send a message", read_only=False)
async def send_message(args: SendMessageInput, ctx: Context) -> SentOutput:
    """Post a message in a channel or DM, or reply in a thread with `thread`."""
    state = sesame(ctx)
    channel_id, where = await refs.channel_target(state, args.channel)
    root = None
    if args.thread is not None:
        root = await refs.resolve_message_id(state, channel_id, args.thread)
    message = await state.client.messages.send(
        channel_id,
        args.content,
        intent=args.intent,
        thread_root_id=root,
        client_generated_id=args.client_generated_id,
        mentions=await _mentions(state, args.content),
        attachment_ids=args.attachment_ids,
    )
    return SentOutput(
        channel=where,
        message_id=message.id,
        seq=message.seq,
        thread_root_id=message.thread_root_id,
    )


async def _mentions(state: Sesame, content: str) -> list[Mention]:
    """A mention for each @handle of an active principal in the text."""
    found = list(HANDLE.finditer(content))
    if not found:
        return []
    known = await state.directory.principal_ids(m.group(1) for m in found)
    return [
        Mention(principal_id=known[m.group(1).lower()], offset=m.start(), length=len(m.group(0)))
        for m in found
        if m.group(1).lower() in known
    ][:100]


class ReadMessagesInput(ToolInput):
    channel: str = Field(min_length=1, max_length=200, description=refs.CHANNEL_REF)
    unread_only: bool = Field(default=False, description="Only what is after your read position")
    before_seq: int | None = Field(default=None, ge=1, description="Page back: older than this seq")
    after_seq: int | None = Field(
        default=None, ge=0, description="Page forward: newer than this seq"
    )
    thread: str | None = Field(
        default=None,
        max_length=64,
        description="This thread's replies instead: its root's seq (#12) or id",
    )
    include_replies: bool = Field(default=False, description="Also thread replies")
    limit: int = Field(default=30, ge=1, le=100, description="At most this many")


class MessagesOutput(ToolOutput):
    channel: str = Field(description="The channel: #name or DM with @handle")
    channel_id: str = Field(description="The channel's id")
    messages: list[MessageView] = Field(description="The messages, oldest first")
    has_more: bool = Field(description="Whether more exist in the direction read")
    next_cursor: int | None = Field(description="The seq to pass to continue (before/after)")
    direction: Literal["before", "after"] = Field(description="before: older; after: newer")
    last_read_seq: int = Field(description="Your read position in the channel")

    def render(self) -> str:
        lines = message_lines(self.channel, self.messages)
        if self.has_more and self.next_cursor is not None:
            more = "older" if self.direction == "before" else "newer"
            lines.append(f"More {more} messages: {self.direction}_seq={self.next_cursor}.")
        if self.messages and self.messages[-1].seq > self.last_read_seq:
            lines.append(f"Mark them read with mark_read (up to #{self.messages[-1].seq}).")
        return "\n".join(lines)


@TOOLSET.tool(title="Read messages", read_only=True)
async def read_messages(args: ReadMessagesInput, ctx: Context) -> MessagesOutput:
    """A channel's messages: the newest page (oldest first), only unread ones, one thread's
    replies, or older/newer pages by seq."""
    if args.before_seq is not None and (args.after_seq is not None or args.unread_only):
        raise ToolFailure("give before_seq alone; after_seq and unread_only read forward.")
    state = sesame(ctx)
    direction: Literal["before", "after"] = "before"
    if args.unread_only or args.after_seq is not None:
        direction = "after"
    known = await refs.known_channel(state, args.channel)
    if known is not None and args.thread is None and not args.unread_only:
        # The page does not depend on the read position: fetch both at once (the channel
        # fresh, for its read position and to check it is still the caller's).
        cursor = args.after_seq if direction == "after" else args.before_seq
        channel, page = await asyncio.gather(
            state.directory.fetch_channel(known.id),
            state.client.messages.history(
                known.id,
                cursor=cursor,
                limit=args.limit,
                direction=direction,
                include_replies=args.include_replies,
            ),
        )
    else:
        channel = await refs.resolve_channel(state, args.channel)
        root = None
        if args.thread is not None:
            root = await refs.resolve_message_id(state, channel.id, args.thread)
        cursor = args.before_seq
        if direction == "after":
            cursor = args.after_seq if args.after_seq is not None else channel.last_read_seq
        page = await state.client.messages.history(
            channel.id,
            cursor=cursor,
            limit=args.limit,
            direction=direction,
            thread_root_id=root,
            include_replies=args.include_replies or args.unread_only,
        )
    next_cursor = page.cursor if isinstance(page.cursor, int) else None
    return MessagesOutput(
        channel=channel_label(channel),
        channel_id=channel.id,
        messages=[MessageView.of(message) for message in page.items],
        has_more=page.has_more,
        next_cursor=next_cursor,
        direction=direction,
        last_read_seq=channel.last_read_seq,
    )


class ReactionInput(ToolInput):
    channel: str = Field(min_length=1, max_length=200, description=refs.CHANNEL_REF)
    message: str = Field(min_length=1, max_length=64, description=refs.MESSAGE_REF)
    emoji: str = Field(
        min_length=1, max_length=32, description="An emoji or a name such as thumbs_up"
    )


class ReactionsOutput(ToolOutput):
    message_id: str = Field(description="The message")
    reactions: dict[str, int] = Field(description="Its reactions now: emoji → count")

    @classmethod
    def of(cls, message_id: str, reactions: list[Reaction]) -> ReactionsOutput:
        return cls(message_id=message_id, reactions={r.emoji: r.count for r in reactions})

    def render(self) -> str:
        summary = ", ".join(f"{emoji}x{count}" for emoji, count in self.reactions.items())
        summary = summary or "none"
        return f"Reactions on the message now: {summary}."


class MarkReadInput(ToolInput):
    channel: str = Field(min_length=1, max_length=200, description=refs.CHANNEL_REF)
    seq: int | None = Field(
        default=None, ge=0, description="Up to and including this seq; omit for all"
    )


class ReadPositionOutput(ToolOutput):
    channel: str = Field(description="The channel: #name or DM with @handle")
    last_read_seq: int = Field(description="Your read position now (it never moves back)")
    unread_count: int = Field(description="Messages by others still unread")

    def render(self) -> str:
        return f"Read {self.channel} up to #{self.last_read_seq}; {self.unread_count} unread."


@TOOLSET.tool(title="Mark read", read_only=False, idempotent=True)
async def mark_read(args: MarkReadInput, ctx: Context) -> ReadPositionOutput:
    """Move your read position forward: to the channel's newest message or to `seq`."""
    state = sesame(ctx)
    channel = await refs.resolve_channel(state, args.channel)
    seq = channel.last_seq if args.seq is None else args.seq
    position = await state.client.messages.mark_read(channel.id, seq)
    return ReadPositionOutput(
        channel=channel_label(channel),
        last_read_seq=position.last_read_seq,
        unread_count=position.unread_count,
    )
