"""The ASGI app: routers under /api/v1, error rendering, middleware and the platform lifespan."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Match

from server_core.api_docs import install_docs
from server_core.config import Settings
from server_core.console.routes import console_routes
from server_core.features import features
from server_core.gateway import GatewayRoute, gateway_hub
from server_core.kernel import errors
from server_core.kernel.middleware import AccessLog, BodyLimit
from server_core.kernel.platform import Platform, open_platform
from server_core.kernel.route_index import RouteIndex
from server_core.kernel.routing import API_PREFIX, bind, check_caller_first
from server_core.kernel.wire import ErrorBody, ok
from server_core.metrics import install_metrics
from server_core.version import VERSION as VERSION
from server_core.workers import run_workers

log = logging.getLogger(__name__)

_STATUS_ERRORS: dict[int, type[errors.ApiError]] = {
    400: errors.BadRequest,
    401: errors.Unauthorized,
    403: errors.Forbidden,
    404: errors.NotFound,
    405: errors.MethodNotAllowed,
    409: errors.Conflict,
    413: errors.PayloadTooLarge,
    429: errors.RateLimited,
    503: errors.ServiceUnavailable,
}


def create_app(settings: Settings | None = None, platform: Platform | None = None) -> FastAPI:
    """Build the app. With `platform` given (tests, embedding) the caller owns its lifetime;
    otherwise the app opens the store and bus from `settings` at startup."""
    settings = settings or (platform.settings if platform else Settings())
    given = platform

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            opened = (
                given
                if given is not None
                else await stack.enter_async_context(open_platform(settings))
            )
            app.state.platform = opened
            await stack.enter_async_context(run_workers(opened))
            await stack.enter_async_context(gateway_hub(app, opened))
            yield

    app = FastAPI(
        title="Sesame platform API",
        version=VERSION,
        summary="Channels, messages, vault, tasks and more for humans and agents.",
        lifespan=lifespan,
        docs_url=None,  # served by api_docs, from local files
        redoc_url=None,
    )
    if platform is not None:
        app.state.platform = platform
    _install_error_handlers(app)
    _install_features(app)
    _install_health(app)
    metrics = install_metrics(app)
    install_docs(app)
    app.router.routes.extend(console_routes())
    _index_routes(app)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]

    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["X-Request-Id", "WWW-Authenticate"],
        )
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes, exempt=_own_body_prefixes())
    app.add_middleware(AccessLog, observe=metrics.observe)
    app.add_middleware(GatewayRoute)  # outermost: WebSocket connections skip the HTTP stack
    return app


def _install_features(app: FastAPI) -> None:
    """Every feature's operations, bound to their services, and its plain routes."""
    for feature in features():
        for operation, service in feature.serves.items():
            bind(app.router, operation, service, prefix=API_PREFIX)
        app.router.routes.extend(feature.routes)


def _index_routes(app: FastAPI) -> None:
    """The API's routes found through an index (`RouteIndex`), and the few others (health,
    docs, the features' own routes) tried before the API's in the full scan."""
    routes = list(app.router.routes)
    api = [route for route in routes if getattr(route, "path", "").startswith(API_PREFIX + "/")]
    others = [route for route in routes if route not in api]
    app.router.routes[:] = [RouteIndex(API_PREFIX, api), *others, *api]


def _own_body_prefixes() -> tuple[str, ...]:
    """The paths of the features' plain routes (up to their first parameter), which read and
    limit their bodies themselves."""
    return tuple(
        getattr(route, "path", "").split("{", 1)[0]
        for feature in features()
        for route in feature.routes
    )


def error_response(error: errors.ApiError) -> JSONResponse:
    return JSONResponse(error.body(), status_code=error.status, headers=error.headers)


def _field_name(loc: tuple[Any, ...]) -> str:
    """`("body", "profile", "x")` → `profile.x`; a problem with the whole body → `body`."""
    if loc and loc[0] in ("body", "query", "path", "header"):
        return ".".join(str(part) for part in loc[1:]) or str(loc[0])
    return ".".join(str(part) for part in loc) or "body"


