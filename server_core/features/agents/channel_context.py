"""`GET /agents/:id/channels/:cid/context`: one channel as the agent sees it, with its config,
members, the messages its strategy asks for, the messages that mention it and its read
position. The agent itself or a human who manages it may ask; the agent must be a member.

Strategies: `recent` and `summary` (no summaries yet) give the latest `window` messages
(default: the config's `contextWindow`, else 50), `full_history` the latest 500, `none` no
messages. Messages include thread replies, in channel order, oldest first.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from server_core.features.agents.channel_configs import access_agent_channel, configs_of
from server_core.features.agents.schemas import (
    MAX_CONTEXT_WINDOW,
    ChannelContext,
    ContextMember,
    ContextQuery,
    ContextStrategy,
)
from server_core.features.messaging.channels import get_channel
from server_core.features.messaging.members import list_members
from server_core.features.messaging.messages import history, mentioning
from server_core.features.messaging.schemas import HistoryQuery, Message
from server_core.kernel.auth import Caller
from server_core.kernel.keyring import Keyring
from server_core.kernel.pagination import MAX_LIMIT

DEFAULT_WINDOW = 50
MENTIONS_LIMIT = 20


def latest_messages(
    conn: Connection, keyring: Keyring, caller: Caller, channel_id: str, count: int
) -> list[dict[str, Any]]:
    """The latest `count` messages, oldest first, read page by page through history."""
    pages: list[list[dict[str, Any]]] = []
    cursor: int | None = None
    remaining = count
    while remaining > 0:
        query = HistoryQuery(cursor=cursor, limit=min(remaining, MAX_LIMIT), include_replies=True)
        page = history(conn, keyring=keyring, caller=caller, channel_id=channel_id, query=query)
        pages.append(page.items)
        remaining -= len(page.items)
        if not page.has_more or not isinstance(page.cursor, int):
            break
        cursor = page.cursor
    return [message for page in reversed(pages) for message in page]


def get_channel_context(
    conn: Connection,
    *,
    keyring: Keyring,
    caller: Caller,
    agent_id: str,
    channel_id: str,
    query: ContextQuery,
) -> ChannelContext:
    subject, canonical = access_agent_channel(conn, caller, agent_id, channel_id)
    channel = get_channel(conn, caller=subject, channel_id=canonical)
    config = configs_of(conn, subject.principal_id, [canonical]).get(canonical)
    strategy: ContextStrategy = query.strategy or (config.context_strategy if config else "recent")
    window = query.window or (config.context_window if config else DEFAULT_WINDOW)
    count = {"none": 0, "full_history": MAX_CONTEXT_WINDOW}.get(strategy, window)
    recent = latest_messages(conn, keyring, subject, canonical, count) if count else []
    mentioned = mentioning(
        conn, keyring=keyring, caller=subject, channel_id=canonical, limit=MENTIONS_LIMIT
    )
    members = [
        ContextMember(
            id=member.principal_id,
            handle=member.handle,
            kind=member.kind,
            display_name=member.display_name,
            role=member.role,
            participation_mode=member.participation_mode,
        )
        for member in list_members(conn, caller=subject, channel_id=canonical)
    ]
    return ChannelContext(
        channel=channel,
        config=config,
        strategy=strategy,
        members=members,
        recent_messages=[Message.model_validate(message) for message in recent],
        mentioned_in_messages=[Message.model_validate(message) for message in mentioned],
        unread_count=channel.unread_count,
        last_read_seq=channel.last_read_seq,
    )
