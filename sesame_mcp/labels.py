"""Names for the ids that platform events carry: `#plans` or `DM with @bob` for a channel,
`@bob` for a principal. Events carry ids only (a message carries its sender's handle), so the
names are cached from the channel list and the workspace's principals and fetched again when
an unknown id turns up, at most once per `refresh_every` seconds: a burst of events from a
new channel costs one request, and a platform that is down costs none per event."""

from __future__ import annotations

import logging
import time

from server_core.features.channels.schemas import Channel
from sesame_mcp.client import SesameClient, SesameError

log = logging.getLogger(__name__)


def channel_label(channel: Channel) -> str:
    """How a channel is named to an agent."""
    if channel.dm_partner is not None:
        return f"DM with @{channel.dm_partner.handle}"
    return f"#{channel.name}" if channel.name else f"channel {channel.id}"


class Directory:
    """Channel labels and principal handles, by id."""

    def __init__(self, client: SesameClient, *, refresh_every: float = 10.0) -> None:
        self._client = client
        self._refresh_every = refresh_every
        self._channels: dict[str, str] = {}
        self._handles: dict[str, str] = {}
        self._channels_at = float("-inf")
        self._handles_at = float("-inf")

    def learn_handle(self, principal_id: str, handle: str) -> None:
        """A handle an event told us (message senders, membership, presence)."""
        self._handles[principal_id] = handle

    def forget_channel(self, channel_id: str) -> None:
        """A channel whose name may have changed: look it up again when next needed."""
        self._channels.pop(channel_id, None)
        self._channels_at = float("-inf")

    async def channel(self, channel_id: str) -> str:
        """`#name` or `DM with @handle`; `channel <id>` when it cannot be found."""
        if channel_id not in self._channels and self._due(self._channels_at):
            self._channels_at = time.monotonic()
            try:
                channels = await self._client.channels.list()
            except SesameError as error:
                log.info("channel names unavailable: %s", error)
            else:
                self._channels.update((channel.id, channel_label(channel)) for channel in channels)
        return self._channels.get(channel_id, f"channel {channel_id}")

    async def handle(self, principal_id: str) -> str | None:
        """The principal's handle, without `@`; None when it cannot be found."""
        if principal_id not in self._handles and self._due(self._handles_at):
            self._handles_at = time.monotonic()
            try:
                principals = await self._client.channels.principals()
            except SesameError as error:
                log.info("principal handles unavailable: %s", error)
            else:
                self._handles.update((principal.id, principal.handle) for principal in principals)
        return self._handles.get(principal_id)

    def _due(self, last: float) -> bool:
        return time.monotonic() - last >= self._refresh_every
