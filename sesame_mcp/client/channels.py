"""`client.channels`: channels and DMs, their settings, context and coordination, members,
and the metadata endpoints (unread counts, principals, read receipts, threads, links)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from server_core.features.messaging.schemas import (
    AddMemberRequest,
    Channel,
    ChannelKind,
    ChannelMember,
    CoordinationMode,
    CreateChannelRequest,
    DmRequest,
    MemberRole,
    ParticipationMode,
    PrincipalSummary,
    ReadReceipt,
    SetContextRequest,
    SetCoordinationRequest,
    SharedLink,
    ThreadOwnership,
    TransferThreadRequest,
    UpdateChannelRequest,
    UpdateMemberRequest,
    Visibility,
)
from sesame_mcp.client.wire import UNSET, Unset, body, patch, path

if TYPE_CHECKING:
    from sesame_mcp.client.rest import SesameClient

# Named once: inside the class, `list` is the method.
ChannelList = list[Channel]
Members = list[ChannelMember]
Principals = list[PrincipalSummary]
ReadReceipts = list[ReadReceipt]
Links = list[SharedLink]


class Channels:
    """The caller's channels. Everything under one channel is for its members; settings,
    context, coordination and members are changed by its owners and admins."""

    def __init__(self, client: SesameClient) -> None:
        self._client = client

    async def create(
        self,
        kind: ChannelKind,
        *,
        name: str | None = None,
        description: str | None = None,
        context: str | None = None,
        member_ids: list[str] | None = None,
        auto_archive_at: datetime | None = None,
        visibility: Visibility | None = None,
    ) -> Channel:
        """A new `group` or `topic` with these members (the caller owns it); `dm` takes
        exactly one other member and returns the existing DM if there is one."""
        request = body(
            CreateChannelRequest,
            kind=kind,
            name=name,
            description=description,
            context=context,
            member_ids=member_ids,
            auto_archive_at=auto_archive_at,
            visibility=visibility,
        )
        return await self._client.call("POST", "/channels", Channel, json=request)

    async def dm(self, principal_id: str) -> Channel:
        """The DM with a principal, created if it does not exist yet."""
        request = body(DmRequest, principal_id=principal_id)
        return await self._client.call("POST", "/channels/dm", Channel, json=request)

    async def list(self) -> ChannelList:
        """The caller's channels, archived ones included, most recently active first."""
        return await self._client.call("GET", "/channels", ChannelList)

    async def get(self, channel_id: str) -> Channel:
        """One channel, with the caller's membership and (groups, topics) its members."""
        return await self._client.call("GET", path("channels", channel_id), Channel)

    async def update(
        self,
        channel_id: str,
        *,
        name: str | Unset | None = UNSET,
        description: str | Unset | None = UNSET,
        is_archived: bool | Unset = UNSET,
        auto_archive_at: datetime | Unset | None = UNSET,
        visibility: Visibility | Unset = UNSET,
    ) -> Channel:
        """Change settings; only the fields given change (`auto_archive_at=None` stops
        auto-archiving). Archiving and un-archiving are for owners."""
        request = patch(
            UpdateChannelRequest,
            name=name,
            description=description,
            is_archived=is_archived,
            auto_archive_at=auto_archive_at,
            visibility=visibility,
        )
        return await self._client.call("PATCH", path("channels", channel_id), Channel, json=request)

    async def set_context(self, channel_id: str, context: str) -> Channel:
        """Replace the channel's context (its `contextVersion` goes up by one)."""
        request = body(SetContextRequest, context=context)
        where = path("channels", channel_id, "context")
        return await self._client.call("PUT", where, Channel, json=request)

    async def set_coordination(
        self,
        channel_id: str,
        mode: CoordinationMode,
        *,
        max_consecutive: int | None = None,
        cooldown_ms: int | None = None,
        rate_limit: int | None = None,
    ) -> Channel:
        """Set the coordination mode; loop-prevention limits given replace the current ones."""
        limits = {
            name: value
            for name, value in (
                ("max_consecutive", max_consecutive),
                ("cooldown_ms", cooldown_ms),
                ("rate_limit", rate_limit),
            )
            if value is not None
        }
        request = body(SetCoordinationRequest, mode=mode, loop_prevention=limits or None)
        where = path("channels", channel_id, "coordination")
        return await self._client.call("PUT", where, Channel, json=request)

    # --- members ----------------------------------------------------------------------------

    async def add_member(
        self,
        channel_id: str,
        principal_id: str,
        *,
        role: MemberRole | None = None,
        participation_mode: ParticipationMode | None = None,
    ) -> ChannelMember:
        """Add a principal (owners and admins; a system message announces it)."""
        request = body(
            AddMemberRequest,
            principal_id=principal_id,
            role=role,
            participation_mode=participation_mode,
        )
        where = path("channels", channel_id, "members")
        return await self._client.call("POST", where, ChannelMember, json=request)

    async def members(self, channel_id: str) -> Members:
        """The channel's members."""
        return await self._client.call("GET", path("channels", channel_id, "members"), Members)

    async def update_member(
        self,
        channel_id: str,
        principal_id: str,
        *,
        role: MemberRole | None = None,
        muted: bool | None = None,
        participation_mode: ParticipationMode | None = None,
    ) -> ChannelMember:
        """Change a member's role (owners and admins), or your own `muted` and
        `participation_mode`."""
        request = body(
            UpdateMemberRequest, role=role, muted=muted, participation_mode=participation_mode
        )
        where = path("channels", channel_id, "members", principal_id)
        return await self._client.call("PATCH", where, ChannelMember, json=request)

    async def remove_member(self, channel_id: str, principal_id: str) -> ChannelMember:
        """Remove a member, or leave (your own id)."""
        where = path("channels", channel_id, "members", principal_id)
        return await self._client.call("DELETE", where, ChannelMember)

    # --- metadata ---------------------------------------------------------------------------

    async def unread(self) -> dict[str, int]:
        """Unread counts `{channel id: count}` over the caller's channels that are not
        archived."""
        counts: dict[str, int] = await self._client.call("GET", "/channels/unread", dict[str, int])
        return counts

    async def principals(self) -> Principals:
        """The workspace's active principals (to pick DM partners and members)."""
        return await self._client.call("GET", "/channels/principals", Principals)

    async def read_receipts(self, channel_id: str) -> ReadReceipts:
        """Every member's read position, with their read-receipt emoji."""
        where = path("channels", channel_id, "read-receipts")
        return await self._client.call("GET", where, ReadReceipts)

    async def transfer_thread(
        self, channel_id: str, message_id: str, new_owner_id: str
    ) -> ThreadOwnership:
        """Hand the thread rooted at `message_id` to another member (its owner, or channel
        owners and admins)."""
        request = body(TransferThreadRequest, new_owner_id=new_owner_id)
        where = path("channels", channel_id, "threads", message_id, "transfer")
        return await self._client.call("POST", where, ThreadOwnership, json=request)

    async def links(self, channel_id: str) -> Links:
        """Links shared in the channel's recent messages, newest first."""
        return await self._client.call("GET", path("channels", channel_id, "links"), Links)
