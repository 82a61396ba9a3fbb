"""Channel members: add (owners and admins; a system message announces it), list, change role,
mute and participation, remove or leave; and handing a thread to another member.

Only owners make, unmake or remove owners, and the last owner stays one while others remain.
"""

from __future__ import annotations

from typing import Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.messaging.access import (
    ChannelAccess,
    access_channel,
    access_member_channel,
)
from server_core.features.messaging.channels import insert_member
from server_core.features.messaging.events import Membership
from server_core.features.messaging.messages import post_system_message
from server_core.features.messaging.schemas import (
    AddMemberRequest,
    ChannelMember,
    ThreadOwnership,
    TransferThreadRequest,
    UpdateMemberRequest,
)
from server_core.features.messaging.tables import channel_members, channels, messages
from server_core.features.messaging.views import (
    MEMBERS_WITH_PRINCIPALS,
    check_joinable,
    member_view,
    members_of,
    principals_by_id,
)
from server_core.kernel.auth import Caller
from server_core.kernel.clock import utcnow
from server_core.kernel.errors import BadRequest, Conflict, Forbidden, NotFound
from server_core.kernel.events import Event, EventRoute
from server_core.kernel.ids import parse_id
from server_core.kernel.keyring import Keyring


def _member_row(conn: Connection, channel_id: str, principal_id: str) -> RowMapping | None:
    return (
        conn.execute(
            MEMBERS_WITH_PRINCIPALS.where(
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


def do_add_member(
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
    check_joinable(
        principals_by_id(conn, caller.workspace_id, [request.principal_id]),
        [request.principal_id],
        listed=False,
    )
    if _member_row(conn, channel["id"], request.principal_id) is not None:
        raise Conflict("That principal is already a member of this channel")
    insert_member(
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
    post_system_message(conn, events, keyring, channel["id"], caller, text)
    return member_view(member)


def list_members(conn: Connection, *, caller: Caller, channel_id: str) -> list[ChannelMember]:
    access = access_member_channel(conn, caller, channel_id)
    return members_of(conn, [access.channel["id"]]).get(access.channel["id"], [])


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


def do_update_member(
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
    return member_view(updated)


def do_remove_member(
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
    return member_view(target)


# --- threads --------------------------------------------------------------------------------


def do_transfer_thread(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    channel_id: str,
    message_id: str,
    request: TransferThreadRequest,
) -> ThreadOwnership:
    """The thread's owner (its root's sender until transferred) or a channel owner/admin
    hands the thread to another member."""
    new_owner_id = request.new_owner_id
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
