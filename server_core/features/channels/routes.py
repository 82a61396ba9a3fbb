"""`/channels`: channels, members and the channel metadata endpoints."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from server_core.features.channels import service
from server_core.features.channels.schemas import (
    AddMemberRequest,
    Channel,
    ChannelMember,
    CreateChannelRequest,
    DmRequest,
    PrincipalSummary,
    ReadReceipt,
    SetContextRequest,
    SetCoordinationRequest,
    SharedLink,
    ThreadOwnership,
    TransferThreadRequest,
    UpdateChannelRequest,
    UpdateMemberRequest,
)
from server_core.kernel.http import CallerDep, PlatformDep, TxDep
from server_core.kernel.wire import Envelope, also, errors, ok

router = APIRouter(prefix="/channels", tags=["channels"])

ChannelId = Annotated[str, Path(description="Channel id")]
PrincipalPath = Annotated[str, Path(description="Principal id of the member")]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=also(200, Envelope[Channel], "The existing DM") | errors(400, 401, 404, 413),
    summary="Create a channel (a dm returns the existing one if there is one)",
)
async def create_channel(
    body: CreateChannelRequest, caller: CallerDep, tx: TxDep, response: Response
) -> Envelope[Channel]:
    channel, created = await tx.unit(partial(service.create_channel, caller=caller, request=body))
    if not created:
        response.status_code = status.HTTP_200_OK
    return ok(channel)


@router.post(
    "/dm",
    responses=also(201, Envelope[Channel], "A new DM") | errors(400, 401, 404, 413),
    summary="Get or create the DM with a principal",
)
async def open_dm(
    body: DmRequest, caller: CallerDep, tx: TxDep, response: Response
) -> Envelope[Channel]:
    channel, created = await tx.unit(
        partial(service.open_dm, caller=caller, principal_id=body.principal_id)
    )
    if created:
        response.status_code = status.HTTP_201_CREATED
    return ok(channel)


@router.get("", responses=errors(401), summary="List your channels")
async def list_channels(caller: CallerDep, tx: TxDep) -> Envelope[list[Channel]]:
    return ok(await tx.run(partial(service.list_channels, caller=caller)))


@router.get(
    "/unread",
    responses=errors(401),
    summary="Unread counts: {channelId: count} over your channels that are not archived",
)
async def unread(caller: CallerDep, tx: TxDep) -> Envelope[dict[str, int]]:
    return ok(await tx.run(partial(service.unread, caller=caller)))


@router.get(
    "/principals",
    responses=errors(401),
    summary="Active principals of the workspace (to pick DM partners and members)",
)
async def list_principals(caller: CallerDep, tx: TxDep) -> Envelope[list[PrincipalSummary]]:
    return ok(await tx.run(partial(service.list_principals, caller=caller)))


@router.get("/{id}", responses=errors(401, 403, 404), summary="Get a channel (members only)")
async def get_channel(id: ChannelId, caller: CallerDep, tx: TxDep) -> Envelope[Channel]:
    return ok(await tx.run(partial(service.get_channel, caller=caller, channel_id=id)))


@router.patch(
    "/{id}",
    responses=errors(400, 401, 403, 404, 409, 413),
    summary="Update channel settings (owners and admins; archiving: owners)",
)
async def update_channel(
    id: ChannelId, body: UpdateChannelRequest, caller: CallerDep, tx: TxDep
) -> Envelope[Channel]:
    return ok(
        await tx.unit(partial(service.update_channel, caller=caller, channel_id=id, request=body))
    )


@router.put(
    "/{id}/context",
    responses=errors(400, 401, 403, 404, 409, 413),
    summary="Replace the channel context (versioned; owners and admins)",
)
async def set_context(
    id: ChannelId, body: SetContextRequest, caller: CallerDep, tx: TxDep
) -> Envelope[Channel]:
    return ok(
        await tx.unit(
            partial(service.set_context, caller=caller, channel_id=id, context=body.context)
        )
    )


@router.put(
    "/{id}/coordination",
    responses=errors(400, 401, 403, 404, 409, 413),
    summary="Set the coordination mode and loop prevention (owners and admins)",
)
async def set_coordination(
    id: ChannelId, body: SetCoordinationRequest, caller: CallerDep, tx: TxDep
) -> Envelope[Channel]:
    return ok(
        await tx.unit(partial(service.set_coordination, caller=caller, channel_id=id, request=body))
    )


@router.post(
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
                service.add_member,
                keyring=platform.keyring,
                caller=caller,
                channel_id=id,
                request=body,
            )
        )
    )


@router.get("/{id}/members", responses=errors(401, 403, 404), summary="List members")
async def list_members(
    id: ChannelId, caller: CallerDep, tx: TxDep
) -> Envelope[list[ChannelMember]]:
    return ok(await tx.run(partial(service.list_members, caller=caller, channel_id=id)))


@router.patch(
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
                service.update_member, caller=caller, channel_id=id, principal_id=pid, request=body
            )
        )
    )


@router.delete(
    "/{id}/members/{pid}",
    responses=errors(400, 401, 403, 404, 409),
    summary="Remove a member, or leave (your own id)",
)
async def remove_member(
    id: ChannelId, pid: PrincipalPath, caller: CallerDep, tx: TxDep
) -> Envelope[ChannelMember]:
    return ok(
        await tx.unit(
            partial(service.remove_member, caller=caller, channel_id=id, principal_id=pid)
        )
    )


@router.get(
    "/{id}/read-receipts",
    responses=errors(401, 403, 404),
    summary="Members' read positions, with their read-receipt emoji",
)
async def read_receipts(id: ChannelId, caller: CallerDep, tx: TxDep) -> Envelope[list[ReadReceipt]]:
    return ok(await tx.run(partial(service.read_receipts, caller=caller, channel_id=id)))


@router.post(
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
                service.transfer_thread,
                caller=caller,
                channel_id=id,
                message_id=mid,
                new_owner_id=body.new_owner_id,
            )
        )
    )


@router.get(
    "/{id}/links",
    responses=errors(401, 403, 404),
    summary="Links shared in the channel's recent messages (newest first, up to 100)",
)
async def shared_links(
    id: ChannelId, caller: CallerDep, tx: TxDep, platform: PlatformDep
) -> Envelope[list[SharedLink]]:
    return ok(
        await tx.run(
            partial(service.shared_links, keyring=platform.keyring, caller=caller, channel_id=id)
        )
    )
