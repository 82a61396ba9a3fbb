"""`/channels`: channels, members and the channel metadata endpoints; `/channels/:cid/messages`:
send, history, edit, delete, reactions and read positions."""

from __future__ import annotations

from functools import partial
from typing import Annotated

import orjson
from fastapi import APIRouter, Path, Query, Response, status

from server_core.features.messaging import channels, members, messages, reads, settings
from server_core.features.messaging.schemas import (
    AddMemberRequest,
    AddReactionRequest,
    Channel,
    ChannelMember,
    CreateChannelRequest,
    Direction,
    DmRequest,
    EditMessageRequest,
    MarkReadRequest,
    Message,
    MessageReactions,
    PrincipalSummary,
    ReadPosition,
    ReadReceipt,
    SendMessageRequest,
    SetContextRequest,
    SetCoordinationRequest,
    SharedLink,
    ThreadOwnership,
    TransferThreadRequest,
    UpdateChannelRequest,
    UpdateMemberRequest,
)
from server_core.kernel.http import CallerDep, PlatformDep, StandaloneCallerDep, TxDep
from server_core.kernel.pagination import DEFAULT_LIMIT, MAX_LIMIT
from server_core.kernel.wire import Envelope, ListEnvelope, also, errors, ok

channel_router = APIRouter(prefix="/channels", tags=["channels"])

ChannelId = Annotated[str, Path(description="Channel id")]
PrincipalPath = Annotated[str, Path(description="Principal id of the member")]


@channel_router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=also(200, Envelope[Channel], "The existing DM") | errors(400, 401, 404, 413),
    summary="Create a channel (a dm returns the existing one if there is one)",
)
async def create_channel(
    body: CreateChannelRequest, caller: CallerDep, tx: TxDep, response: Response
) -> Envelope[Channel]:
    channel, created = await tx.unit(partial(channels.create_channel, caller=caller, request=body))
    if not created:
        response.status_code = status.HTTP_200_OK
    return ok(channel)


@channel_router.post(
    "/dm",
    responses=also(201, Envelope[Channel], "A new DM") | errors(400, 401, 404, 413),
    summary="Get or create the DM with a principal",
)
async def open_dm(
    body: DmRequest, caller: CallerDep, tx: TxDep, response: Response
) -> Envelope[Channel]:
    channel, created = await tx.unit(
        partial(channels.open_dm, caller=caller, principal_id=body.principal_id)
    )
    if created:
        response.status_code = status.HTTP_201_CREATED
    return ok(channel)


@channel_router.get("", responses=errors(401), summary="List your channels")
async def list_channels(caller: CallerDep, tx: TxDep) -> Envelope[list[Channel]]:
    return ok(await tx.run(partial(channels.list_channels, caller=caller)))


@channel_router.get(
    "/unread",
    responses=errors(401),
    summary="Unread counts: {channelId: count} over your channels that are not archived",
)
async def unread(caller: CallerDep, tx: TxDep) -> Envelope[dict[str, int]]:
    return ok(await tx.run(partial(reads.unread, caller=caller)))


@channel_router.get(
    "/principals",
    responses=errors(401),
    summary="Active principals of the workspace (to pick DM partners and members)",
)
async def list_principals(caller: CallerDep, tx: TxDep) -> Envelope[list[PrincipalSummary]]:
    return ok(await tx.run(partial(channels.list_principals, caller=caller)))


@channel_router.get(
    "/{id}", responses=errors(401, 403, 404), summary="Get a channel (members only)"
)
async def get_channel(id: ChannelId, caller: CallerDep, tx: TxDep) -> Envelope[Channel]:
    return ok(await tx.run(partial(channels.get_channel, caller=caller, channel_id=id)))


@channel_router.patch(
    "/{id}",
    responses=errors(400, 401, 403, 404, 409, 413),
    summary="Update channel settings (owners and admins; archiving: owners)",
)
async def update_channel(
    id: ChannelId, body: UpdateChannelRequest, caller: CallerDep, tx: TxDep
) -> Envelope[Channel]:
    return ok(
        await tx.unit(partial(settings.update_channel, caller=caller, channel_id=id, request=body))
    )


@channel_router.put(
    "/{id}/context",
    responses=errors(400, 401, 403, 404, 409, 413),
    summary="Replace the channel context (versioned; owners and admins)",
)
async def set_context(
    id: ChannelId, body: SetContextRequest, caller: CallerDep, tx: TxDep
) -> Envelope[Channel]:
    return ok(
        await tx.unit(
            partial(settings.set_context, caller=caller, channel_id=id, context=body.context)
        )
    )