def _not_json(reason: Any) -> str:
    message = errors.MalformedJson.default_message
    return f"{message}: {reason}" if isinstance(reason, str) and reason else message


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(errors.ApiError)
    async def _api_error(_: Request, exc: errors.ApiError) -> JSONResponse:
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        try:
            await check_caller_first(request)
        except errors.ApiError as refused:
            return error_response(refused)
        problems = exc.errors()
        for problem in problems:
            if problem.get("type") == "json_invalid":
                reason = (problem.get("ctx") or {}).get("error")
                return error_response(errors.MalformedJson(_not_json(reason)))
        details = [
            {"field": _field_name(tuple(p.get("loc", ()))), "message": p.get("msg", "invalid")}
            for p in problems
        ]
        first = details[0] if details else {"field": "body", "message": "invalid"}
        message = f"{first['field']}: {first['message']}"
        if len(details) > 1:
            message += f" (and {len(details) - 1} more)"
        return error_response(errors.ValidationFailed(message, details=details))

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> JSONResponse:
        # Routing (404/405), body parsing and body-limit errors raised by the framework.
        if exc.status_code == 400 and exc.detail == "There was an error parsing the body":
            return error_response(errors.MalformedJson())  # e.g. bytes that are not UTF-8
        kind = _STATUS_ERRORS.get(exc.status_code, errors.ApiError)
        message = str(exc.detail) if exc.detail else None
        if exc.status_code in (404, 405) and message in ("Not Found", "Method Not Allowed"):
            message = f"{message}: {request.method} {request.url.path}"
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(_allowed_methods(request))
        body = {**kind(message).body(), "status": exc.status_code}
        return JSONResponse(body, status_code=exc.status_code, headers=headers)

    @app.exception_handler(DataError)
    async def _data(_: Request, exc: DataError) -> JSONResponse:
        # Values validation let through but the database cannot hold: a client error.
        log.info("database refused a value", extra={"detail": str(exc.orig)})
        return error_response(errors.BadRequest("A value in the request cannot be stored"))

    @app.exception_handler(IntegrityError)
    async def _integrity(_: Request, exc: IntegrityError) -> JSONResponse:
        # Uniqueness races that slipped past the services' own checks end up here.
        log.info("integrity error mapped to 409", extra={"detail": str(exc.orig)})
        return error_response(errors.Conflict("This conflicts with existing data; retry"))

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return error_response(errors.ApiError())


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path (the router reports only its first match)."""
    return [
        method
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE")
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL
            for route in request.app.router.routes
        )
    ]


def _install_health(app: FastAPI) -> None:
    @app.get(
        "/healthz",
        tags=["health"],
        responses={503: {"model": ErrorBody, "description": "The database does not answer"}},
        summary="Liveness and database reachability",
    )
    async def healthz(request: Request) -> Any:
        platform: Platform = request.app.state.platform
        if not await platform.store.ping():
            return error_response(errors.ServiceUnavailable("Database is not reachable"))
        return ok({"status": "ok", "database": platform.store.dialect, "version": VERSION})


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's schema, with our error shape in place of its 422 and the auth schemes."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title, version=app.version, summary=app.summary, routes=app.routes
    )
    components = schema.setdefault("components", {})
    for name in ("HTTPValidationError", "ValidationError"):
        components.get("schemas", {}).pop(name, None)
    components["securitySchemes"] = {
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "An agent API key (sk_live_…) or a human's access token (JWT)",
        },
        "signature": {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Signature {handle}.{sig}.{timestamp}`: Ed25519 over "
            "`AUTH:{handle}:{timestamp}`, timestamp in ms within 5 minutes",
        },
    }
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            operation.get("responses", {}).pop("422", None)
            if operation.get("security"):
                operation["security"] = [{"bearer": []}, {"signature": []}]
    app.openapi_schema = schema
    return schema
