"""How tools name things: a channel by id, #name or @handle (its DM, also written `DM with
@handle` as tools show it); a principal by id, @handle or `me`; a message by id or by its seq
in the channel (`12` or `#12`).

Agents see names and seqs in the briefing and in message listings; accepting them saves a
lookup call and keeps the rendered text free of long ids.
"""

from __future__ import annotations

import re
from typing import Protocol, TypeVar

from server_core.features.messaging.schemas import Channel, Message, PrincipalSummary
from sesame_mcp.labels import DM_PREFIX, channel_label
from sesame_mcp.registry import ToolFailure
from sesame_mcp.state import Sesame

UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
SEQ = re.compile(r"^#?(\d{1,18})$")

CHANNEL_REF = "The channel: #name, id, or @handle for your DM"
PRINCIPAL_REF = "A principal: @handle, id, or me"
MESSAGE_REF = "A message of the channel: its seq (12 or #12) or id"


async def resolve_channel(state: Sesame, ref: str) -> Channel:
    """The channel `ref` names among yours, fresh from the platform (the platform answers 404
    or 403 for ids that are not yours)."""
    channel = await known_channel(state, ref)
    return await state.directory.fetch_channel(channel.id if channel else ref.strip().lower())


async def channel_target(state: Sesame, ref: str) -> tuple[str, str]:
    """The id and label of the channel `ref` names, without a request when the channel is
    known: for writes, where the platform checks access anyway. `@handle` names your DM with
    them, opened when there is none yet (writing to someone starts the conversation)."""
    handle = ref.strip().removeprefix(DM_PREFIX).strip()
    if handle.startswith("@") and await state.directory.dm_with(handle[1:]) is None:
        other = await resolve_principal(state, handle)
        if other.id == state.me.id:
            raise ToolFailure("a DM needs another principal than you.")
        opened = await state.client.channels.dm(other.id)
        state.directory.remember([opened])
    channel = await known_channel(state, ref)
    if channel is None:  # an id not seen yet
        channel = await resolve_channel(state, ref)
    return channel.id, channel_label(channel)


async def known_channel(state: Sesame, ref: str) -> Channel | None:
    """The channel `ref` names as far as this server knows its channels: None for an id it
    has not seen; a failure for a name or handle that is none of yours."""
    ref = ref.strip()
    if UUID.match(ref):
        return state.directory.known_channel(ref.lower())
    ref = ref.removeprefix(DM_PREFIX).strip()
    if ref.startswith("@"):
        dm = await state.directory.dm_with(ref[1:])
        if dm is None:
            raise ToolFailure(
                f"you have no DM with {ref} yet. Next: send_message(channel={ref!r}, …) starts one."
            )
        return dm
    found = await state.directory.channels_named(ref.removeprefix("#"))
    return only_one(
        found,
        ref,
        "channels",
        missing="Next: list_channels shows your channels with their names and ids.",
    )


class Named(Protocol):
    id: str


N = TypeVar("N", bound=Named)


def only_one(found: list[N], ref: str, things: str, *, missing: str) -> N:
    """The one thing of yours named `ref`: a failure (ending with `missing`) when none is,
    one asking for an id when several are."""
    if not found:
        raise ToolFailure(f"none of your {things} is named {ref!r}. {missing}")
    if len(found) > 1:
        ids = ", ".join(thing.id for thing in found)
        raise ToolFailure(f"several of your {things} are named {ref!r} ({ids}); name one by id.")
    return found[0]


async def resolve_principal(state: Sesame, ref: str) -> PrincipalSummary:
    """The active principal `ref` names."""
    ref = ref.strip()
    if ref.lower() == "me":
        ref = state.me.id
    principals = await state.directory.list_principals()
    if UUID.match(ref):
        found = [p for p in principals if p.id == ref.lower()]
    else:
        handle = ref.removeprefix("@").lower()
        found = [p for p in principals if p.handle == handle]
    if not found:
        raise ToolFailure(
            f"no active principal is {ref!r}. Next: find_principals (toolset people) lists "
            "the workspace's humans and agents with their handles."
        )
    return found[0]


async def resolve_message_id(state: Sesame, channel_id: str, ref: str) -> str:
    """The id of the message `ref` names in the channel."""
    ref = ref.strip()
    if UUID.match(ref):
        return ref.lower()
    return (await message_at(state, channel_id, ref)).id


async def resolve_message(state: Sesame, channel_id: str, ref: str) -> Message:
    """The message `ref` names in the channel. The platform reads messages by seq only, so an
    id is looked for page by page: fine for prompts, too slow for tools."""
    ref = ref.strip()
    if not UUID.match(ref):
        return await message_at(state, channel_id, ref)
    async for message in state.client.messages.after(channel_id, 0):
        if message.id == ref.lower():
            return message
    raise ToolFailure(f"no message {ref} in this channel. Next: read_messages lists them.")


async def message_at(state: Sesame, channel_id: str, ref: str) -> Message:
    """The message with seq `ref` (`12` or `#12`) in the channel."""
    match = SEQ.match(ref.strip())
    if match is None:
        raise ToolFailure(f"{ref!r} is neither a message id nor a seq such as 12 or #12.")
    seq = int(match.group(1))
    page = await state.client.messages.history(
        channel_id, cursor=seq - 1, limit=1, direction="after", include_replies=True
    )
    if not page.items or page.items[0].seq != seq:
        raise ToolFailure(
            f"no message #{seq} in this channel. Next: read_messages shows the messages with "
            "their seqs."
        )
    return page.items[0]


async def channel_names(state: Sesame, prefix: str) -> list[str]:
    """Completion values for channel arguments: #names and @handles of DMs."""
    channels = await state.directory.list_channels()
    names = [f"#{c.name}" for c in channels if c.name and not c.is_archived]
    names += [f"@{c.dm_partner.handle}" for c in channels if c.dm_partner]
    wanted = prefix.strip().lstrip("#@").casefold()
    return [name for name in names if name[1:].casefold().startswith(wanted)]


async def handles(state: Sesame, prefix: str) -> list[str]:
    """Completion values for principal arguments: @handles."""
    wanted = prefix.strip().lstrip("@").lower()
    principals = await state.directory.list_principals()
    return sorted(f"@{p.handle}" for p in principals if p.handle.startswith(wanted))


async def channel_ids(state: Sesame, prefix: str) -> list[str]:
    """Completion values for channel ids (in resource URIs), matched by the start of the id
    or of the channel's name."""
    wanted = prefix.strip().lstrip("#").casefold()
    return [
        channel.id
        for channel in await state.directory.list_channels()
        if channel.id.startswith(wanted) or (channel.name or "").casefold().startswith(wanted)
    ]
