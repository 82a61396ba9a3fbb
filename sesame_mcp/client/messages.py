"""`client.messages`: send, history, edit, delete, reactions and read positions
(`/channels/:cid/messages`). Its methods are the declared operations, and `after` pages
through history."""

from __future__ import annotations

from collections.abc import AsyncIterator

from server_core.features.messaging import operations
from server_core.features.messaging.schemas import Message
from sesame_mcp.client.area import Area


class Messages(Area, operations.Messages):
    """Messages of the caller's channels. A channel's `seq` numbers its messages 1, 2, 3…
    without gaps; history pages and the event listener's replay are both keyed by it."""

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
