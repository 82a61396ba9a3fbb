"""What this server knows of the workspace's names: its channels by id, #name and DM partner,
and principals' handles by id and the other way round.

Tools take channels by `#name` or `@handle` and events carry ids only (a message carries its
sender's handle), so both need lookups that would otherwise cost a platform request each time.
The channels come from every channel listing the server makes (the event feed lists them when
it connects) and forgotten when an event says one was renamed:

- a name a tool was given that is not known is looked up at once (it may be a new channel or
  principal);
- an id an event carries that is not known is looked up at most once per `refresh_every`
  seconds: a burst of events from a new channel costs one request, and a platform that is down
  costs none per event.

A channel's counters (unread, last seq) go stale here; tools that show them fetch the channel.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable

from server_core.features.messaging.schemas import Channel, PrincipalSummary
from sesame_mcp.client import SesameClient, SesameError

log = logging.getLogger(__name__)

DM_PREFIX = "DM with "


def channel_label(channel: Channel) -> str:
    """How a channel is named to an agent: `#plans`, or `DM with @bob`; both are accepted
    back wherever a tool takes a channel."""
    if channel.dm_partner is not None:
        return f"{DM_PREFIX}@{channel.dm_partner.handle}"
    return f"#{channel.name}" if channel.name else f"channel {channel.id}"


class Directory:
    """Channels and principal handles, by id and by name."""

    def __init__(self, client: SesameClient, *, refresh_every: float = 10.0) -> None:
        self._client = client
        self._refresh_every = refresh_every
        self._channels: dict[str, Channel] = {}
        self._handles: dict[str, str] = {}
        self._ids: dict[str, str] = {}
        self._channels_at = float("-inf")
        self._handles_at = float("-inf")
        self._missing: dict[str, float] = {}  # channel id → when looking it up failed
        self._fetching: dict[str, asyncio.Future[Channel]] = {}

    # --- channels ---------------------------------------------------------------------------

    async def list_channels(self) -> list[Channel]:
        """The caller's channels, fresh from the platform (and remembered)."""
        channels = await self._client.channels.list()
        self._channels = {channel.id: channel for channel in channels}
        self._channels_at = time.monotonic()
        return channels

    def remember(self, channels: Iterable[Channel]) -> None:
        """Channels seen in an answer (a listing the caller made, a channel fetched)."""
        for channel in channels:
            self._channels[channel.id] = channel

    def forget_channel(self, channel_id: str) -> None:
        """A channel whose name may have changed: look it up again when next needed."""
        self._channels.pop(channel_id, None)
        self._channels_at = float("-inf")

    def known_channel(self, channel_id: str) -> Channel | None:
        return self._channels.get(channel_id)

    async def fetch_channel(self, channel_id: str) -> Channel:
        """The channel fresh from the platform, and remembered. Callers asking at the same
        time (a tool, and the event feed labelling an event of the channel) share one
        request."""
        pending = self._fetching.get(channel_id)
        if pending is None:
            pending = asyncio.ensure_future(self._client.channels.get(channel_id))
            self._fetching[channel_id] = pending
            pending.add_done_callback(lambda done: self._fetched(channel_id, done))
        channel = await asyncio.shield(pending)
        self.remember([channel])
        return channel

    def _fetched(self, channel_id: str, done: asyncio.Future[Channel]) -> None:
        self._fetching.pop(channel_id, None)
        if not done.cancelled():
            done.exception()  # retrieved: every caller may have stopped waiting (shutdown)

    async def channels_named(self, name: str) -> list[Channel]:
        """The caller's channels with this name (case-insensitive), listing them again when
        none is known by it."""
        wanted = name.casefold()

        def matching() -> list[Channel]:
            return [
                channel
                for channel in self._channels.values()
                if channel.name is not None and channel.name.casefold() == wanted
            ]

        found = matching()
        if not found:
            await self.list_channels()
            found = matching()
        return found

    async def dm_with(self, handle: str) -> Channel | None:
        """The caller's DM with `handle`, listing the channels again when it is not known."""
        wanted = handle.lower()

        def matching() -> Channel | None:
            for channel in self._channels.values():
                if channel.dm_partner is not None and channel.dm_partner.handle == wanted:
                    return channel
            return None

        found = matching()
        if found is None:
            await self.list_channels()
            found = matching()
        return found

    async def channel_label(self, channel_id: str) -> str:
        """`#name` or `DM with @handle`; `channel <id>` when it cannot be found. A channel
        not known yet (a DM someone just opened) is fetched, and then known."""
        missed = self._missing.get(channel_id, float("-inf"))
        if channel_id not in self._channels and self._due(missed):
            try:
                await self.fetch_channel(channel_id)
            except SesameError as error:
                self._missing[channel_id] = time.monotonic()  # not asked again for a while
                log.info("channel names unavailable: %s", error)
        channel = self._channels.get(channel_id)
        return channel_label(channel) if channel is not None else f"channel {channel_id}"

    # --- principals -------------------------------------------------------------------------

    def learn_handle(self, principal_id: str, handle: str) -> None:
        """A handle an event told us (message senders, membership, presence)."""
        self._handles[principal_id] = handle
        self._ids[handle] = principal_id

    async def list_principals(self) -> list[PrincipalSummary]:
        """The workspace's active principals, fresh from the platform (handles remembered)."""
        principals = await self._client.channels.principals()
        self._handles_at = time.monotonic()
        for principal in principals:
            self.learn_handle(principal.id, principal.handle)
        return principals

    async def handle(self, principal_id: str) -> str | None:
        """The principal's handle, without `@`; None when it cannot be found."""
        if principal_id not in self._handles:
            await self._refresh_principals()
        return self._handles.get(principal_id)

    async def principal_ids(self, handles: Iterable[str]) -> dict[str, str]:
        """Handle → id for those of `handles` (without `@`) that active principals have,
        listing the principals again when one is not known (it may be new)."""
        wanted = {handle.lower() for handle in handles}
        if not wanted <= self._ids.keys():
            await self.list_principals()
        return {handle: self._ids[handle] for handle in wanted if handle in self._ids}

    async def _refresh_principals(self) -> None:
        if not self._due(self._handles_at):
            return
        try:
            await self.list_principals()
        except SesameError as error:
            self._handles_at = time.monotonic()
            log.info("principal handles unavailable: %s", error)

    def _due(self, last: float) -> bool:
        return time.monotonic() - last >= self._refresh_every
