"""What the listener hands out: server events as `ServerEvent`, acks as `DeliveryAck`, error
frames as `SesameError`."""

from __future__ import annotations

import asyncio
import json
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from server_core.features.messaging.schemas import Message
from sesame_mcp.client.errors import SesameError

log = logging.getLogger(__name__)

END = object()  # queued after the last event
AUTH_FAILED = 4001  # the close code of a refused auth frame


def decode(raw: str | bytes) -> dict[str, Any] | None:
    """A frame as a JSON object; None (and a log line) for anything else."""
    try:
        frame = json.loads(raw)
    except ValueError:
        frame = None
    if not isinstance(frame, dict):
        log.warning("ignoring a frame that is not a JSON object: %.200r", raw)
        return None
    return frame


async def authenticate(ws: ClientConnection, auth: dict[str, Any], within: float) -> dict[str, Any]:
    """Send the `auth` frame and return the `authenticated` answer. A refusal (an `error`
    frame, then close 4001) raises it as `SesameError`; other closes raise ConnectionClosed."""
    await ws.send(json.dumps(auth))
    refusal: dict[str, Any] | None = None
    try:
        async with asyncio.timeout(within):
            while True:
                frame = decode(await ws.recv())
                if frame is not None and frame.get("type") == "authenticated":
                    return frame
                if frame is not None and frame.get("type") == "error":
                    refusal = frame
    except ConnectionClosed:
        if ws.close_code != AUTH_FAILED:
            raise
    raise error_from_frame(refusal or {"message": "Authentication failed", "status": 401})


@dataclass(frozen=True)
class ServerEvent:
    """One event as the gateway sent it: `type` (`message`, `message.edited`,
    `message.deleted`, `reaction`, `membership`, `channel.updated`, `read_receipt`, `typing`,
    `presence`, `error`, …) and `data`, the rest of the frame in wire (camelCase) names.
    For `message` events, `message` is the server's `Message` model."""

    type: str
    data: dict[str, Any] = field(default_factory=dict)
    message: Message | None = None

    @property
    def channel_id(self) -> str | None:
        """The channel the event is about, when it is about one."""
        if self.message is not None:
            return self.message.channel_id
        value = self.data.get("channelId")
        return value if isinstance(value, str) else None

    @classmethod
    def from_frame(cls, frame: dict[str, Any]) -> ServerEvent:
        data = {key: value for key, value in frame.items() if key != "type"}
        message = None
        if frame.get("type") == "message":
            try:
                message = Message.model_validate(data.get("message"))
            except ValidationError:
                log.warning("a message event of an unexpected shape", exc_info=True)
        return cls(str(frame.get("type")), data, message)


@dataclass(frozen=True)
class DeliveryAck:
    """The gateway's answer to a `send` frame: the message is stored with this seq."""

    channel_id: str
    message_id: str
    seq: int
    client_generated_id: str | None

    @classmethod
    def from_frame(cls, frame: dict[str, Any]) -> DeliveryAck:
        return cls(
            channel_id=frame["channelId"],
            message_id=frame["messageId"],
            seq=int(frame["seq"]),
            client_generated_id=frame.get("clientGeneratedId"),
        )


def error_from_frame(frame: dict[str, Any]) -> SesameError:
    """An `error` frame as the error its REST counterpart would raise (`status`,
    `errorCode`; the numeric WebSocket `code` is in `details` when there are none)."""
    status = frame.get("status")
    code = frame.get("errorCode")
    details = frame.get("details")
    retry_after = None
    if isinstance(details, dict) and isinstance(details.get("retryAfterMs"), int | float):
        retry_after = float(details["retryAfterMs"]) / 1000
    return SesameError(
        str(frame.get("message") or "error"),
        status=status if isinstance(status, int) else None,
        code=code if isinstance(code, str) else f"ws_{frame.get('code')}",
        details=details,
        retry_after=retry_after,
    )


def in_seq_order(events: Iterable[ServerEvent]) -> list[ServerEvent]:
    """The events with each channel's messages sorted by seq, in the places its messages held
    (other events keep their positions). A live message can reach a new connection just
    before the replay of older ones."""
    ordered = list(events)
    places: dict[str, list[int]] = defaultdict(list)
    for index, event in enumerate(ordered):
        if event.message is not None:
            places[event.message.channel_id].append(index)
    for indexes in places.values():
        messages = sorted((ordered[i] for i in indexes), key=_seq)
        for index, event in zip(indexes, messages, strict=True):
            ordered[index] = event
    return ordered


def _seq(event: ServerEvent) -> int:
    return event.message.seq if event.message is not None else 0
