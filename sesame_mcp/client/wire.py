"""What the area modules share: building request bodies with the server's request models,
leaving out what the caller did not set, and pages of paged lists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import quote

from pydantic import ValidationError

from server_core.kernel.wire import RequestModel
from sesame_mcp.client.errors import SesameError

T = TypeVar("T")


class Unset:
    """The type of `UNSET`: "leave this field alone", as opposed to None ("clear it")."""

    _instance: Unset | None = None

    def __new__(cls) -> Unset:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET = Unset()


def body(model: type[RequestModel], **fields: Any) -> dict[str, Any]:
    """The JSON body of a request: `fields` (snake_case) checked by the server's request model,
    in wire names. Fields that are None are not sent (the server's default applies)."""
    return _dump(model, {name: value for name, value in fields.items() if value is not None})


def patch(model: type[RequestModel], **fields: Any) -> dict[str, Any]:
    """The JSON body of a partial update: only the fields given are sent, so UNSET leaves a
    field alone and None clears it (where the server allows null)."""
    return _dump(model, {name: value for name, value in fields.items() if value is not UNSET})


def _dump(model: type[RequestModel], given: dict[str, Any]) -> dict[str, Any]:
    try:
        request = model.model_validate(given)
    except ValidationError as exc:
        raise SesameError.from_validation(exc) from exc
    dumped: dict[str, Any] = request.model_dump(mode="json", by_alias=True, exclude_unset=True)
    return dumped


def path(*parts: str | int) -> str:
    """A URL path from literal segments and ids, each id percent-encoded (so an emoji, or an id
    with a slash in it, stays one segment)."""
    return "".join("/" + quote(str(part), safe="") for part in parts)


def query(**params: Any) -> dict[str, Any]:
    """Query parameters in wire names, without the ones not given."""
    return {
        _camel(name): _query_value(value)
        for name, value in params.items()
        if value is not None and value is not UNSET
    }


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _query_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a paged list: pass `cursor` back for the next one (None at the end)."""

    items: list[T]
    cursor: str | int | None
    has_more: bool
