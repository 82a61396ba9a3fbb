"""`/channels/:cid/messages`: send, history, edit, delete, reactions and read positions."""

from __future__ import annotations

from functools import partial
from typing import Annotated

import orjson
from fastapi import APIRouter, Path, Query, Response, status

from server_core.features.messages import service
from server_core.features.messages.schemas import (
    AddReactionRequest,
    Direction,
    EditMessageRequest,
    MarkReadRequest,
    Message,
    MessageReactions,
    ReadPosition,
    SendMessageRequest,
)
from server_core.kernel.http import CallerDep, PlatformDep, StandaloneCallerDep, TxDep
from server_core.kernel.pagination import DEFAULT_LIMIT, MAX_LIMIT
from server_core.kernel.wire import Envelope, ListEnvelope, also, errors, ok

router = APIRouter(prefix="/channels/{cid}/messages", tags=["messages"])

MessageId = Annotated[str, Path(description="Message id")]
ID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"


@router.post(
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
            service.send, keyring=platform.keyring, caller=caller, channel_id=cid, request=body
        ),
        order_key=cid.lower(),  # the lock order: one spelling per channel
    )
    # Encoded here: the message was validated when it was built; once is enough.
    payload = {"ok": True, "data": result.message.model_dump(mode="json")}
    code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
    return Response(orjson.dumps(payload), status_code=code, media_type="application/json")


@router.get(
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
            service.history,
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


@router.post(
    "/read",
    responses=errors(400, 401, 403, 404, 413),
    summary="Mark everything up to and including seq as read",
)
async def mark_read(
    cid: str, body: MarkReadRequest, caller: CallerDep, tx: TxDep
) -> Envelope[ReadPosition]:
    position = await tx.unit(
        partial(service.mark_read, caller=caller, channel_id=cid, seq=body.seq)
    )
    return ok(ReadPosition.model_validate(position))


@router.patch(
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
                service.edit,
                keyring=platform.keyring,
                caller=caller,
                channel_id=cid,
                message_id=mid,
                request=body,
            )
        )
    )


@router.delete(
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
                service.delete,
                keyring=platform.keyring,
                caller=caller,
                channel_id=cid,
                message_id=mid,
            )
        )
    )


@router.post(
    "/{mid}/reactions",
    responses=errors(400, 401, 403, 404, 409, 413),
    summary="Add your reaction (idempotent)",
)
async def add_reaction(
    cid: str, mid: MessageId, body: AddReactionRequest, caller: CallerDep, tx: TxDep
) -> Envelope[MessageReactions]:
    reactions = await tx.unit(
        partial(
            service.react, caller=caller, channel_id=cid, message_id=mid, emoji=body.emoji, add=True
        )
    )
    return ok(MessageReactions.model_validate({"messageId": mid, "reactions": reactions}))


@router.delete(
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
            service.react,
            caller=caller,
            channel_id=cid,
            message_id=mid,
            emoji=emoji.strip(),
            add=False,
        )
    )
    return ok(MessageReactions.model_validate({"messageId": mid, "reactions": reactions}))
