"""Wire models: camelCase JSON, millisecond UTC timestamps, the response envelope and error body."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainSerializer
from pydantic.alias_generators import to_camel

from server_core.kernel.clock import as_utc, to_wire

# Naive values (SQLite returns them) are UTC: models validate straight from rows.
Timestamp = Annotated[
    datetime,
    AfterValidator(as_utc),
    PlainSerializer(to_wire, return_type=str, when_used="json"),
    Field(json_schema_extra={"format": "date-time", "example": "2026-03-14T12:00:00.000Z"}),
]


class WireModel(BaseModel):
    """A response body model: snake_case in Python, camelCase on the wire."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        from_attributes=True,
    )


class RequestModel(WireModel):
    """A request body model. Unknown fields are dropped, so they can never reach protected
    columns (id, workspaceId, kind, isAdmin, ...): only declared fields are ever read."""

    model_config = ConfigDict(extra="ignore")


T = TypeVar("T")


def no_nul(value: str) -> str:
    """Refuse NUL characters: PostgreSQL cannot store them, so no engine accepts them."""
    if "\x00" in value:
        raise ValueError("must not contain NUL (\\u0000) characters")
    return value


def check_json_object(value: dict[str, Any], max_bytes: int) -> dict[str, Any]:
    """A free-form JSON object that both engines store faithfully and every client can read:
    finite numbers, integers within 64 bits, no NUL characters, at most `max_bytes`."""
    pending: list[Any] = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            no_nul(item)
        elif isinstance(item, float) and not math.isfinite(item):
            raise ValueError("numbers must be finite (no NaN or Infinity)")
        elif isinstance(item, int) and not -(2**63) <= item < 2**64:
            raise ValueError("integers must fit in 64 bits")
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    if len(json.dumps(value, separators=(",", ":"))) > max_bytes:
        raise ValueError(f"must serialize to at most {max_bytes} bytes of JSON")
    return value


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a paged list: pass `cursor` back for the next one (None at the end)."""

    items: list[T]
    cursor: str | int | None
    has_more: bool


class Envelope(WireModel, Generic[T]):
    """`{"ok": true, "data": ...}`."""

    ok: Literal[True] = True
    data: T


class Pagination(WireModel):
    cursor: str | int | None = Field(
        default=None, description="Pass as `cursor` to fetch the next page; null at the end"
    )
    has_more: bool


class ListEnvelope(WireModel, Generic[T]):
    """`{"ok": true, "data": [...], "pagination": {"cursor": ..., "hasMore": ...}}`."""

    ok: Literal[True] = True
    data: list[T]
    pagination: Pagination


class FieldProblem(WireModel):
    field: str
    message: str


class ErrorBody(WireModel):
    """The error shape: `{"error": "...", "status": N, "code": "..."}`."""

    error: str
    status: int
    code: str
    details: list[FieldProblem] | dict[str, Any] | None = None


def ok(data: T) -> Envelope[T]:
    return Envelope[T](data=data)


ERROR_DESCRIPTIONS = {
    400: "Malformed JSON or invalid fields",
    401: "Missing, invalid, expired or revoked credentials",
    403: "Authenticated, but not allowed to do this",
    404: "No such resource in your workspace",
    409: "Conflicts with existing state",
    413: "Request body over the size limit",
    429: "Rate limited",
    500: "The server could not do it",
}
