"""The one adapter between declared operations and HTTP: `bind(router, operation, service)`.

FastAPI parses and validates the path, query and body from the declaration's models (and
documents them), the body read strictly as UTF-8 JSON (`bodies.py`); the adapter then
authenticates the caller, runs the service in the kind of transaction the operation declares,
and renders the envelope. A service is either

- a unit of work, run in one hop on the store's connection: reads are
  `(conn, *, caller, <path params>, query=…)`, writes `(conn, events, *, caller, …, request=…)`
  (`events` collects what to publish once the transaction commits); or
- an async flow, `async (platform, *, caller, …)`, for operations that must wait on something
  besides the database between units (password hashing, a reply on the bus): it opens its
  own transactions.

Besides what the request carries, a service may ask by name for `keyring`, `settings`,
`signing_secret`, `platform` or `client_address` (who sent the request). A credential refused
with `invalid_credentials` counts against the client's address (`kernel.throttle`): past the
limit the answer is 429. Authentication runs inside the unit's own hop, so a request
costs one trip to the database thread. A request the framework refuses before the service
runs (a malformed body, say) is still authenticated first: `check_caller_first` lets the error
handler answer 401 before 400, as when the service runs.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import partial
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Body, Path, Query, Request
from fastapi.responses import Response
from pydantic import AfterValidator
from pydantic_core import to_jsonable_python
from sqlalchemy.engine import Connection

from server_core.kernel.auth import authenticate_on
from server_core.kernel.bodies import StrictJsonRoute
from server_core.kernel.errors import ApiError, InvalidCredentials
from server_core.kernel.events import Event
from server_core.kernel.operations import Created, Encoded, Operation
from server_core.kernel.platform import Platform
from server_core.kernel.wire import (
    ERROR_DESCRIPTIONS,
    Envelope,
    ErrorBody,
    ListEnvelope,
    Page,
    no_nul,
)

API_PREFIX = "/api/v1"  # where the REST API is served

Service = Callable[..., Any]

SECURITY: list[dict[str, list[str]]] = [{"bearer": []}, {"signature": []}]
# What a service may ask for beyond the request's own inputs.
_FROM_PLATFORM: dict[str, Callable[[Platform], Any]] = {
    "keyring": lambda platform: platform.keyring,
    "settings": lambda platform: platform.settings,
    "signing_secret": lambda platform: platform.signing_secret,
    "platform": lambda platform: platform,
}


def client_address(request: Request) -> str:
    """The address the request came from (uvicorn resolves trusted proxies' forwarding)."""
    return request.client.host if request.client else "unknown"


# What a service may ask for about the request beyond its inputs.
_FROM_REQUEST: dict[str, Callable[[Request], Any]] = {"client_address": client_address}


def bind(router: APIRouter, operation: Operation[Any], service: Service, prefix: str = "") -> None:
    """Add the route that answers `operation` with `service`, at `prefix` + its path."""
    flow = inspect.iscoroutinefunction(service)
    wanted = _check_signature(operation, service, flow)
    endpoint = _endpoint(operation, service, wanted, flow)
    router.add_api_route(
        prefix + operation.path,
        endpoint,
        methods=[operation.method],
        status_code=operation.status,
        response_model=_envelope(operation),
        responses=_responses(operation),
        summary=operation.summary,
        tags=[operation.area],
        operation_id=f"{operation.area}_{operation.name}",
        name=f"{operation.area}.{operation.name}",
        openapi_extra={"security": SECURITY} if operation.access != "public" else None,
        route_class_override=StrictJsonRoute,
    )


def operation_of(request: Request) -> Operation[Any] | None:
    """The operation the request's route answers, if it is a bound one."""
    route = request.scope.get("route")
    found = getattr(getattr(route, "endpoint", None), "operation", None)
    return found if isinstance(found, Operation) else None


async def check_caller_first(request: Request) -> None:
    """For a request refused before its service ran: raise the 401 it would have had first."""
    operation = operation_of(request)
    if operation is None or operation.access == "public":
        return
    platform: Platform = request.app.state.platform
    header = request.headers.get("authorization")
    await platform.store.read(
        partial(authenticate_on, authorization=header, signing_secret=platform.signing_secret)
    )


def render(operation: Operation[Any], result: Any) -> Response:
    """The envelope of a service's answer, encoded once."""
    status = operation.status
    if isinstance(result, Created):
        status = 201 if result.created else 200
        result = result.data
    if isinstance(result, Page):
        body: dict[str, Any] = {
            "ok": True,
            "data": to_jsonable_python(result.items, by_alias=True),
            "pagination": {"cursor": result.cursor, "hasMore": result.has_more},
        }
    elif isinstance(result, Encoded):
        body = {"ok": True, "data": result.data}
    else:
        body = {"ok": True, "data": to_jsonable_python(result, by_alias=True)}
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


def _endpoint(
    operation: Operation[Any], service: Service, wanted: set[str], flow: bool
) -> Callable[..., Any]:
    needs_caller = operation.access != "public"
    human_only = operation.access == "human"
    read = operation.transaction == "read"

    async def endpoint(request: Request, **inputs: Any) -> Response:
        platform: Platform = request.app.state.platform
        header = request.headers.get("authorization")
        arguments = _arguments(operation, inputs, wanted, platform)
        for name in wanted & _FROM_REQUEST.keys():
            arguments[name] = _FROM_REQUEST[name](request)

        def authenticate(conn: Connection) -> None:
            caller = arguments["caller"] = authenticate_on(conn, header, platform.signing_secret)
            if human_only:
                caller.require_human()

        def unit(conn: Connection, events: list[Event]) -> Any:
            if needs_caller:
                authenticate(conn)
            return service(conn, **arguments) if read else service(conn, events, **arguments)

        try:
            if flow:
                if needs_caller:
                    await platform.store.read(authenticate)
                result = await service(platform, **arguments)
            else:
                result = await _run(platform, operation, unit, inputs)
        except InvalidCredentials as error:
            if not needs_caller:
                raise  # sign-in counts its own failures (per account and per address)
            raise await platform.throttle.bad_credentials(client_address(request), error) from None
        finally:
            # For the access log: who made the request, refused or not.
            request.state.caller = arguments.get("caller")
        return render(operation, result)

    endpoint.__signature__ = inspect.Signature(_parameters(operation))  # type: ignore[attr-defined]
    endpoint.__name__ = operation.name
    endpoint.operation = operation  # type: ignore[attr-defined]
    return endpoint


async def _run(
    platform: Platform,
    operation: Operation[Any],
    unit: Callable[[Connection, list[Event]], Any],
    inputs: dict[str, Any],
) -> Any:
    """Run the unit in the operation's kind of transaction. An error that keeps its writes (a
    detected refresh-token reuse revokes the family) commits them before it is answered."""
    if operation.transaction == "combined":
        assert operation.order_by is not None
        order_key = str(inputs[_python_name(operation, operation.order_by)]).lower()
        return await platform.store.combined(unit, order_key=order_key)
    kept: ApiError | None = None
    async with platform.store.transaction(write=operation.transaction == "write") as tx:
        try:
            return await tx.unit(unit)
        except ApiError as error:
            if not error.keeps_writes:
                raise
            kept = error
    raise kept


def _arguments(
    operation: Operation[Any], inputs: dict[str, Any], wanted: set[str], platform: Platform
) -> dict[str, Any]:
    arguments = {name: value for name, value in inputs.items() if name != "body"}
    if operation.body is not None:
        arguments["request"] = inputs["body"]
    for name in wanted & _FROM_PLATFORM.keys():
        arguments[name] = _FROM_PLATFORM[name](platform)
    return arguments


def _python_name(operation: Operation[Any], wire: str) -> str:
    return next(param.name for param in operation.params if param.wire == wire)


def _parameters(operation: Operation[Any]) -> list[inspect.Parameter]:
    """The endpoint's signature, from which FastAPI parses and documents the request."""
    keyword = inspect.Parameter.KEYWORD_ONLY
    parameters = [
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request)
    ]
    for param in operation.params:
        constraints: dict[str, Any] = {"min_length": 1}
        if param.max_length is not None:
            constraints["max_length"] = param.max_length
        where = Path(alias=param.wire, description=param.description, **constraints)
        # A NUL names nothing, and PostgreSQL refuses it in a query: refused here for every path.
        annotation = Annotated[str, where, AfterValidator(no_nul)]
        parameters.append(inspect.Parameter(param.name, keyword, annotation=annotation))
    if operation.query is not None:
        query: Any = Annotated[operation.query, Query()]
        parameters.append(inspect.Parameter("query", keyword, annotation=query))
    if operation.body is not None:
        body: Any = Annotated[operation.body, Body()]
        if operation.body_required:
            parameters.append(inspect.Parameter("body", keyword, annotation=body))
        else:
            optional: Any = Annotated[operation.body | None, Body()]
            parameters.append(inspect.Parameter("body", keyword, annotation=optional, default=None))
    return parameters


