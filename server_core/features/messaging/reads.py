"""Read positions: each member's last read seq (moved forward by `do_mark_read`, never back),
the caller's unread counts, and the members' read receipts."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.features.messaging.access import access_member_channel
from server_core.features.messaging.events import ReadReceiptEvent
from server_core.features.messaging.schemas import MarkReadRequest, ReadPosition, ReadReceipt
from server_core.features.messaging.tables import channel_members, channels, messages
from server_core.features.messaging.views import unread_counts
from server_core.kernel.auth import Caller
from server_core.kernel.clock import as_utc, utcnow
from server_core.kernel.events import Event, EventRoute
from server_core.kernel.store.tables import principals


def unread(conn: Connection, *, caller: Caller) -> dict[str, int]:
    """`{channelId: unread count}` over the caller's channels that are not archived."""
    ids = list(
        conn.execute(
            sa.select(channels.c.id)
            .join(channel_members, channel_members.c.channel_id == channels.c.id)
            .where(
                channel_members.c.principal_id == caller.principal_id,
                channels.c.is_archived.is_(False),
            )
        ).scalars()
    )
    counts = unread_counts(conn, caller.principal_id, ids)
    return {channel_id: counts.get(channel_id, 0) for channel_id in ids}


def read_receipts(conn: Connection, *, caller: Caller, channel_id: str) -> list[ReadReceipt]:
    access = access_member_channel(conn, caller, channel_id)
    rows = conn.execute(
        sa.select(
            channel_members.c.principal_id,
            channel_members.c.last_read_seq,
            channel_members.c.last_read_at,
            principals.c.handle,
            principals.c.display_name,
            principals.c.kind,
            principals.c.profile,
        )
        .join(principals, principals.c.id == channel_members.c.principal_id)
        .where(channel_members.c.channel_id == access.channel["id"])
        .order_by(channel_members.c.joined_at, channel_members.c.id)
    ).mappings()
    receipts = []
    for row in rows:
        emoji = (row["profile"] or {}).get("readReceiptEmoji")
        receipts.append(
            ReadReceipt(
                principal_id=row["principal_id"],
                handle=row["handle"],
                display_name=row["display_name"],
                kind=row["kind"],
                last_read_seq=row["last_read_seq"],
                last_read_at=as_utc(row["last_read_at"]) if row["last_read_at"] else None,
                emoji=emoji if isinstance(emoji, str) else None,
            )
        )
    return receipts


def unread_count(conn: Connection, channel_id: str, principal_id: str, after_seq: int) -> int:
    count: int = conn.execute(
        sa.select(sa.func.count())
        .select_from(messages)
        .where(
            messages.c.channel_id == channel_id,
            messages.c.seq > after_seq,
            messages.c.sender_id != principal_id,
            messages.c.is_deleted.is_(False),
        )
    ).scalar_one()
    return count


def do_mark_read(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    channel_id: str,
    request: MarkReadRequest,
) -> ReadPosition:
    """Move the caller's read position forward to `request.seq` (capped at the newest
    message); it never moves back."""
    access = access_member_channel(conn, caller, channel_id)
    member = access.require_member()
    target = min(request.seq, access.channel["last_seq"])
    position = member["last_read_seq"]
    if target > position:
        conn.execute(
            sa.update(channel_members)
            .where(channel_members.c.id == member["id"])
            .values(last_read_seq=target, last_read_at=utcnow())
        )
        position = target
        events.append(
            ReadReceiptEvent(
                channel_id=access.channel["id"],
                principal_id=caller.principal_id,
                seq=target,
                emoji=read_receipt_emoji(conn, caller.principal_id),
                route=EventRoute(workspace_id=caller.workspace_id, channel_id=access.channel["id"]),
            )
        )
    return ReadPosition(
        channel_id=access.channel["id"],
        last_read_seq=position,
        unread_count=unread_count(conn, access.channel["id"], caller.principal_id, position),
    )


def read_receipt_emoji(conn: Connection, principal_id: str) -> str | None:
    """A principal's read-receipt emoji: `profile.readReceiptEmoji`, if set."""
    profile = conn.execute(
        sa.select(principals.c.profile).where(principals.c.id == principal_id)
    ).scalar()
    emoji = (profile or {}).get("readReceiptEmoji")
    return emoji if isinstance(emoji, str) else None
