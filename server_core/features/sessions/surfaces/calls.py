"""What every compatibility surface does the same way: read a JSON body, authenticate the
caller with the platform's credentials, and run one of the sessions services in the store as
the `/api/v1` operations do. Each surface renders the answer and the errors in its own shape.

Errors reach a surface as `ApiError`s (the kernel's tree): a body that is not JSON is
`MalformedJson`, one its model refuses is `ValidationFailed` with the fields in `details`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import orjson
from pydantic import BaseModel, ValidationError
from sqlalchemy.engine import Connection
from starlette.requests import Request

from server_core.kernel.auth import Caller, authenticate_on
from server_core.kernel.errors import (
    ApiError,
    BadRequest,
    InvalidCredentials,
    MalformedJson,
    PayloadTooLarge,
    ValidationFailed,
)
from server_core.kernel.events import Event
from server_core.kernel.platform import Platform
from server_core.kernel.routing import client_address

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


def platform_of(request: Request) -> Platform:
    platform: Platform = request.app.state.platform
    return platform


async def json_object(request: Request, *, required: bool = True) -> dict[str, Any]:
    """The request's body as a JSON object (an empty body is `{}` unless required)."""
    cap = platform_of(request).settings.max_body_bytes
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > cap:
        raise PayloadTooLarge(f"A request body is at most {cap} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise PayloadTooLarge(f"A request body is at most {cap} bytes")
        chunks.append(chunk)
    body = b"".join(chunks)
    if not body.strip():
        if required:
            raise BadRequest("The request needs a JSON object body")
        return {}
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise MalformedJson("The body is not valid JSON") from error
    if not isinstance(payload, dict):
        raise BadRequest("The body must be a JSON object")
    return payload


def parse(model: type[M], data: Any) -> M:
    """`data` as `model`, or a 400 naming the fields at fault."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        fields = [
            {
                "field": ".".join(str(part) for part in problem["loc"]),
                "message": problem["msg"],
            }
            for problem in error.errors(include_url=False, include_input=False)
        ]
        names = ", ".join(problem["field"] or "body" for problem in fields)
        raise ValidationFailed(f"Invalid request ({names})", details=fields) from None


def reference(value: str, field: str = "sessionId") -> str:
    """A session reference from a path or a body: 1 to 128 characters, no NUL (which names
    nothing and PostgreSQL refuses)."""
    value = value.strip()
    if not value or len(value) > 128 or "\x00" in value:
        raise ValidationFailed(
            f"{field} must be 1 to 128 characters without NUL", details=[{"field": field}]
        )
    return value


class Calls:
    """Runs services for one request, authenticated by `authorization` (the header value:
    `Bearer <api key or token>` or `Signature …`)."""

    def __init__(self, request: Request, authorization: str | None) -> None:
        self.request = request
        self.platform = platform_of(request)
        self.authorization = authorization
        self.caller: Caller | None = None

    def _authenticate(self, conn: Connection) -> Caller:
        if self.caller is None:
            self.caller = authenticate_on(conn, self.authorization, self.platform.signing_secret)
            self.request.state.caller = self.caller  # for the access log
        return self.caller

    async def _throttled(self, error: InvalidCredentials) -> ApiError:
        address = client_address(self.request)
        return await self.platform.throttle.bad_credentials(address, error)

    async def write(self, service: Callable[..., T], **arguments: Any) -> T:
        """`service(conn, events, caller=…, **arguments)` in a write transaction."""

        def unit(conn: Connection, events: list[Event]) -> T:
            return service(conn, events, caller=self._authenticate(conn), **arguments)

        try:
            async with self.platform.store.transaction() as tx:
                return await tx.unit(unit)
        except InvalidCredentials as error:
            raise await self._throttled(error) from None

    async def read(self, service: Callable[..., T], **arguments: Any) -> T:
        """`service(conn, caller=…, **arguments)` in a read of its own."""

        def work(conn: Connection) -> T:
            return service(conn, caller=self._authenticate(conn), **arguments)

        try:
            return await self.platform.store.read(work)
        except InvalidCredentials as error:
            raise await self._throttled(error) from None

    async def who(self) -> Caller:
        """The authenticated caller (for services that run as flows)."""
        try:
            return await self.platform.store.read(self._authenticate)
        except InvalidCredentials as error:
            raise await self._throttled(error) from None
