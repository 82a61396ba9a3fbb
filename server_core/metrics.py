"""`/metrics`: the node's metrics in Prometheus' text format.

- `sesame_http_requests_total{method, route, status}` and
  `sesame_http_request_duration_seconds{method, route}` (a histogram), observed by the access
  log middleware as each request ends. `route` is the matched route's path template
  (`/api/v1/channels/{cid}/messages`), never the raw path, so the label's values are bounded;
  a request no route matched is `unmatched`, a method outside the usual ones `OTHER`.
- `sesame_websocket_connections`: the gateway's open connections on this node.
- `sesame_gateway_events_fanned_out_total` / `sesame_gateway_frames_fanned_out_total`: events
  the gateway handed to local connections, and the frames that made (one per connection).
- `sesame_webhook_deliveries_total{outcome}`: webhook attempts recorded as `success`,
  `retry` (failed, to be tried again) or `failure` (failed, given up).
- `sesame_session_reply_deliveries_total{outcome}`: the same for the webhooks sessions' async
  sends post their agent's reply to.
- `sesame_webhook_lag_seconds`: how long the longest-waiting due webhook attempt has been due
  (0 when none is), read from the database at each scrape.

Each app has its own registry (several apps in one process do not share counts). The
background counts are the platform's (`Platform.counters`), read at scrape time.

Access: with `SESAME_METRICS_TOKEN` set, every client must send it as a bearer token;
without it, only loopback clients are answered (403 for others).
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Scope

from server_core.features.webhooks import deliveries
from server_core.kernel import errors
from server_core.kernel.clock import utcnow
from server_core.kernel.counters import Counters
from server_core.kernel.platform import Platform
from server_core.kernel.route_index import chosen_route

log = logging.getLogger(__name__)

PATH = "/metrics"
UNMATCHED = "unmatched"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Seconds; most API requests end within the first few buckets.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def route_template(scope: Scope) -> str:
    """The path template of the route that served the request, or `unmatched`."""
    route = chosen_route(scope) or scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) and path else UNMATCHED


class Metrics:
    """An app's registry and the request metrics kept in it."""

    def __init__(self, app: FastAPI) -> None:
        self.registry = CollectorRegistry()
        self._requests = Counter(
            "sesame_http_requests",
            "HTTP requests by method, route template and response status",
            ("method", "route", "status"),
            registry=self.registry,
        )
        self._latency = Histogram(
            "sesame_http_request_duration_seconds",
            "HTTP request latency by method and route template",
            ("method", "route"),
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self._lag = Gauge(
            "sesame_webhook_lag_seconds",
            "How long the longest-waiting due webhook attempt has been due (0: none is due)",
            registry=self.registry,
        )
        self.registry.register(_BackgroundCollector(app))
        # The labelled children by (method, route, status): a dict lookup per request.
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def observe(self, scope: Scope, status: int, seconds: float) -> None:
        """Count a finished request (the access log middleware calls this)."""
        method = scope["method"] if scope["method"] in METHODS else "OTHER"
        key = (method, route_template(scope), status)
        children = self._children.get(key)
        if children is None:
            children = (
                self._requests.labels(key[0], key[1], str(status)),
                self._latency.labels(key[0], key[1]),
            )
            self._children[key] = children
        children[0].inc()
        children[1].observe(seconds)

    async def measure_lag(self, platform: Platform) -> None:
        now = utcnow()
        try:
            async with platform.store.transaction(write=False) as tx:
                oldest = await tx.run(lambda conn: deliveries.oldest_due(conn, now=now))
        except Exception:
            log.warning("reading the webhook lag failed", exc_info=True)
            self._lag.set(float("nan"))
            return
        self._lag.set(0.0 if oldest is None else max(0.0, (now - oldest).total_seconds()))

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _BackgroundCollector(Collector):
    """The gateway's connections and the background work's counts, read at scrape time."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def collect(self) -> Iterable[Metric]:
        platform: Platform | None = getattr(self.app.state, "platform", None)
        hub = getattr(self.app.state, "gateway", None)
        counters = platform.counters if platform is not None else Counters()
        yield GaugeMetricFamily(
            "sesame_websocket_connections",
            "Open WebSocket connections to the gateway on this node",
            value=hub.open_connections() if hub is not None else 0,
        )
        yield CounterMetricFamily(
            "sesame_gateway_events_fanned_out",
            "Events the gateway handed to at least one local connection",
            value=counters.events_fanned_out,
        )
        yield CounterMetricFamily(
            "sesame_gateway_frames_fanned_out",
            "Event frames the gateway handed to local connections",
            value=counters.frames_fanned_out,
        )
        outcomes = CounterMetricFamily(
            "sesame_webhook_deliveries",
            "Webhook attempts by outcome: success, retry (to be tried again) or failure",
            labels=("outcome",),
        )
        for outcome, count in counters.webhook_outcomes.items():
            outcomes.add_metric((outcome,), count)
        yield outcomes
        replies = CounterMetricFamily(
            "sesame_session_reply_deliveries",
            "Session reply webhook attempts by outcome: success, retry or failure",
            labels=("outcome",),
        )
        for outcome, count in counters.session_reply_outcomes.items():
            replies.add_metric((outcome,), count)
        yield replies


def _is_loopback(host: str | None) -> bool:
    if not host:
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def check_access(request: Request, platform: Platform) -> None:
    """Raise unless the client may read the metrics (see the module's docstring)."""
    token = platform.settings.metrics_token
    if token is not None:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        expected = token.get_secret_value().encode()
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected):
            raise errors.Unauthorized("/metrics needs the metrics bearer token")
        return
    if not _is_loopback(request.client.host if request.client else None):
        raise errors.Forbidden(
            "/metrics answers loopback clients only; set SESAME_METRICS_TOKEN to allow others"
        )


async def metrics_endpoint(request: Request) -> Response:
    platform: Platform = request.app.state.platform
    check_access(request, platform)
    metrics: Metrics = request.app.state.metrics
    await metrics.measure_lag(platform)
    return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)


def install_metrics(app: FastAPI) -> Metrics:
    """Serve `/metrics` (outside the API and its schema); return the app's metrics, whose
    `observe` the access log middleware is given."""
    metrics = Metrics(app)
    app.state.metrics = metrics
    app.router.routes.append(Route(PATH, metrics_endpoint, methods=["GET"]))
    return metrics
