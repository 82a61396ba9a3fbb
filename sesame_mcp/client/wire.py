"""The wire side of the client: request bodies built with the server's request models
(leaving out what the caller did not set), answers unwrapped from the envelope and validated
with its response models, pages of paged lists, and the server's URLs."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit, urlunsplit

import httpx2
from pydantic import BaseModel, TypeAdapter, ValidationError

from server_core.kernel.wire import Page as Page
from server_core.kernel.wire import RequestModel
from sesame_mcp.client.errors import BAD_RESPONSE, SesameError

T = TypeVar("T")
API_PREFIX = "/api/v1"
WS_PATH = "/v1/connect"


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
    return dump_request(model, {name: value for name, value in fields.items() if value is not None})


def dump_request(model: type[BaseModel], given: dict[str, Any]) -> dict[str, Any]:
    """`given` (snake_case) checked by a request model, in wire names; what was not given is
    left out. A value the model refuses raises `SesameError` (`validation_error`)."""
    try:
        request = model.model_validate(given)
    except ValidationError as exc:
        raise SesameError.from_validation(exc) from exc
    dumped: dict[str, Any] = request.model_dump(mode="json", by_alias=True, exclude_unset=True)
    return dumped


def query_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


@lru_cache(maxsize=256)
def _adapter(kind: Any) -> TypeAdapter[Any]:
    return TypeAdapter(kind)


def api_root(url: str) -> str:
    """`http://host:8080`, `http://host:8080/` and `http://host:8080/api/v1` all name the same
    server: return its root."""
    root = url.rstrip("/")
    return root[: -len(API_PREFIX)] if root.endswith(API_PREFIX) else root


def websocket_url(url: str) -> str:
    """The gateway's URL for a server root (http → ws, https → wss) or a WebSocket base URL
    without the path."""
    parts = urlsplit(url.rstrip("/"))
    scheme = {"http": "ws", "https": "wss"}.get(parts.scheme, parts.scheme)
    path = parts.path if parts.path.endswith(WS_PATH) else parts.path + WS_PATH
    return urlunsplit((scheme, parts.netloc, path, parts.query, ""))


@dataclass(frozen=True)
class Answer(Generic[T]):
    """A parsed answer: its data, and the pagination of a paged list."""

    data: T
    pagination: dict[str, Any] | None = None


def error_code(response: httpx2.Response) -> str | None:
    """The machine code of an error answer, if it has one."""
    try:
        code = response.json().get("code")
    except (ValueError, AttributeError):
        return None
    return code if isinstance(code, str) else None


def parse_answer(response: httpx2.Response, kind: Any) -> Answer[Any]:
    """The envelope's data as `kind`, or the `SesameError` the response stands for."""
    status = response.status_code
    try:
        document = response.json()
    except ValueError:
        document = None
    if status >= 400:
        raise SesameError.from_body(status, document, response.headers)
    if not isinstance(document, dict) or document.get("ok") is not True or "data" not in document:
        raise SesameError(
            f"HTTP {status}: the answer is not a Sesame envelope", status=status, code=BAD_RESPONSE
        )
    try:
        data = _adapter(kind).validate_python(document["data"])
    except ValidationError as exc:
        raise SesameError(
            f"HTTP {status}: unexpected answer: {exc.errors()[0].get('msg', 'invalid')}",
            status=status,
            code=BAD_RESPONSE,
        ) from exc
    pagination = document.get("pagination")
    return Answer(data, pagination if isinstance(pagination, dict) else None)
