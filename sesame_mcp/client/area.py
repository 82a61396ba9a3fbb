"""The SDK's methods, derived from the platform's operation declarations.

An area of the client (`client.agents`, `client.auth`, ...) is a class that mixes `Area` into
the feature's `Operations` class: reading an operation from it gives a bound async method, and
`Area.invoke` turns the call into a request. How a call maps to a request:

- positional arguments are the path parameters in path order, then the request body's required
  fields in the model's order (`client.agents.set_status(agent_id, "working", detail=...)`);
- keyword arguments are body or query fields by their Python names; path parameters may be
  given by keyword too;
- for PATCH, every field given is sent (None clears a field); for other methods a None is left
  out, so the server's default applies, unless the field is required (a required field that
  takes null, as a masking policy being cleared, is sent as null);
- the body and query are validated with the server's own models before anything is sent
  (`SesameError` with code `validation_error` otherwise); the answer is validated with the
  response model, and a paged list comes back as a `Page`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from pydantic import BaseModel

from server_core.kernel.operations import Operation
from sesame_mcp.client.wire import UNSET, dump_request, query_value

if TYPE_CHECKING:
    from sesame_mcp.client.rest import SesameClient


class Area:
    """A client area: its operations are methods of its instances."""

    def __init__(self, client: SesameClient) -> None:
        self._client = client

    async def invoke(
        self, operation: Operation[Any], args: tuple[Any, ...], fields: dict[str, Any]
    ) -> Any:
        request = Request.of(operation, args, fields)
        return await self._client.perform(operation, request.path, request.body, request.query)


class Request:
    """The path, JSON body and query of one call of an operation."""

    def __init__(self, path: str, body: Any, query: dict[str, Any]) -> None:
        self.path = path
        self.body = body
        self.query = query

    @classmethod
    def of(
        cls, operation: Operation[Any], args: tuple[Any, ...], fields: dict[str, Any]
    ) -> Request:
        label = f"{operation.area}.{operation.name}()"
        given = dict(fields)
        params = [param.name for param in operation.params]
        required = _required(operation.body)
        if len(args) > len(params) + len(required):
            raise TypeError(f"{label} takes {len(params) + len(required)} positional arguments")
        for name, value in zip([*params, *required], args, strict=False):
            if name in given:
                raise TypeError(f"{label} got multiple values for argument '{name}'")
            given[name] = value
        missing = [name for name in params if name not in given]
        if missing:
            raise TypeError(f"{label} missing path argument(s): {', '.join(missing)}")
        path = operation.path
        for param in operation.params:
            value = str(given.pop(param.name))
            segment = f"{{{param.wire}}}"
            if segment in path:
                path = path.replace(segment, quote(value, safe=""))
            else:  # `{name:path}` keeps its slashes
                path = path.replace(f"{{{param.wire}:path}}", quote(value, safe="/"))
        body_fields = _take(given, operation.body)
        query_fields = _take(given, operation.query)
        if given:
            raise TypeError(f"{label} got unexpected keyword argument(s): {', '.join(given)}")
        body = None
        if operation.body is not None:
            body = _dump(operation.body, body_fields, keep_none=operation.method == "PATCH")
        query = {}
        if operation.query is not None:
            dumped = _dump(operation.query, query_fields, keep_none=False)
            query = {name: query_value(value) for name, value in dumped.items()}
        return cls(path, body, query)


def _required(model: type[BaseModel] | None) -> list[str]:
    if model is None:
        return []
    return [name for name, field in model.model_fields.items() if field.is_required()]


def _take(given: dict[str, Any], model: type[BaseModel] | None) -> dict[str, Any]:
    if model is None:
        return {}
    return {name: given.pop(name) for name in list(given) if name in model.model_fields}


def _dump(model: type[BaseModel], fields: dict[str, Any], *, keep_none: bool) -> dict[str, Any]:
    required = _required(model)
    sent = {
        name: value
        for name, value in fields.items()
        if value is not UNSET and (keep_none or value is not None or name in required)
    }
    return dump_request(model, sent)
