"""Who may see and change a channel. Shared by the channel and message services.

Every function here is synchronous and takes a connection, so a service can run a whole
request (lookups, checks and writes) in one hop on the store's connection.

- Channels of other workspaces do not exist (404); a channel's content is for its members
  (403 for the rest of the workspace).
- Roles: `owner` > `admin` > `member` > `readonly`. Owners and admins manage members and
  settings; only owners archive, un-archive, or make owners.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.kernel.auth import Caller
from server_core.kernel.errors import (
    ChannelArchived,
    Forbidden,
    NotChannelMember,
    NotFound,
)
from server_core.kernel.ids import parse_id
from server_core.kernel.store.tables import channel_members, channels

MANAGERS = frozenset({"owner", "admin"})


@dataclass(frozen=True)
class ChannelAccess:
    """A channel and the caller's membership row (None for a non-member)."""

    channel: RowMapping
    member: RowMapping | None

    @property
    def role(self) -> str | None:
        return self.member["role"] if self.member is not None else None

    @property
    def is_manager(self) -> bool:
        return self.role in MANAGERS

    def require_member(self) -> RowMapping:
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


def access_channel(
    conn: Connection, caller: Caller, channel_id: str, *, lock: bool = False
) -> ChannelAccess:
    """The channel (in the caller's workspace, else 404) and the caller's membership.

    `lock` takes the channel row's lock (PostgreSQL; SQLite has one writer anyway): what changes
    seq or turn-taking state holds it until commit."""
    canonical = parse_id(channel_id)
    if canonical is None:
        raise NotFound(f"No channel with id '{channel_id}' in this workspace")
    query = sa.select(channels).where(
        channels.c.id == canonical, channels.c.workspace_id == caller.workspace_id
    )
    if lock:
        query = query.with_for_update()
    channel = conn.execute(query).mappings().first()
    if channel is None:
        raise NotFound(f"No channel with id '{channel_id}' in this workspace")
    member = (
        conn.execute(
            sa.select(channel_members).where(
                channel_members.c.channel_id == canonical,
                channel_members.c.principal_id == caller.principal_id,
            )
        )
        .mappings()
        .first()
    )
    return ChannelAccess(channel, member)


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