@channel_router.put(
    "/{id}/coordination",
    responses=errors(400, 401, 403, 404, 409, 413),
    summary="Set the coordination mode and loop prevention (owners and admins)",
)
async def set_coordination(
    id: ChannelId, body: SetCoordinationRequest, caller: CallerDep, tx: TxDep
) -> Envelope[Channel]:
    return ok(
        await tx.unit(
            partial(settings.set_coordination, caller=caller, channel_id=id, request=body)
        )
    )


@channel_router.post(
    "/{id}/members",
    status_code=status.HTTP_201_CREATED,
    responses=errors(400, 401, 403, 404, 409, 413),
    summary="Add a member (owners and admins); posts a system join message",
)
async def add_member(
    id: ChannelId, body: AddMemberRequest, caller: CallerDep, tx: TxDep, platform: PlatformDep
) -> Envelope[ChannelMember]:
    return ok(
        await tx.unit(
            partial(
                members.add_member,
                keyring=platform.keyring,
                caller=caller,
                channel_id=id,
                request=body,
            )
        )
    )


@channel_router.get("/{id}/members", responses=errors(401, 403, 404), summary="List members")
async def list_members(
    id: ChannelId, caller: CallerDep, tx: TxDep
) -> Envelope[list[ChannelMember]]:
    return ok(await tx.run(partial(members.list_members, caller=caller, channel_id=id)))


@channel_router.patch(
    "/{id}/members/{pid}",
    responses=errors(400, 401, 403, 404, 409, 413),
    summary="Update a member: role (owners and admins), muted and participationMode",
)
async def update_member(
    id: ChannelId, pid: PrincipalPath, body: UpdateMemberRequest, caller: CallerDep, tx: TxDep
) -> Envelope[ChannelMember]:
    return ok(
        await tx.unit(
            partial(
                members.update_member, caller=caller, channel_id=id, principal_id=pid, request=body
            )
        )
    )


@channel_router.delete(
    "/{id}/members/{pid}",
    responses=errors(400, 401, 403, 404, 409),
    summary="Remove a member, or leave (your own id)",
)
async def remove_member(
    id: ChannelId, pid: PrincipalPath, caller: CallerDep, tx: TxDep
) -> Envelope[ChannelMember]:
    return ok(
        await tx.unit(
            partial(members.remove_member, caller=caller, channel_id=id, principal_id=pid)
        )
    )


@channel_router.get(
    "/{id}/read-receipts",
    responses=errors(401, 403, 404),
    summary="Members' read positions, with their read-receipt emoji",
)
async def read_receipts(id: ChannelId, caller: CallerDep, tx: TxDep) -> Envelope[list[ReadReceipt]]:
    return ok(await tx.run(partial(reads.read_receipts, caller=caller, channel_id=id)))


@channel_router.post(
    "/{id}/threads/{mid}/transfer",
    responses=errors(400, 401, 403, 404, 409, 413),
    summary="Hand a thread to another member (its owner, or channel owners and admins)",
)
async def transfer_thread(
    id: ChannelId,
    mid: Annotated[str, Path(description="The thread's root message id")],
    body: TransferThreadRequest,
    caller: CallerDep,
    tx: TxDep,
) -> Envelope[ThreadOwnership]:
    return ok(
        await tx.unit(
            partial(
                members.transfer_thread,
                caller=caller,
                channel_id=id,
                message_id=mid,
                new_owner_id=body.new_owner_id,
            )
        )
    )


@channel_router.get(
    "/{id}/links",
    responses=errors(401, 403, 404),
    summary="Links shared in the channel's recent messages (newest first, up to 100)",
)
async def shared_links(
    id: ChannelId, caller: CallerDep, tx: TxDep, platform: PlatformDep
) -> Envelope[list[SharedLink]]:
    return ok(
        await tx.run(
            partial(channels.shared_links, keyring=platform.keyring, caller=caller, channel_id=id)
        )
    )


# --- messages ------------------------------------------------------------------------------

message_router = APIRouter(prefix="/channels/{cid}/messages", tags=["messages"])

MessageId = Annotated[str, Path(description="Message id")]
ID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"


@message_router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=also(
        200, Envelope[Message], "A message with this clientGeneratedId already exists: that one"
    )
    | errors(400, 401, 403, 404, 409, 413, 429),
    summary="Send a message",
    response_model=Envelope[Message],
)
async def send_message(
    cid: str, body: SendMessageRequest, caller: StandaloneCallerDep, platform: PlatformDep
) -> Response:
    result = await platform.store.combined(
        partial(
            messages.send, keyring=platform.keyring, caller=caller, channel_id=cid, request=body
        ),
        order_key=cid.lower(),  # the lock order: one spelling per channel
    )
    # Encoded here: the message was validated when it was built; once is enough.
    payload = {"ok": True, "data": result.message.model_dump(mode="json")}
    code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
    return Response(orjson.dumps(payload), status_code=code, media_type="application/json")


