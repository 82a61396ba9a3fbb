"""The first phase of a connection: an `auth` frame within the deadline, or a close.

The frame's credentials become the Authorization header the REST API takes, and go through the
same `authenticate`: an API key or access token as `Bearer …`, an Ed25519 signature as
`Signature {handle}.{sig}.{timestamp}`.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import orjson
from starlette.websockets import WebSocket

from server_core.gateway import frames
from server_core.kernel.auth import Caller, authenticate
from server_core.kernel.errors import ApiError, InvalidCredentials, Unauthorized
from server_core.kernel.platform import Platform

log = logging.getLogger(__name__)

_SAYS_AUTH = re.compile(r'"type"\s*:\s*"auth"')


def authorization_header(frame: dict[str, Any]) -> str:
    """The Authorization header an auth frame stands for; raises a 401 when it has none."""
    api_key, token, signature = frame.get("apiKey"), frame.get("token"), frame.get("signature")
    if api_key is not None:
        if not isinstance(api_key, str) or not api_key:
            raise InvalidCredentials("apiKey must be a non-empty string")
        return f"Bearer {api_key}"
    if token is not None:
        if not isinstance(token, str) or not token:
            raise InvalidCredentials("token must be a non-empty string")
        return f"Bearer {token}"
    if signature is not None:
        if not isinstance(signature, dict):
            raise InvalidCredentials("signature must be an object {handle, sig, timestamp}")
        handle, sig, timestamp = (signature.get(k) for k in ("handle", "sig", "timestamp"))
        if not isinstance(handle, str) or not isinstance(sig, str):
            raise InvalidCredentials("signature.handle and signature.sig must be strings")
        if isinstance(timestamp, bool) or not isinstance(timestamp, int | str):
            raise InvalidCredentials("signature.timestamp must be milliseconds since the epoch")
        return f"Signature {handle}.{sig}.{timestamp}"
    raise InvalidCredentials("The auth frame needs apiKey, token or signature")


def _auth_frame(message: Any) -> dict[str, Any] | None:
    """The message as an auth frame, or None when it is anything else. A frame that says it is
    an auth frame but is not valid JSON (a number beyond a double, a lone surrogate, cut short)
    raises a 401: waiting for the deadline would only delay the same refusal."""
    text = message.get("text")
    if not isinstance(text, str) or len(text) > frames.MAX_FRAME_BYTES:
        return None
    try:
        frame = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        if _SAYS_AUTH.search(text):
            raise InvalidCredentials(f"Malformed auth frame: {exc}") from None
        return None
    if isinstance(frame, dict) and frame.get("type") == "auth":
        return frame
    return None


async def _refuse(websocket: WebSocket, error: dict[str, Any], code: int, reason: str) -> None:
    await websocket.send_text(frames.encode(error))
    await websocket.close(code, reason)


async def _refuse_credentials(
    websocket: WebSocket, exc: ApiError, frame: dict[str, Any] | None
) -> None:
    error = frames.error_frame(
        exc.message,
        frames.AUTH_FAILED,
        status=exc.status,
        error_code=exc.code,
        frame=frame,
        details=exc.details,
    )
    await _refuse(websocket, error, frames.AUTH_FAILED, "authentication failed")


async def handshake(websocket: WebSocket, platform: Platform) -> Caller | None:
    """Wait for a valid auth frame and return its caller; None when the connection was refused
    (and closed) or went away."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + platform.settings.ws_auth_timeout_seconds
    while True:
        try:
            async with asyncio.timeout_at(deadline):
                message = await websocket.receive()
        except TimeoutError:
            error = frames.error_frame(
                "No auth frame within the authentication timeout",
                frames.AUTH_TIMEOUT,
                status=401,
                error_code="auth_timeout",
            )
            await _refuse(websocket, error, frames.AUTH_TIMEOUT, "authentication timeout")
            return None
        if message["type"] == "websocket.disconnect":
            return None
        try:
            frame = _auth_frame(message)
        except Unauthorized as exc:
            await _refuse_credentials(websocket, exc, None)
            return None
        if frame is None:
            error = frames.error_frame(
                "authenticate first", frames.AUTH_FAILED, status=401, error_code="unauthorized"
            )
            await websocket.send_text(frames.encode(error))
            continue
        try:
            header = authorization_header(frame)
            async with platform.store.transaction(write=False) as tx:
                caller = await authenticate(tx, header, platform.signing_secret)
        except InvalidCredentials as exc:
            # Counted against the address as over REST: past the limit, a 429 in the frame.
            address = websocket.client.host if websocket.client else "unknown"
            refusal = await platform.throttle.bad_credentials(address, exc)
            await _refuse_credentials(websocket, refusal, frame)
            return None
        except Unauthorized as exc:
            await _refuse_credentials(websocket, exc, frame)
            return None
        except Exception:
            log.exception("authenticating a WebSocket connection failed")
            error = frames.error_frame(
                "Internal server error", frames.INTERNAL, status=500, error_code="internal_error"
            )
            await _refuse(websocket, error, frames.INTERNAL_ERROR, "internal error")
            return None
        return caller
