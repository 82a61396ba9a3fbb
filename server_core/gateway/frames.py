"""Frames the gateway writes: encoding, and the `error` frame with its numeric codes."""

from __future__ import annotations

from typing import Any, Protocol

import orjson
from pydantic import ValidationError
from websockets.frames import Frame, Opcode

from server_core.kernel.errors import ApiError

MAX_FRAME_BYTES = 65_536  # client frames; larger ones get an error frame

# Close codes (the protocol reference's table, plus the standard ones the gateway uses).
GOING_AWAY = 1001
INTERNAL_ERROR = 1011
TRY_AGAIN_LATER = 1013
AUTH_FAILED = 4001
AUTH_TIMEOUT = 4008

# Error frame codes.
BAD_FRAME = 4000
FRAME_TOO_LARGE = 4013
INTERNAL = 4500


def encode(frame: dict[str, Any]) -> str:
    return orjson.dumps(frame).decode()


class Outgoing:
    """A frame on its way out: its JSON text and, built once however many connections it
    goes to, its bytes as one WebSocket text frame. Frames from a server are not masked, so
    the bytes are the same for every connection."""

    __slots__ = ("_wire", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._wire: bytes | None = None

    @property
    def wire(self) -> bytes:
        if self._wire is None:
            self._wire = Frame(Opcode.TEXT, self.text.encode()).serialize(mask=False)
        return self._wire


# Where the ASGI scope's extensions carry the connection's `FrameWriter`, when the server
# offers one (`uvicorn_ws.GatewayWebSocketProtocol` does).
FRAME_WRITER = "sesame.frame_writer"


class FrameWriter(Protocol):
    """Writes serialized frames straight to a connection's transport, skipping the ASGI send
    (one buffer write per delivery instead of a message through the ASGI layer)."""

    def write_frame(self, data: bytes) -> bool:
        """Write one serialized frame, unless the transport's buffer is full: then False (wait
        with `until_writable` and try again). Once the connection is closing, frames are
        dropped (True)."""
        ...

    async def until_writable(self) -> None:
        """Wait until the transport's buffer has drained below its low-water mark."""
        ...


PONG = encode({"type": "pong"})
REPLAY_DONE = encode({"type": "replay.done"})


def code_for_status(status: int) -> int:
    """HTTP status → error frame code: 4xx → 40xx (403 → 4003, 429 → 4029), 5xx → 45xx."""
    if 400 <= status < 500:
        return 4000 + status - 400
    return INTERNAL + max(0, status - 500) if 500 <= status < 600 else INTERNAL


def error_frame(
    message: str,
    code: int,
    *,
    status: int | None = None,
    error_code: str | None = None,
    frame: dict[str, Any] | None = None,
    details: Any = None,
) -> dict[str, Any]:
    """`{"type": "error", "message", "code", "status", "errorCode", "frame"}`, plus the
    offending frame's `channelId` and `clientGeneratedId` when it had them."""
    kind = frame.get("type") if frame is not None else None
    body: dict[str, Any] = {
        "type": "error",
        "message": message,
        "code": code,
        "status": status if status is not None else 400,
        "errorCode": error_code or "bad_frame",
        "frame": kind if isinstance(kind, str) else None,
    }
    if frame is not None:
        for key in ("channelId", "clientGeneratedId"):
            if key in frame:
                body[key] = frame[key]
    if details is not None:
        body["details"] = details
    return body


def bad_frame(message: str, frame: dict[str, Any] | None = None) -> dict[str, Any]:
    return error_frame(message, BAD_FRAME, status=400, error_code="bad_frame", frame=frame)


def api_error(error: ApiError, frame: dict[str, Any] | None) -> dict[str, Any]:
    return error_frame(
        error.message,
        code_for_status(error.status),
        status=error.status,
        error_code=error.code,
        frame=frame,
        details=error.details,
    )


def validation_error(error: ValidationError, frame: dict[str, Any] | None) -> dict[str, Any]:
    problems = [
        {
            "field": ".".join(str(part) for part in problem.get("loc", ())) or "frame",
            "message": problem.get("msg", "invalid"),
        }
        for problem in error.errors(include_url=False, include_input=False)
    ]
    first = problems[0] if problems else {"field": "frame", "message": "invalid"}
    message = f"{first['field']}: {first['message']}"
    if len(problems) > 1:
        message += f" (and {len(problems) - 1} more)"
    return error_frame(
        message,
        BAD_FRAME,
        status=400,
        error_code="validation_error",
        frame=frame,
        details=problems,
    )
