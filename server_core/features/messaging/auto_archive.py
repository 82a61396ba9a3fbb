"""Auto-archive: channels past their `autoArchiveAt` become archived (history stays readable,
nothing new can be added), announced with `channel.updated`.

Safe on several nodes: the UPDATE only touches channels not yet archived, so each channel is
archived — and announced — by exactly one node.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.features.messaging.events import ChannelUpdated
from server_core.features.messaging.tables import channels
from server_core.kernel.clock import to_wire, utcnow
from server_core.kernel.events import Event, EventRoute
from server_core.kernel.store import Store


def archive_due(conn: Connection, events: list[Event], *, now: datetime) -> int:
    """Archive every channel whose time has come; return how many."""
    due = conn.execute(
        sa.select(channels.c.id, channels.c.workspace_id).where(
            channels.c.is_archived.is_(False), channels.c.auto_archive_at <= now
        )
    ).all()
    archived = 0
    for channel_id, workspace_id in due:
        changed = conn.execute(
            sa.update(channels)
            .where(channels.c.id == channel_id, channels.c.is_archived.is_(False))
            .values(is_archived=True, archived_at=now, updated_at=now)
        ).rowcount
        if changed:
            archived += 1
            events.append(
                ChannelUpdated(
                    channel_id=channel_id,
                    changes={"isArchived": True, "archivedAt": to_wire(now)},
                    route=EventRoute(workspace_id=workspace_id, channel_id=channel_id),
                )
            )
    return archived


async def run_once(store: Store, now: datetime | None = None) -> int:
    async with store.transaction() as tx:
        count: int = await tx.unit(
            lambda conn, events: archive_due(conn, events, now=now or utcnow())
        )
    return count
