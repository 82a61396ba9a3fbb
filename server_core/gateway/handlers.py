"""Client frames after authentication: ping, replay, send, read, typing, status.

A frame that cannot be served gets an `error` frame and the connection carries on: malformed
JSON, an unknown type or bad fields (4000), a frame over 64 KiB (4013), and whatever the
services refuse, coded from its HTTP status (403 → 4003, 404 → 4004, 409 → 4009, 429 → 4029;
unexpected failures 4500).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from functools import partial
from typing import TYPE_CHECKING, Any

import orjson
from pydantic import ValidationError
from sqlalchemy.engine import Connection as DbConnection
from sqlalchemy.exc import DataError, IntegrityError

from server_core.features.agents.schemas import StatusRequest
from server_core.features.agents.status import set_status
from server_core.features.messaging.channels import access_member_channel
from server_core.features.messaging.errors import NotChannelMember
from server_core.features.messaging.events import Typing
from server_core.features.messaging.messages import do_send, replay_after
from server_core.features.messaging.reads import do_mark_read
from server_core.features.messaging.schemas import MarkReadRequest, SendMessageRequest
from server_core.gateway import frames
from server_core.kernel.errors import ApiError, BadRequest, Conflict, NotFound, ValidationFailed
from server_core.kernel.events import EventRoute
from server_core.kernel.ids import parse_id

if TYPE_CHECKING:
    from server_core.gateway.connection import Connection

log = logging.getLogger(__name__)

REPLAY_PAGE = 100
UNSTORABLE = "A value in the frame cannot be stored"
CONFLICTING = "This conflicts with existing data; retry"

Handler = Callable[["Connection", dict[str, Any]], Awaitable[None]]


def _frame_bytes(text: str) -> int:
    """The UTF-8 size of a text frame, without encoding short ones."""
    if len(text) * 4 <= frames.MAX_FRAME_BYTES:
        return len(text)
    return len(text.encode())


async def handle(conn: Connection, message: MutableMapping[str, Any]) -> None:
    """Serve one received WebSocket message; answer an error frame when it cannot be served."""
    text = message.get("text")
    if not isinstance(text, str):
        error = frames.bad_frame("Binary frames are not supported: send JSON text frames")
        await conn.send(frames.encode(error))
        return
    size = _frame_bytes(text)
    if size > frames.MAX_FRAME_BYTES:
        error = frames.error_frame(
            f"Frame too large: {size} bytes, the limit is {frames.MAX_FRAME_BYTES}",
            frames.FRAME_TOO_LARGE,
            status=413,
            error_code="payload_too_large",
        )
        await conn.send(frames.encode(error))
        return
    try:
        frame = orjson.loads(text)
    except orjson.JSONDecodeError:
        await conn.send(frames.encode(frames.bad_frame("Malformed JSON")))
        return
    if not isinstance(frame, dict):
        error = frames.bad_frame("A frame is a JSON object with a type")
        await conn.send(frames.encode(error))
        return
    kind = frame.get("type")
    handler = HANDLERS.get(kind) if isinstance(kind, str) else None
    if handler is None:
        known = ", ".join(sorted(HANDLERS))
        error = frames.bad_frame(f"Unknown frame type {kind!r}; expected one of {known}", frame)
        await conn.send(frames.encode(error))
        return
    try:
        await handler(conn, frame)
    except ValidationError as exc:
        await conn.send(frames.encode(frames.validation_error(exc, frame)))
    except ApiError as exc:
        await conn.send(frames.encode(frames.api_error(exc, frame)))
    except DataError:
        await conn.send(frames.encode(frames.api_error(BadRequest(UNSTORABLE), frame)))
    except IntegrityError:
        await conn.send(frames.encode(frames.api_error(Conflict(CONFLICTING), frame)))
    except Exception:
        log.exception("serving a WebSocket frame failed", extra={"frame_type": kind})
        await conn.send(frames.encode(frames.api_error(ApiError(), frame)))


def _channel_id(frame: dict[str, Any]) -> str:
    value = frame.get("channelId")
    if not isinstance(value, str) or not value:
        raise ValidationFailed("channelId: a channel id is required")
    return value


def _fields(frame: dict[str, Any]) -> dict[str, Any]:
    """The frame's payload: everything but `type` and `channelId`."""
    return {key: value for key, value in frame.items() if key not in ("type", "channelId")}


