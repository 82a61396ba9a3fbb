"""Channels: create (DMs idempotently), list, read, settings, context, coordination, members,
unread counts, read receipts, thread ownership and shared links.

Functions that write are units `(connection, events, …)` run in one hop by the routes
(`Tx.unit`); who may do what is in `access.py`, what may be sent in `messages/rules.py`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping
from sqlalchemy.exc import IntegrityError

from server_core.features.channels.access import (
    ChannelAccess,
    access_channel,
    access_member_channel,
)
from server_core.features.channels.events import ChannelUpdated, Membership
from server_core.features.channels.schemas import (
    AddMemberRequest,
    Channel,
    ChannelMember,
    CreateChannelRequest,
    LoopPrevention,
    PrincipalSummary,
    ReadReceipt,
    SetCoordinationRequest,
    SharedLink,
    ThreadOwnership,
    UpdateChannelRequest,
    UpdateMemberRequest,
)
from server_core.features.messages import service as messages_service
from server_core.kernel.auth import Caller
from server_core.kernel.clock import as_utc, to_wire, utcnow
from server_core.kernel.errors import BadRequest, Conflict, Forbidden, NotFound
from server_core.kernel.events import Event, EventRoute
from server_core.kernel.ids import new_id, parse_id
from server_core.kernel.keyring import Keyring
from server_core.kernel.store.tables import (
    channel_context_history,
    channel_members,
    channels,
    messages,
    principals,
)

LINKS_LIMIT = 100
LINK_SCAN = 500
_URL = re.compile(r"https?://[^\s<>\"'`)\]}]+")


# --- principals ---------------------------------------------------------------------------


def _summary(row: RowMapping) -> PrincipalSummary:
    return PrincipalSummary(
        id=row["id"],
        handle=row["handle"],
        display_name=row["display_name"],
        kind=row["kind"],
        avatar_url=row["avatar_url"],
        is_active=bool(row["is_active"]),
    )


def _principals_by_id(
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


def _check_joinable(found: dict[str, RowMapping], ids: Sequence[str], *, listed: bool) -> None:
    for principal_id in ids:
        row = found.get(principal_id)
        if row is None:
            message = f"No principal with id '{principal_id}' in this workspace"
            raise BadRequest(f"memberIds: {message}") if listed else NotFound(message)
        if not row["is_active"]:
            raise BadRequest(f"@{row['handle']} is archived and cannot join channels")


def list_principals(conn: Connection, caller: Caller) -> list[PrincipalSummary]:
    """Active principals of the workspace (for picking DM partners and members)."""
    rows = conn.execute(
        sa.select(principals)
        .where(principals.c.workspace_id == caller.workspace_id, principals.c.is_active.is_(True))
        .order_by(principals.c.kind, principals.c.handle)
    ).mappings()
    return [_summary(row) for row in rows]


# --- views --------------------------------------------------------------------------------


# Membership rows with what a member listing shows of the principal.
_MEMBERS_WITH_PRINCIPALS = sa.select(
    channel_members,
    principals.c.handle,
    principals.c.display_name,
    principals.c.kind,
    principals.c.avatar_url,
    principals.c.is_active,
).join(principals, principals.c.id == channel_members.c.principal_id)


def _member_view(row: RowMapping) -> ChannelMember:
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


def _members_of(conn: Connection, channel_ids: Sequence[str]) -> dict[str, list[ChannelMember]]:
    if not channel_ids:
        return {}
    rows = conn.execute(
        _MEMBERS_WITH_PRINCIPALS.where(channel_members.c.channel_id.in_(channel_ids)).order_by(
            channel_members.c.joined_at, channel_members.c.id
        )
    ).mappings()
    found: dict[str, list[ChannelMember]] = {}
    for row in rows:
        found.setdefault(row["channel_id"], []).append(_member_view(row))
    return found


def _unread_counts(
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


def _views(conn: Connection, caller: Caller, rows: Sequence[RowMapping]) -> list[Channel]:
    """Channels joined with the caller's membership → wire views (members for groups and
    topics, the partner for DMs, the caller's unread count)."""
    ids = [row["id"] for row in rows]
    members = _members_of(conn, ids)
    unread = _unread_counts(conn, caller.principal_id, ids)
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


