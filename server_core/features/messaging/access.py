"""Who may see and change a channel. Shared by the channel and message services.

Every function here is synchronous and takes a connection, so a service can run a whole
request (lookups, checks and writes) in one hop on the store's connection.

- Channels of other workspaces do not exist (404); a channel's content is for its members
  (403 for the rest of the workspace).
- Roles: `owner` > `admin` > `member` > `readonly`. Owners and admins manage members and
  settings; only owners archive, un-archive, or make owners.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.features.messaging.errors import ChannelArchived, NotChannelMember
from server_core.features.messaging.tables import channel_members, channels
from server_core.kernel.auth import Caller
from server_core.kernel.errors import Forbidden, NotFound
from server_core.kernel.ids import parse_id

MANAGERS = frozenset({"owner", "admin"})


@dataclass(frozen=True)
class ChannelAccess:
    """A channel and the caller's membership row (None for a non-member)."""

    channel: Mapping[str, Any]
    member: Mapping[str, Any] | None

    @property
    def role(self) -> str | None:
        return self.member["role"] if self.member is not None else None

    @property
    def is_manager(self) -> bool:
        return self.role in MANAGERS

    def require_member(self) -> Mapping[str, Any]:
        if self.member is None:
            raise NotChannelMember()
        return self.member

    def require_manager(self, action: str) -> None:
        self.require_member()
        if not self.is_manager:
            raise Forbidden(f"Only the channel's owners and admins may {action}")

    def require_owner(self, action: str) -> None:
        self.require_member()
        if self.role != "owner":
            raise Forbidden(f"Only the channel's owners may {action}")

    def require_active(self) -> None:
        if self.channel["is_archived"]:
            raise ChannelArchived()


# The channel and the caller's membership in one statement (built once: it runs on every
# channel request); membership columns are prefixed so they do not clash with the channel's.
_CHANNEL_NAMES = tuple(channels.c.keys())
_MEMBER_NAMES = tuple(channel_members.c.keys())
_ACCESS = (
    sa.select(channels, *(column.label(f"member_{column.key}") for column in channel_members.c))
    .select_from(
        channels.outerjoin(
            channel_members,
            sa.and_(
                channel_members.c.channel_id == channels.c.id,
                channel_members.c.principal_id == sa.bindparam("principal_id"),
            ),
        )
    )
    .where(
        channels.c.id == sa.bindparam("channel_id"),
        channels.c.workspace_id == sa.bindparam("workspace_id"),
    )
)
_ACCESS_LOCKED = _ACCESS.with_for_update(of=channels)


def access_channel(
    conn: Connection, caller: Caller, channel_id: str, *, lock: bool = False
) -> ChannelAccess:
    """The channel (in the caller's workspace, else 404) and the caller's membership.

    `lock` takes the channel row's lock (PostgreSQL; SQLite has one writer anyway): what changes
    seq or turn-taking state holds it until commit."""
    canonical = parse_id(channel_id)
    if canonical is None:
        raise NotFound(f"No channel with id '{channel_id}' in this workspace")
    row = conn.execute(
        _ACCESS_LOCKED if lock else _ACCESS,
        {
            "channel_id": canonical,
            "workspace_id": caller.workspace_id,
            "principal_id": caller.principal_id,
        },
    ).first()
    if row is None:
        raise NotFound(f"No channel with id '{channel_id}' in this workspace")
    channel = dict(zip(_CHANNEL_NAMES, row[: len(_CHANNEL_NAMES)], strict=True))
    member = dict(zip(_MEMBER_NAMES, row[len(_CHANNEL_NAMES) :], strict=True))
    # A membership's id is never null: a null one means the outer join found no member.
    return ChannelAccess(channel, member if member["id"] is not None else None)


def access_member_channel(
    conn: Connection, caller: Caller, channel_id: str, *, lock: bool = False
) -> ChannelAccess:
    """Like `access_channel`, for members only (403 otherwise)."""
    access = access_channel(conn, caller, channel_id, lock=lock)
    access.require_member()
    return access


def member_ids(conn: Connection, channel_id: str) -> list[str]:
    return list(
        conn.execute(
            sa.select(channel_members.c.principal_id).where(
                channel_members.c.channel_id == channel_id
            )
        ).scalars()
    )
