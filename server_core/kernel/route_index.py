"""Finding a request's route without trying every route in turn.

The router tries its routes one after another until one matches: with a few hundred
operations that is a regular expression and some bookkeeping per route on every request.
`RouteIndex` stands first in the router's list and tries only the routes under the request's
first path segment below the API prefix (`/api/v1/sessions/…` → the `sessions` routes), in
their registration order, so what matches is what the full scan would have matched. The
routes stay in the router's list behind it, for the OpenAPI document and for paths the index
does not cover."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from starlette._utils import get_route_path
from starlette.routing import BaseRoute, Match, Route
from starlette.types import Receive, Scope, Send

_CHOSEN = "sesame.route"  # the route the index matched, in the request's scope


def chosen_route(scope: Scope) -> BaseRoute | None:
    """The route the index matched for this request, if it did."""
    route: BaseRoute | None = scope.get(_CHOSEN)
    return route


class RouteIndex(BaseRoute):
    """The routes under `prefix`, by the path segment that follows it."""

    def __init__(self, prefix: str, routes: Sequence[BaseRoute]) -> None:
        self.prefix = prefix.rstrip("/") + "/"
        by_segment: dict[str, list[tuple[int, Route]]] = defaultdict(list)
        anywhere: list[tuple[int, Route]] = []  # a parameter right after the prefix
        for position, route in enumerate(routes):
            if not isinstance(route, Route) or not route.path.startswith(self.prefix):
                continue
            segment = route.path[len(self.prefix) :].split("/", 1)[0]
            (anywhere if "{" in segment else by_segment[segment]).append((position, route))
        self._routes = {
            segment: [route for _, route in sorted(listed + anywhere, key=lambda p: p[0])]
            for segment, listed in by_segment.items()
        }
        self._anywhere = [route for _, route in anywhere]

    def _candidates(self, scope: Scope) -> list[Route]:
        path = get_route_path(scope)
        if not path.startswith(self.prefix):
            return []
        segment = path[len(self.prefix) :].split("/", 1)[0]
        return self._routes.get(segment, self._anywhere)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http":
            return Match.NONE, {}
        partial: tuple[Match, Scope] | None = None
        for route in self._candidates(scope):
            match, child_scope = route.matches(scope)
            if match == Match.FULL:
                return match, {**child_scope, _CHOSEN: route}
            if match == Match.PARTIAL and partial is None:
                partial = match, {**child_scope, _CHOSEN: route}
        return partial or (Match.NONE, {})

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        route: BaseRoute = scope[_CHOSEN]
        await route.handle(scope, receive, send)
