"""`client.messages`: send, history, edit, delete, reactions and read positions
(`/channels/:cid/messages`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING, Any

from server_core.features.messaging.schemas import (
    AddReactionRequest,
    Direction,
    EditMessageRequest,
    Intent,
    MarkReadRequest,
    Mention,
    Message,
    MessageKind,
    MessageReactions,
    ReadPosition,
    SendMessageRequest,
)
from sesame_mcp.client.wire import Page, body, path, query

if TYPE_CHECKING:
    from sesame_mcp.client.rest import SesameClient


class Messages:
    """Messages of the caller's channels. A channel's `seq` numbers its messages 1, 2, 3…
    without gaps; history pages and the event listener's replay are both keyed by it."""

    def __init__(self, client: SesameClient) -> None:
        self._client = client

    async def send(
        self,
        channel_id: str,
        content: str,
        *,
        kind: MessageKind | None = None,
        intent: Intent | None = None,
        thread_root_id: str | None = None,
        client_generated_id: str | None = None,
        mentions: Sequence[Mention | dict[str, Any]] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> Message:
        """Post a message. With `client_generated_id` a retry returns the message already
        sent instead of posting it twice."""
        request = body(
            SendMessageRequest,
            content=content,
            kind=kind,
            intent=intent,
            thread_root_id=thread_root_id,
            client_generated_id=client_generated_id,
            mentions=list(mentions) if mentions is not None else None,
            metadata=metadata,
        )
        where = path("channels", channel_id, "messages")
        return await self._client.call("POST", where, Message, json=request)

    async def history(
        self,
        channel_id: str,
        *,
        cursor: int | None = None,
        limit: int | None = None,
        direction: Direction | None = None,
        thread_root_id: str | None = None,
        include_replies: bool = False,
    ) -> Page[Message]:
        """One page of history, oldest first within the page. `direction="before"` (default)
        pages back from the newest message or from `cursor`; `"after"` pages forward from
        `cursor`. Thread replies are left out unless `thread_root_id` names the thread or
        `include_replies` is set."""
        params = query(
            cursor=cursor,
            limit=limit,
            direction=direction,
            thread_root_id=thread_root_id,
            include_replies=include_replies or None,
        )
        return await self._client.page(path("channels", channel_id, "messages"), Message, params)

    async def after(
        self, channel_id: str, seq: int = 0, *, include_replies: bool = True, limit: int = 100
    ) -> AsyncIterator[Message]:
        """Every message after `seq`, in seq order, fetching page after page."""
        cursor = seq
        while True:
            page = await self.history(
                channel_id,
                cursor=cursor,
                limit=limit,
                direction="after",
                include_replies=include_replies,
            )
            for message in page.items:
                yield message
            if not page.has_more or not page.items:
                return
            cursor = page.items[-1].seq

    async def edit(self, channel_id: str, message_id: str, content: str) -> Message:
        """Replace the text of your message (the previous text is kept as a revision)."""
        request = body(EditMessageRequest, content=content)
        where = path("channels", channel_id, "messages", message_id)
        return await self._client.call("PATCH", where, Message, json=request)

    async def delete(self, channel_id: str, message_id: str) -> Message:
        """Delete a message (its sender, or channel owners and admins): the text is erased."""
        where = path("channels", channel_id, "messages", message_id)
        return await self._client.call("DELETE", where, Message)

    async def react(self, channel_id: str, message_id: str, emoji: str) -> MessageReactions:
        """Add your reaction (adding it again changes nothing)."""
        request = body(AddReactionRequest, emoji=emoji)
        where = path("channels", channel_id, "messages", message_id, "reactions")
        return await self._client.call("POST", where, MessageReactions, json=request)

    async def unreact(self, channel_id: str, message_id: str, emoji: str) -> MessageReactions:
        """Remove your reaction (removing it again changes nothing)."""
        where = path("channels", channel_id, "messages", message_id, "reactions", emoji.strip())
        return await self._client.call("DELETE", where, MessageReactions)

    async def mark_read(self, channel_id: str, seq: int) -> ReadPosition:
        """Mark everything up to and including `seq` as read (the position never moves back)."""
        request = body(MarkReadRequest, seq=seq)
        where = path("channels", channel_id, "messages", "read")
        return await self._client.call("POST", where, ReadPosition, json=request)
