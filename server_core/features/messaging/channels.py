"""Channels: create (DMs idempotently, one per pair), list, read, the workspace's principals and
the links shared in a channel. Settings are in `channel_settings.py`, members in `members.py`,
read positions in `reads.py`; who may do what is in `access.py`.

Each operation of `operations.Channels` is answered by a unit of work run in one hop:
reads `(conn, *, caller, …)`, writes `(conn, events, *, caller, …, request=…)`. Other
features reach channels through this module: `access_channel` and `access_member_channel`
fetch a channel as the caller may see it (or refuse with 404 / 403).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping
from sqlalchemy.exc import IntegrityError

from server_core.features.messaging.access import ChannelAccess as ChannelAccess
from server_core.features.messaging.access import access_channel as access_channel
from server_core.features.messaging.access import (
    access_member_channel as access_member_channel,
)
from server_core.features.messaging.events import Membership
from server_core.features.messaging.rendering import plaintext_of
from server_core.features.messaging.schemas import (
    Channel,
    CreateChannelRequest,
    DmRequest,
    LoopPrevention,
    PrincipalSummary,
    SharedLink,
)
from server_core.features.messaging.tables import channel_members, channels, messages
from server_core.features.messaging.views import (
    channel_view,
    channel_views,
    check_joinable,
    members_of,
    principals_by_id,
    with_membership,
)
from server_core.kernel.auth import Caller
from server_core.kernel.clock import as_utc, utcnow
from server_core.kernel.errors import BadRequest
from server_core.kernel.events import Event, EventRoute
from server_core.kernel.ids import new_id
from server_core.kernel.keyring import Keyring
from server_core.kernel.operations import Created
from server_core.kernel.store.tables import principals

LINKS_LIMIT = 100
LINK_SCAN = 500
_URL = re.compile(r"https?://[^\s<>\"'`)\]}]+")


# --- reading ------------------------------------------------------------------------------


def _summary(row: RowMapping) -> PrincipalSummary:
    return PrincipalSummary(
        id=row["id"],
        handle=row["handle"],
        display_name=row["display_name"],
        kind=row["kind"],
        avatar_url=row["avatar_url"],
        is_active=bool(row["is_active"]),
    )


def list_principals(conn: Connection, *, caller: Caller) -> list[PrincipalSummary]:
    """Active principals of the workspace (for picking DM partners and members)."""
    rows = conn.execute(
        sa.select(principals)
        .where(principals.c.workspace_id == caller.workspace_id, principals.c.is_active.is_(True))
        .order_by(principals.c.kind, principals.c.handle)
    ).mappings()
    return [_summary(row) for row in rows]


def list_channels(conn: Connection, *, caller: Caller) -> list[Channel]:
    """The caller's channels, most recently active first; sessions' histories are read
    through `/sessions` (an agent's IDE runs would otherwise crowd its channel list)."""
    rows = (
        conn.execute(
            with_membership(caller)
            .where(channels.c.workspace_id == caller.workspace_id, channels.c.kind != "session")
            .order_by(
                sa.func.coalesce(channels.c.last_message_at, channels.c.created_at).desc(),
                channels.c.id.desc(),
            )
        )
        .mappings()
        .all()
    )
    return channel_views(conn, caller, rows)


def get_channel(conn: Connection, *, caller: Caller, channel_id: str) -> Channel:
    return channel_view(conn, caller, channel_id)


# --- creating -----------------------------------------------------------------------------


def insert_member(
    conn: Connection,
    channel_id: str,
    principal_id: str,
    role: str,
    now: datetime,
    participation_mode: str = "full",
) -> None:
    conn.execute(
        sa.insert(channel_members).values(
            id=new_id(),
            channel_id=channel_id,
            principal_id=principal_id,
            role=role,
            participation_mode=participation_mode,
            muted=False,
            last_read_seq=0,
            joined_at=now,
            rate_window_count=0,
        )
    )


def insert_channel(conn: Connection, caller: Caller, now: datetime, **values: Any) -> str:
    channel_id = new_id()
    conn.execute(
        sa.insert(channels).values(
            {
                "name": None,
                "description": None,
                "context": None,
                "visibility": "mixed",
                "auto_archive_at": None,
                "dm_pair_key": None,
                **values,
                "id": channel_id,
                "workspace_id": caller.workspace_id,
                "context_version": 1,
                "coordination_mode": "free",
                "loop_prevention": LoopPrevention().model_dump(mode="json"),
                "is_archived": False,
                "created_by": caller.principal_id,
                "last_seq": 0,
                "consecutive_count": 0,
                "floor_ids": [],
                "created_at": now,
                "updated_at": now,
            }
        )
    )
    return channel_id


def check_future(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    value = as_utc(value)
    if value <= utcnow():
        raise BadRequest("autoArchiveAt: must be in the future", details={"field": "autoArchiveAt"})
    return value


def do_create_channel(
    conn: Connection, events: list[Event], *, caller: Caller, request: CreateChannelRequest
) -> Created[Channel]:
    """Create a channel (the caller is its owner); a `dm` is the pair's DM, new or not."""
    others = [pid for pid in dict.fromkeys(request.member_ids) if pid != caller.principal_id]
    if request.kind == "dm":
        if len(others) != 1:
            raise BadRequest("A dm has exactly two members: give the other one in memberIds")
        return _open_dm(conn, events, caller, others[0])
    check_joinable(principals_by_id(conn, caller.workspace_id, others), others, listed=True)
    now = utcnow()
    channel_id = insert_channel(
        conn,
        caller,
        now,
        kind=request.kind,
        name=request.name,
        description=request.description,
        context=request.context,
        visibility=request.visibility,
        auto_archive_at=check_future(request.auto_archive_at),
    )
    insert_member(conn, channel_id, caller.principal_id, "owner", now)
    for principal_id in others:
        insert_member(conn, channel_id, principal_id, "member", now)
    _announce_members(conn, events, caller, channel_id)
    return Created(channel_view(conn, caller, channel_id), created=True)


def _announce_members(
    conn: Connection, events: list[Event], caller: Caller, channel_id: str
) -> None:
    """A `membership` join per member of a new channel, so connected members start receiving
    its events at once."""
    for member in members_of(conn, [channel_id]).get(channel_id, []):
        events.append(
            Membership(
                channel_id=channel_id,
                principal_id=member.principal_id,
                handle=member.handle,
                action="join",
                role=member.role,
                route=EventRoute(
                    workspace_id=caller.workspace_id,
                    channel_id=channel_id,
                    principal_ids=(member.principal_id,),
                ),
            )
        )


def do_open_dm(
    conn: Connection, events: list[Event], *, caller: Caller, request: DmRequest
) -> Created[Channel]:
    """The DM between the caller and a principal, created on first use (one per pair)."""
    return _open_dm(conn, events, caller, request.principal_id)


def _open_dm(
    conn: Connection, events: list[Event], caller: Caller, principal_id: str
) -> Created[Channel]:
    if principal_id == caller.principal_id:
        raise BadRequest("A dm needs another principal: principalId is yourself")
    found = principals_by_id(conn, caller.workspace_id, [principal_id])
    check_joinable(found, [principal_id], listed=False)
    pair_key = ":".join(sorted([caller.principal_id, principal_id]))
    existing = _dm_by_pair(conn, caller.workspace_id, pair_key)
    if existing is not None:
        return Created(channel_view(conn, caller, existing), created=False)
    now = utcnow()
    try:
        with conn.begin_nested():
            channel_id = insert_channel(conn, caller, now, kind="dm", dm_pair_key=pair_key)
            insert_member(conn, channel_id, caller.principal_id, "owner", now)
            insert_member(conn, channel_id, principal_id, "owner", now)
        _announce_members(conn, events, caller, channel_id)
    except IntegrityError:
        # Another node created the same pair at the same moment: use that one.
        raced = _dm_by_pair(conn, caller.workspace_id, pair_key)
        if raced is None:
            raise
        return Created(channel_view(conn, caller, raced), created=False)
    return Created(channel_view(conn, caller, channel_id), created=True)


def dm_between(conn: Connection, workspace_id: str, one: str, other: str) -> str | None:
    """The id of the DM between two principals, if they have one."""
    return _dm_by_pair(conn, workspace_id, ":".join(sorted([one, other])))


def _dm_by_pair(conn: Connection, workspace_id: str, pair_key: str) -> str | None:
    found: str | None = conn.execute(
        sa.select(channels.c.id).where(
            channels.c.workspace_id == workspace_id, channels.c.dm_pair_key == pair_key
        )
    ).scalar()
    return found


# --- links ----------------------------------------------------------------------------------


def shared_links(
    conn: Connection, *, keyring: Keyring, caller: Caller, channel_id: str
) -> list[SharedLink]:
    """Links in the channel's recent messages, newest first, each URL once (up to 100)."""
    access = access_member_channel(conn, caller, channel_id)
    rows = conn.execute(
        sa.select(messages)
        .where(messages.c.channel_id == access.channel["id"], messages.c.is_deleted.is_(False))
        .order_by(messages.c.seq.desc())
        .limit(LINK_SCAN)
    ).mappings()
    links: dict[str, SharedLink] = {}
    for row in rows:
        text = plaintext_of(conn, keyring, row) or ""
        for url in _URL.findall(text):
            url = url.rstrip(".,;:!?")
            if url not in links:
                links[url] = SharedLink(
                    url=url,
                    message_id=row["id"],
                    sender_id=row["sender_id"],
                    seq=row["seq"],
                    created_at=as_utc(row["created_at"]),
                )
        if len(links) >= LINKS_LIMIT:
            break
    return list(links.values())[:LINKS_LIMIT]