async def _ping(conn: Connection, frame: dict[str, Any]) -> None:
    await conn.send(frames.PONG)


async def _auth(conn: Connection, frame: dict[str, Any]) -> None:
    raise BadRequest("Already authenticated")


def _cursors(value: Any) -> dict[str, int]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValidationFailed("cursors: must be an object {channelId: seq}")
    cursors: dict[str, int] = {}
    for key, seq in value.items():
        if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
            raise ValidationFailed(f"cursors.{key}: must be a seq (an integer >= 0)")
        canonical = parse_id(key)
        if canonical is not None:  # anything else names no channel of the caller's
            cursors[canonical] = seq
    return cursors


async def _replay(conn: Connection, frame: dict[str, Any]) -> None:
    """Every member channel's messages after its cursor (0 when absent), then `replay.done`.
    Live messages arriving meanwhile are held and sent after it, unless replayed."""
    cursors = _cursors(frame.get("cursors"))
    conn.begin_replay()
    try:
        for channel_id in sorted(conn.channels):
            await _replay_channel(conn, channel_id, cursors.get(channel_id, 0))
        await conn.send(frames.REPLAY_DONE)
    finally:
        conn.end_replay()


async def _replay_channel(conn: Connection, channel_id: str, cursor: int) -> None:
    platform = conn.platform
    after = end = cursor
    while True:

        def page_after(db: DbConnection, after: int = after) -> list[dict[str, Any]]:
            return replay_after(
                db, platform.keyring, conn.caller, channel_id, after, REPLAY_PAGE, platform.settings
            )

        try:
            async with platform.store.transaction(write=False) as tx:
                page = await tx.run(page_after)
        except (NotFound, NotChannelMember):
            return  # left the channel meanwhile
        for message in page:
            if not conn.seqs.covers(channel_id, message["seq"]):
                await conn.send(frames.encode({"type": "message", "message": message}))
        if page:
            after = page[-1]["seq"]
            end = max(end, after)
        if len(page) < REPLAY_PAGE:
            break
    conn.seqs.replayed(channel_id, end)


async def _send(conn: Connection, frame: dict[str, Any]) -> None:
    channel_id = _channel_id(frame)
    request = SendMessageRequest.model_validate(_fields(frame))
    platform = conn.platform
    result = await platform.store.combined(
        partial(
            do_send,
            keyring=platform.keyring,
            caller=conn.caller,
            channel_id=channel_id,
            request=request,
            settings=platform.settings,
        ),
        order_key=parse_id(channel_id) or channel_id,
    )
    message = result.data
    ack = {
        "type": "delivery.ack",
        "channelId": message.channel_id,
        "messageId": message.id,
        "seq": message.seq,
        "clientGeneratedId": message.client_generated_id,
    }
    await conn.send(frames.encode(ack))


async def _read(conn: Connection, frame: dict[str, Any]) -> None:
    channel_id = _channel_id(frame)
    request = MarkReadRequest.model_validate({k: v for k, v in frame.items() if k == "seq"})
    async with conn.platform.store.transaction() as tx:
        await tx.unit(
            partial(do_mark_read, caller=conn.caller, channel_id=channel_id, request=request)
        )


async def _typing(conn: Connection, frame: dict[str, Any]) -> None:
    channel_id = _channel_id(frame)
    canonical = parse_id(channel_id)
    if canonical is None or canonical not in conn.channels:
        # Not a channel this connection follows: the store says why (404 or 403), or that
        # the membership is newer than this connection's view of it.
        async with conn.platform.store.transaction(write=False) as tx:
            access = await tx.run(lambda db: access_member_channel(db, conn.caller, channel_id))
        canonical = access.channel["id"]
    assert canonical is not None
    caller = conn.caller
    event = Typing(
        channel_id=canonical,
        principal_id=caller.principal_id,
        handle=caller.handle,
        route=EventRoute(workspace_id=caller.workspace_id, channel_id=canonical),
    )
    await conn.platform.bus.publish([event])


async def _status(conn: Connection, frame: dict[str, Any]) -> None:
    request = StatusRequest.model_validate(_fields(frame))
    async with conn.platform.store.transaction() as tx:
        await tx.unit(partial(set_status, subject=conn.caller, request=request))


HANDLERS: dict[str, Handler] = {
    "ping": _ping,
    "replay": _replay,
    "send": _send,
    "read": _read,
    "typing": _typing,
    "status": _status,
    "auth": _auth,
}