@message_router.get(
    "",
    response_model=ListEnvelope[Message],
    responses=errors(400, 401, 403, 404),
    summary="Message history, oldest first within a page (cursor = seq)",
)
async def history(
    cid: str,
    caller: CallerDep,
    tx: TxDep,
    platform: PlatformDep,
    cursor: Annotated[
        int | None, Query(ge=0, le=2**62, description="A seq: page from here (exclusive)")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    direction: Annotated[
        Direction, Query(description="before: older than cursor (default, newest first page)")
    ] = "before",
    thread_root_id: Annotated[
        str | None,
        Query(alias="threadRootId", pattern=ID_PATTERN, description="Only this thread's replies"),
    ] = None,
    include_replies: Annotated[
        bool,
        Query(
            alias="includeReplies",
            description="Without threadRootId: also thread replies (default: top level only)",
        ),
    ] = False,
) -> Response:
    page = await tx.run(
        partial(
            messages.history,
            keyring=platform.keyring,
            caller=caller,
            channel_id=cid,
            cursor=cursor,
            limit=limit,
            direction=direction,
            thread_root_id=thread_root_id.lower() if thread_root_id else None,
            include_replies=include_replies,
        )
    )
    # Built by hand and encoded with orjson: history is the hottest read.
    body = {
        "ok": True,
        "data": page.messages,
        "pagination": {"cursor": page.cursor, "hasMore": page.has_more},
    }
    return Response(orjson.dumps(body), media_type="application/json")


@message_router.post(
    "/read",
    responses=errors(400, 401, 403, 404, 413),
    summary="Mark everything up to and including seq as read",
)
async def mark_read(
    cid: str, body: MarkReadRequest, caller: CallerDep, tx: TxDep
) -> Envelope[ReadPosition]:
    position = await tx.unit(partial(reads.mark_read, caller=caller, channel_id=cid, seq=body.seq))
    return ok(ReadPosition.model_validate(position))


@message_router.patch(
    "/{mid}",
    responses=errors(400, 401, 403, 404, 409, 413),
    summary="Edit your message (the previous text is kept as a revision)",
)
async def edit_message(
    cid: str,
    mid: MessageId,
    body: EditMessageRequest,
    caller: CallerDep,
    tx: TxDep,
    platform: PlatformDep,
) -> Envelope[Message]:
    return ok(
        await tx.unit(
            partial(
                messages.edit,
                keyring=platform.keyring,
                caller=caller,
                channel_id=cid,
                message_id=mid,
                request=body,
            )
        )
    )


@message_router.delete(
    "/{mid}",
    responses=errors(401, 403, 404, 409),
    summary="Delete a message (sender, or channel owners and admins): the text is erased",
)
async def delete_message(
    cid: str, mid: MessageId, caller: CallerDep, tx: TxDep, platform: PlatformDep
) -> Envelope[Message]:
    return ok(
        await tx.unit(
            partial(
                messages.delete,
                keyring=platform.keyring,
                caller=caller,
                channel_id=cid,
                message_id=mid,
            )
        )
    )


@message_router.post(
    "/{mid}/reactions",
    responses=errors(400, 401, 403, 404, 409, 413),
    summary="Add your reaction (idempotent)",
)
async def add_reaction(
    cid: str, mid: MessageId, body: AddReactionRequest, caller: CallerDep, tx: TxDep
) -> Envelope[MessageReactions]:
    reactions = await tx.unit(
        partial(
            messages.react,
            caller=caller,
            channel_id=cid,
            message_id=mid,
            emoji=body.emoji,
            add=True,
        )
    )
    return ok(MessageReactions.model_validate({"messageId": mid, "reactions": reactions}))


@message_router.delete(
    "/{mid}/reactions/{emoji}",
    responses=errors(400, 401, 403, 404, 409),
    summary="Remove your reaction (URL-encode the emoji; idempotent)",
)
async def remove_reaction(
    cid: str,
    mid: MessageId,
    emoji: Annotated[str, Path(min_length=1, max_length=32 * 4)],
    caller: CallerDep,
    tx: TxDep,
) -> Envelope[MessageReactions]:
    reactions = await tx.unit(
        partial(
            messages.react,
            caller=caller,
            channel_id=cid,
            message_id=mid,
            emoji=emoji.strip(),
            add=False,
        )
    )
    return ok(MessageReactions.model_validate({"messageId": mid, "reactions": reactions}))