def _with_membership(caller: Caller) -> sa.Select[Any]:
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


def list_channels(conn: Connection, caller: Caller) -> list[Channel]:
    """The caller's channels, most recently active first."""
    rows = (
        conn.execute(
            _with_membership(caller)
            .where(channels.c.workspace_id == caller.workspace_id)
            .order_by(
                sa.func.coalesce(channels.c.last_message_at, channels.c.created_at).desc(),
                channels.c.id.desc(),
            )
        )
        .mappings()
        .all()
    )
    return _views(conn, caller, rows)


def get_channel(conn: Connection, caller: Caller, channel_id: str) -> Channel:
    access = access_member_channel(conn, caller, channel_id)
    row = (
        conn.execute(_with_membership(caller).where(channels.c.id == access.channel["id"]))
        .mappings()
        .one()
    )
    return _views(conn, caller, [row])[0]


# --- creating -----------------------------------------------------------------------------


def _insert_member(
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


def _insert_channel(conn: Connection, caller: Caller, now: datetime, **values: Any) -> str:
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


def _check_future(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    value = as_utc(value)
    if value <= utcnow():
        raise BadRequest("autoArchiveAt: must be in the future", details={"field": "autoArchiveAt"})
    return value


def create_channel(
    conn: Connection, events: list[Event], *, caller: Caller, request: CreateChannelRequest
) -> tuple[Channel, bool]:
    """Create a channel (the caller is its owner); a `dm` goes through `open_dm`. Returns the
    channel and whether it is new."""
    others = [pid for pid in dict.fromkeys(request.member_ids) if pid != caller.principal_id]
    if request.kind == "dm":
        if len(others) != 1:
            raise BadRequest("A dm has exactly two members: give the other one in memberIds")
        return open_dm(conn, events, caller=caller, principal_id=others[0])
    _check_joinable(_principals_by_id(conn, caller.workspace_id, others), others, listed=True)
    now = utcnow()
    channel_id = _insert_channel(
        conn,
        caller,
        now,
        kind=request.kind,
        name=request.name,
        description=request.description,
        context=request.context,
        visibility=request.visibility,
        auto_archive_at=_check_future(request.auto_archive_at),
    )
    _insert_member(conn, channel_id, caller.principal_id, "owner", now)
    for principal_id in others:
        _insert_member(conn, channel_id, principal_id, "member", now)
    _announce_members(conn, events, caller, channel_id)
    return get_channel(conn, caller, channel_id), True


def _announce_members(
    conn: Connection, events: list[Event], caller: Caller, channel_id: str
) -> None:
    """A `membership` join per member of a new channel, so connected members start receiving
    its events at once."""
    for member in _members_of(conn, [channel_id]).get(channel_id, []):
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


def open_dm(
    conn: Connection, events: list[Event], *, caller: Caller, principal_id: str
) -> tuple[Channel, bool]:
    """The DM between the caller and a principal, created on first use (one per pair)."""
    if principal_id == caller.principal_id:
        raise BadRequest("A dm needs another principal: principalId is yourself")
    found = _principals_by_id(conn, caller.workspace_id, [principal_id])
    _check_joinable(found, [principal_id], listed=False)
    pair_key = ":".join(sorted([caller.principal_id, principal_id]))
    existing = _dm_by_pair(conn, caller.workspace_id, pair_key)
    if existing is not None:
        return get_channel(conn, caller, existing), False
    now = utcnow()
    try:
        with conn.begin_nested():
            channel_id = _insert_channel(conn, caller, now, kind="dm", dm_pair_key=pair_key)
            _insert_member(conn, channel_id, caller.principal_id, "owner", now)
            _insert_member(conn, channel_id, principal_id, "owner", now)
        _announce_members(conn, events, caller, channel_id)
    except IntegrityError:
        # Another node created the same pair at the same moment: use that one.
        raced = _dm_by_pair(conn, caller.workspace_id, pair_key)
        if raced is None:
            raise
        return get_channel(conn, caller, raced), False
    return get_channel(conn, caller, channel_id), True


def _dm_by_pair(conn: Connection, workspace_id: str, pair_key: str) -> str | None:
    found: str | None = conn.execute(
        sa.select(channels.c.id).where(
            channels.c.workspace_id == workspace_id, channels.c.dm_pair_key == pair_key
        )
    ).scalar()
    return found


# --- settings -----------------------------------------------------------------------------


def _wire_value(value: Any) -> Any:
    return to_wire(value) if isinstance(value, datetime) else value


def _publish_update(
    events: list[Event], caller: Caller, channel_id: str, changes: dict[str, Any]
) -> None:
    events.append(
        ChannelUpdated(
            channel_id=channel_id,
            changes=changes,
            route=EventRoute(workspace_id=caller.workspace_id, channel_id=channel_id),
        )
    )


_WIRE_NAMES = {
    "name": "name",
    "description": "description",
    "is_archived": "isArchived",
    "auto_archive_at": "autoArchiveAt",
    "visibility": "visibility",
}


def update_channel(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    channel_id: str,
    request: UpdateChannelRequest,
) -> Channel:
    """Owners and admins change settings; only owners archive or un-archive."""
    access = access_channel(conn, caller, channel_id, lock=True)
    access.require_manager("change channel settings")
    channel = access.channel
    sent = request.model_dump(exclude_unset=True, by_alias=False)
    changes: dict[str, Any] = {}
    for field, value in sent.items():
        if value is None and field not in ("auto_archive_at", "name", "description"):
            continue  # null for a required setting means "leave as is"
        if field == "auto_archive_at":
            value = _check_future(value)
            current = as_utc(channel[field]) if channel[field] else None
        else:
            current = channel[field]
        if value != current:
            changes[field] = value
    if "is_archived" in changes:
        access.require_owner("archive or un-archive the channel")
    elif channel["is_archived"] and changes:
        access.require_active()  # un-archive first
    if changes:
        now = utcnow()
        extra: dict[str, Any] = {}
        if "is_archived" in changes:
            extra["archived_at"] = now if changes["is_archived"] else None
        conn.execute(
            sa.update(channels)
            .where(channels.c.id == channel["id"])
            .values(**changes, **extra, updated_at=now)
        )
        _publish_update(
            events,
            caller,
            channel["id"],
            {_WIRE_NAMES[k]: _wire_value(v) for k, v in changes.items()},
        )
    return get_channel(conn, caller, channel["id"])


def set_context(
    conn: Connection, events: list[Event], *, caller: Caller, channel_id: str, context: str
) -> Channel:
    """Replace the context; the previous version goes to the history, the version goes up."""
    access = access_channel(conn, caller, channel_id, lock=True)
    access.require_manager("change the channel context")
    access.require_active()
    channel = access.channel
    now = utcnow()
    conn.execute(
        sa.insert(channel_context_history).values(
            id=new_id(),
            channel_id=channel["id"],
            version=channel["context_version"],
            context=channel["context"],
            replaced_by=caller.principal_id,
            created_at=now,
        )
    )
    version = channel["context_version"] + 1
    conn.execute(
        sa.update(channels)
        .where(channels.c.id == channel["id"])
        .values(context=context, context_version=version, updated_at=now)
    )
    _publish_update(events, caller, channel["id"], {"context": context, "contextVersion": version})
    return get_channel(conn, caller, channel["id"])


def set_coordination(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    channel_id: str,
    request: SetCoordinationRequest,
) -> Channel:
    """Set the mode and (some of) the loop-prevention limits; turn-taking starts afresh."""
    access = access_channel(conn, caller, channel_id, lock=True)
    access.require_manager("change coordination")
    access.require_active()
    channel = access.channel
    limits = LoopPrevention.model_validate(channel["loop_prevention"] or {}).model_dump(mode="json")
    if request.loop_prevention is not None:
        limits.update(request.loop_prevention.model_dump(mode="json", exclude_none=True))
    conn.execute(
        sa.update(channels)
        .where(channels.c.id == channel["id"])
        .values(
            coordination_mode=request.mode,
            loop_prevention=limits,
            turn_principal_id=None,
            floor_ids=[],
            consecutive_count=0,
            updated_at=utcnow(),
        )
    )
    _publish_update(
        events, caller, channel["id"], {"coordinationMode": request.mode, "loopPrevention": limits}
    )
    return get_channel(conn, caller, channel["id"])


# --- members ------------------------------------------------------------------------------


def _member_row(conn: Connection, channel_id: str, principal_id: str) -> RowMapping | None:
    return (
        conn.execute(
            _MEMBERS_WITH_PRINCIPALS.where(
                channel_members.c.channel_id == channel_id,
                channel_members.c.principal_id == principal_id,
            )
        )
        .mappings()
        .first()
    )


def _membership_event(
    caller: Caller,
    channel_id: str,
    member: RowMapping,
    action: Literal["join", "leave", "role_changed"],
    role: str | None,
) -> Membership:
    principal_id = member["principal_id"]
    return Membership(
        channel_id=channel_id,
        principal_id=principal_id,
        handle=member["handle"],
        action=action,
        role=role,
        # The principal hears about it too: it may not be (or no longer be) a member.
        route=EventRoute(
            workspace_id=caller.workspace_id, channel_id=channel_id, principal_ids=(principal_id,)
        ),
    )


def add_member(
    conn: Connection,
    events: list[Event],
    *,
    keyring: Keyring,
    caller: Caller,
    channel_id: str,
    request: AddMemberRequest,
) -> ChannelMember:
    """Owners and admins add members (only owners add owners); posts a system join message."""
    access = access_channel(conn, caller, channel_id, lock=True)
    access.require_manager("add members")
    access.require_active()
    channel = access.channel
    if channel["kind"] == "dm":
        raise BadRequest("A dm always has exactly its two members")
    if request.role == "owner":
        access.require_owner("add owners")
    _check_joinable(
        _principals_by_id(conn, caller.workspace_id, [request.principal_id]),
        [request.principal_id],
        listed=False,
    )
    if _member_row(conn, channel["id"], request.principal_id) is not None:
        raise Conflict("That principal is already a member of this channel")
    _insert_member(
        conn,
        channel["id"],
        request.principal_id,
        request.role,
        utcnow(),
        request.participation_mode,
    )
    member = _member_row(conn, channel["id"], request.principal_id)
    assert member is not None
    events.append(_membership_event(caller, channel["id"], member, "join", request.role))
    text = (
        f"@{member['handle']} joined"
        if member["principal_id"] == caller.principal_id
        else f"@{caller.handle} added @{member['handle']}"
    )
    messages_service.post_system_message(conn, events, keyring, channel["id"], caller, text)
    return _member_view(member)


def list_members(conn: Connection, caller: Caller, channel_id: str) -> list[ChannelMember]:
    access = access_member_channel(conn, caller, channel_id)
    return _members_of(conn, [access.channel["id"]]).get(access.channel["id"], [])


def _owner_count(conn: Connection, channel_id: str) -> int:
    count: int = conn.execute(
        sa.select(sa.func.count())
        .select_from(channel_members)
        .where(channel_members.c.channel_id == channel_id, channel_members.c.role == "owner")
    ).scalar_one()
    return count


def _target_member(access: ChannelAccess, conn: Connection, principal_id: str) -> RowMapping:
    canonical = parse_id(principal_id)
    member = _member_row(conn, access.channel["id"], canonical) if canonical else None
    if member is None:
        raise NotFound(f"No member with principal id '{principal_id}' in this channel")
    return member


def _check_can_manage(access: ChannelAccess, target: RowMapping, action: str) -> None:
    access.require_manager(action)
    if target["role"] == "owner" and access.role != "owner":
        raise Forbidden(f"Only owners may {action} an owner")


def update_member(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    channel_id: str,
    principal_id: str,
    request: UpdateMemberRequest,
) -> ChannelMember:
    """Anyone changes their own `muted` and `participationMode`; owners and admins change
    others' and roles (only owners make or unmake owners; the last owner stays one)."""
    access = access_member_channel(conn, caller, channel_id, lock=True)
    target = _target_member(access, conn, principal_id)
    changes = {k: v for k, v in request.model_dump(by_alias=False).items() if v is not None}
    changes = {k: v for k, v in changes.items() if v != target[k]}
    is_self = target["principal_id"] == caller.principal_id
    if "role" in changes or not is_self:
        _check_can_manage(access, target, "change members of")
    if changes.get("role") == "owner":
        access.require_owner("make owners")
    if (
        "role" in changes
        and target["role"] == "owner"
        and _owner_count(conn, access.channel["id"]) == 1
    ):
        raise Conflict("The last owner cannot step down: make someone else owner first")
    if changes:
        conn.execute(
            sa.update(channel_members).where(channel_members.c.id == target["id"]).values(**changes)
        )
    if "role" in changes:
        events.append(
            _membership_event(caller, access.channel["id"], target, "role_changed", changes["role"])
        )
    updated = _member_row(conn, access.channel["id"], target["principal_id"])
    assert updated is not None
    return _member_view(updated)


def remove_member(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    channel_id: str,
    principal_id: str,
) -> ChannelMember:
    """Leave (anyone, for themselves) or remove (owners and admins; only owners remove
    owners). The last owner cannot leave while others remain."""
    access = access_member_channel(conn, caller, channel_id, lock=True)
    if access.channel["kind"] == "dm":
        raise BadRequest("A dm always has exactly its two members")
    target = _target_member(access, conn, principal_id)
    if target["principal_id"] != caller.principal_id:
        _check_can_manage(access, target, "remove members from")
    if target["role"] == "owner" and _owner_count(conn, access.channel["id"]) == 1:
        others = conn.execute(
            sa.select(sa.func.count())
            .select_from(channel_members)
            .where(channel_members.c.channel_id == access.channel["id"])
        ).scalar_one()
        if others > 1:
            raise Conflict("The last owner cannot leave: make someone else owner first")
    conn.execute(sa.delete(channel_members).where(channel_members.c.id == target["id"]))
    floor = [pid for pid in access.channel["floor_ids"] or [] if pid != target["principal_id"]]
    conn.execute(
        sa.update(channels)
        .where(channels.c.id == access.channel["id"])
        .values(
            floor_ids=floor,
            turn_principal_id=sa.case(
                (channels.c.turn_principal_id == target["principal_id"], None),
                else_=channels.c.turn_principal_id,
            ),
        )
    )
    events.append(_membership_event(caller, access.channel["id"], target, "leave", None))
    return _member_view(target)


# --- reading positions, threads, links ----------------------------------------------------


def unread(conn: Connection, caller: Caller) -> dict[str, int]:
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
    counts = _unread_counts(conn, caller.principal_id, ids)
    return {channel_id: counts.get(channel_id, 0) for channel_id in ids}


def read_receipts(conn: Connection, caller: Caller, channel_id: str) -> list[ReadReceipt]:
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


def transfer_thread(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    channel_id: str,
    message_id: str,
    new_owner_id: str,
) -> ThreadOwnership:
    """The thread's owner (its root's sender until transferred) or a channel owner/admin
    hands the thread to another member."""
    access = access_member_channel(conn, caller, channel_id)
    access.require_active()
    canonical = parse_id(message_id)
    root = (
        conn.execute(
            sa.select(messages).where(
                messages.c.id == canonical, messages.c.channel_id == access.channel["id"]
            )
        )
        .mappings()
        .first()
        if canonical
        else None
    )
    if root is None:
        raise NotFound(f"No message with id '{message_id}' in this channel")
    if root["thread_root_id"] is not None:
        raise BadRequest("Only a thread's root message has an owner; this one is a reply")
    owner = root["thread_owner_id"] or root["sender_id"]
    if owner != caller.principal_id and not access.is_manager:
        raise Forbidden("Only the thread's owner or the channel's owners and admins may do this")
    if _member_row(conn, access.channel["id"], new_owner_id) is None:
        raise BadRequest("newOwnerId must be a member of this channel")
    conn.execute(
        sa.update(messages).where(messages.c.id == root["id"]).values(thread_owner_id=new_owner_id)
    )
    return ThreadOwnership(
        channel_id=access.channel["id"],
        thread_root_id=root["id"],
        owner_id=new_owner_id,
        previous_owner_id=owner,
    )


def shared_links(
    conn: Connection, keyring: Keyring, caller: Caller, channel_id: str
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
        text = messages_service.plaintext_of(conn, keyring, row) or ""
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
