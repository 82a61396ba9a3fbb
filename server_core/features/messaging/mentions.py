"""Mentions read from a message's text: each `@handle` (at a word boundary) of an active
principal of the workspace, as the MCP `send_message` tool derives them, so that a message
sent over REST without a `mentions` array mentions the same principals."""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.features.messaging.schemas import MAX_MENTIONS, Mention
from server_core.kernel.store.tables import principals

HANDLE = re.compile(r"(?<![\w@])@([a-z0-9][a-z0-9_-]{1,38})", re.IGNORECASE)


def mentions_in_text(conn: Connection, workspace_id: str, text: str) -> list[Mention]:
    """One query for all the handles found; unknown handles are plain text."""
    found = list(HANDLE.finditer(text))
    if not found:
        return []
    handles = {match.group(1).lower() for match in found}
    known: dict[str, str] = {
        handle: principal_id
        for handle, principal_id in conn.execute(
            sa.select(principals.c.handle, principals.c.id).where(
                principals.c.workspace_id == workspace_id,
                principals.c.handle.in_(handles),
                principals.c.is_active.is_(True),
            )
        )
    }
    mentions = [
        Mention(principal_id=known[handle], offset=match.start(), length=len(match.group(0)))
        for match in found
        if (handle := match.group(1).lower()) in known
    ]
    return mentions[:MAX_MENTIONS]