def _check_signature(operation: Operation[Any], service: Service, flow: bool) -> set[str]:
    """Refuse at startup a service that cannot take what the operation gives it; return the
    names it takes."""
    signature = inspect.signature(service)
    positional = [
        p for p in signature.parameters.values() if p.kind is not inspect.Parameter.KEYWORD_ONLY
    ]
    expected = 1 if flow or operation.transaction == "read" else 2
    label = f"{operation!r} served by {service.__module__}.{service.__qualname__}"
    if len(positional) != expected:
        raise TypeError(f"{label}: takes {len(positional)} positional arguments, not {expected}")
    keywords = [
        p for p in signature.parameters.values() if p.kind is inspect.Parameter.KEYWORD_ONLY
    ]
    taken = {p.name for p in keywords}
    needed = {p.name for p in keywords if p.default is inspect.Parameter.empty}
    given = {param.name for param in operation.params}
    if operation.body is not None:
        given.add("request")
    if operation.query is not None:
        given.add("query")
    if operation.access != "public":
        given.add("caller")
    missing = given - taken
    unknown = needed - given - _FROM_PLATFORM.keys() - _FROM_REQUEST.keys()
    if missing or unknown:
        raise TypeError(f"{label}: does not take {sorted(missing)}; cannot give {sorted(unknown)}")
    return taken


def _envelope(operation: Operation[Any]) -> Any:
    if operation.paged:
        return ListEnvelope[operation.item_type]  # type: ignore[name-defined]
    return Envelope[operation.response]  # type: ignore[name-defined]


def _responses(operation: Operation[Any]) -> dict[int | str, dict[str, Any]]:
    responses: dict[int | str, dict[str, Any]] = {
        status: {"model": _envelope(operation), "description": description}
        for status, description in operation.also.items()
    }
    for status, kinds in operation.answers().items():
        codes = ", ".join(kind.code for kind in kinds)
        text = ERROR_DESCRIPTIONS.get(status, "Error")
        responses[status] = {"model": ErrorBody, "description": f"{text} ({codes})"}
    return responses
