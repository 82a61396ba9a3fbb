"""How the channel service reads channels and members for the caller: a channel joined with
the caller's membership becomes its wire view (members for groups and topics, the partner for
DMs, the caller's unread count).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.messaging.access import access_member_channel
from server_core.features.messaging.schemas import (
    Channel,
    ChannelMember,
    LoopPrevention,
    PrincipalSummary,
)
from server_core.features.messaging.tables import channel_members, channels, messages
from server_core.kernel.auth import Caller
from server_core.kernel.clock import as_utc
from server_core.kernel.errors import BadRequest, NotFound
from server_core.kernel.store.tables import principals


def principals_by_id(
    conn: Connection, workspace_id: str, ids: Sequence[str]
) -> dict[str, RowMapping]:
    if not ids:
        return {}
    rows = conn.execute(
        sa.select(principals).where(
            principals.c.id.in_(set(ids)), principals.c.workspace_id == workspace_id
        )
    ).mappings()
    return {row["id"]: row for row in rows}


def check_joinable(found: dict[str, RowMapping], ids: Sequence[str], *, listed: bool) -> None:
    for principal_id in ids:
        row = found.get(principal_id)
        if row is None:
            message = f"No principal with id '{principal_id}' in this workspace"
            raise BadRequest(f"memberIds: {message}") if listed else NotFound(message)
        if not row["is_active"]:
            raise BadRequest(f"@{row['handle']} is archived and cannot join channels")


# Membership rows with what a member listing shows of the principal.
MEMBERS_WITH_PRINCIPALS = sa.select(
    channel_members,
    principals.c.handle,
    principals.c.display_name,
    principals.c.kind,
    principals.c.avatar_url,
    principals.c.is_active,
).join(principals, principals.c.id == channel_members.c.principal_id)


def member_view(row: RowMapping) -> ChannelMember:
    return ChannelMember(
        id=row["id"],
        channel_id=row["channel_id"],
        principal_id=row["principal_id"],
        role=row["role"],
        muted=bool(row["muted"]),
        participation_mode=row["participation_mode"],
        last_read_seq=row["last_read_seq"],
        joined_at=as_utc(row["joined_at"]),
        handle=row["handle"],
        display_name=row["display_name"],
        kind=row["kind"],
        avatar_url=row["avatar_url"],
        is_active=bool(row["is_active"]),
    )


def members_of(conn: Connection, channel_ids: Sequence[str]) -> dict[str, list[ChannelMember]]:
    if not channel_ids:
        return {}
    rows = conn.execute(
        MEMBERS_WITH_PRINCIPALS.where(channel_members.c.channel_id.in_(channel_ids)).order_by(
            channel_members.c.joined_at, channel_members.c.id
        )
    ).mappings()
    found: dict[str, list[ChannelMember]] = {}
    for row in rows:
        found.setdefault(row["channel_id"], []).append(member_view(row))
    return found


def unread_counts(
    conn: Connection, principal_id: str, channel_ids: Sequence[str]
) -> dict[str, int]:
    """Messages after the principal's read position, not its own and not deleted."""
    if not channel_ids:
        return {}
    rows = conn.execute(
        sa.select(messages.c.channel_id, sa.func.count())
        .join(
            channel_members,
            sa.and_(
                channel_members.c.channel_id == messages.c.channel_id,
                channel_members.c.principal_id == principal_id,
            ),
        )
        .where(
            messages.c.channel_id.in_(channel_ids),
            messages.c.seq > channel_members.c.last_read_seq,
            messages.c.sender_id != principal_id,
            messages.c.is_deleted.is_(False),
        )
        .group_by(messages.c.channel_id)
    ).all()
    return {row[0]: row[1] for row in rows}


def channel_views(conn: Connection, caller: Caller, rows: Sequence[RowMapping]) -> list[Channel]:
    """Channels joined with the caller's membership → wire views (members for groups and
    topics, the partner for DMs, the caller's unread count)."""
    ids = [row["id"] for row in rows]
    members = members_of(conn, ids)
    unread = unread_counts(conn, caller.principal_id, ids)
    views = []
    for row in rows:
        channel_members_list = members.get(row["id"], [])
        partner = None
        if row["kind"] == "dm":
            other = next(
                (m for m in channel_members_list if m.principal_id != caller.principal_id), None
            )
            if other is not None:
                partner = PrincipalSummary(
                    id=other.principal_id,
                    handle=other.handle,
                    display_name=other.display_name,
                    kind=other.kind,
                    avatar_url=other.avatar_url,
                    is_active=other.is_active,
                )
        views.append(
            Channel(
                id=row["id"],
                workspace_id=row["workspace_id"],
                kind=row["kind"],
                name=row["name"],
                description=row["description"],
                context=row["context"],
                context_version=row["context_version"],
                visibility=row["visibility"],
                coordination_mode=row["coordination_mode"],
                loop_prevention=LoopPrevention.model_validate(row["loop_prevention"] or {}),
                is_archived=bool(row["is_archived"]),
                archived_at=as_utc(row["archived_at"]) if row["archived_at"] else None,
                auto_archive_at=as_utc(row["auto_archive_at"]) if row["auto_archive_at"] else None,
                created_by=row["created_by"],
                last_seq=row["last_seq"],
                last_message_at=as_utc(row["last_message_at"]) if row["last_message_at"] else None,
                created_at=as_utc(row["created_at"]),
                updated_at=as_utc(row["updated_at"]),
                role=row["member_role"],
                muted=bool(row["member_muted"]),
                participation_mode=row["member_participation_mode"],
                last_read_seq=row["member_last_read_seq"],
                unread_count=unread.get(row["id"], 0),
                dm_partner=partner,
                members=None if row["kind"] == "dm" else channel_members_list,
            )
        )
    return views


def with_membership(caller: Caller) -> sa.Select[Any]:
    return sa.select(
        channels,
        channel_members.c.role.label("member_role"),
        channel_members.c.muted.label("member_muted"),
        channel_members.c.participation_mode.label("member_participation_mode"),
        channel_members.c.last_read_seq.label("member_last_read_seq"),
    ).join(
        channel_members,
        sa.and_(
            channel_members.c.channel_id == channels.c.id,
            channel_members.c.principal_id == caller.principal_id,
        ),
    )


def channel_view(conn: Connection, caller: Caller, channel_id: str) -> Channel:
    """A channel as the caller sees it (members only)."""
    access = access_member_channel(conn, caller, channel_id)
    row = (
        conn.execute(with_membership(caller).where(channels.c.id == access.channel["id"]))
        .mappings()
        .one()
    )
    return channel_views(conn, caller, [row])[0]
