"""/metrics: Prometheus' text format, requests by route template, a registry per app, outside
the API and its schema, for loopback clients unless a token is set."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import httpx2
import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from server_core.app import create_app
from server_core.kernel.platform import Platform
from tests.helpers import bearer, error
from tests.metrics_text import sample, samples

pytestmark = pytest.mark.anyio

TOKEN = "metrics-token-0123456789"


def _client(
    platform: Platform, client: tuple[str, int] = ("127.0.0.1", 50000)
) -> httpx2.AsyncClient:
    app = create_app(platform=platform)
    transport = httpx2.ASGITransport(app=app, client=client)
    return httpx2.AsyncClient(transport=transport, base_url="http://test")


@pytest.fixture
async def http(platform: Platform) -> AsyncIterator[httpx2.AsyncClient]:
    async with _client(platform) as client:
        yield client


async def _scrape(http: httpx2.AsyncClient, **headers: str) -> str:
    response = await http.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=")
    return response.text


async def test_requests_are_counted_by_route_template_and_status(
    http: httpx2.AsyncClient,
) -> None:
    await http.get("/healthz")
    await http.get("/healthz")
    for cid in ("ch_1", "ch_2", "ch_3"):
        await http.get(f"/api/v1/channels/{cid}/messages")
    await http.get("/no/such/page/1")
    await http.get("/no/such/page/2")
    await http.request("BREW", "/healthz")
    text = await _scrape(http)

    requests = "sesame_http_requests_total"
    assert sample(text, requests, method="GET", route="/healthz", status="200") == 2
    template = "/api/v1/channels/{cid}/messages"
    assert sample(text, requests, method="GET", route=template, status="401") == 3
    assert sample(text, requests, method="GET", route="unmatched", status="404") == 2
    assert sample(text, requests, method="OTHER", route="/healthz", status="405") == 1
    routes = {dict(labels)["route"] for (name, labels) in samples(text) if name == requests}
    assert not any("ch_" in route or "/no/such" in route for route in routes)
    duration = "sesame_http_request_duration_seconds"
    assert sample(text, f"{duration}_count", method="GET", route=template) == 3
    assert sample(text, f"{duration}_bucket", method="GET", route=template, le="+Inf") == 3
    assert (sample(text, f"{duration}_sum", method="GET", route=template) or 0) > 0


async def test_the_background_metrics_are_there_from_the_start(
    http: httpx2.AsyncClient,
) -> None:
    text = await _scrape(http)
    names = {family.name for family in text_string_to_metric_families(text)}
    assert {
        "sesame_http_requests",
        "sesame_http_request_duration_seconds",
        "sesame_websocket_connections",
        "sesame_gateway_events_fanned_out",
        "sesame_gateway_frames_fanned_out",
        "sesame_webhook_deliveries",
        "sesame_webhook_lag_seconds",
    } <= names
    assert sample(text, "sesame_websocket_connections") == 0
    for outcome in ("success", "failure", "retry"):
        assert sample(text, "sesame_webhook_deliveries_total", outcome=outcome) == 0
    assert sample(text, "sesame_webhook_lag_seconds") == 0


async def test_each_app_counts_its_own_requests(platform: Platform) -> None:
    async with _client(platform) as first, _client(platform) as second:
        await first.get("/healthz")
        await first.get("/healthz")
        await second.get("/healthz")
        first_text, second_text = await _scrape(first), await _scrape(second)
    labels: dict[str, Any] = {"method": "GET", "route": "/healthz", "status": "200"}
    assert sample(first_text, "sesame_http_requests_total", **labels) == 2
    assert sample(second_text, "sesame_http_requests_total", **labels) == 1


async def test_metrics_are_outside_the_api_and_its_schema(
    platform: Platform, http: httpx2.AsyncClient
) -> None:
    schema = create_app(platform=platform).openapi()
    assert "/metrics" not in schema["paths"]
    assert (await http.get("/api/v1/metrics")).status_code == 404


async def test_other_clients_are_refused_without_a_token(platform: Platform) -> None:
    async with _client(platform, client=("203.0.113.9", 41000)) as outsider:
        error(await outsider.get("/metrics"), 403, "forbidden")
    async with _client(platform, client=("::1", 41000)) as ipv6_loopback:
        assert (await ipv6_loopback.get("/metrics")).status_code == 200


async def test_with_a_token_every_client_must_send_it(platform: Platform) -> None:
    platform.settings.metrics_token = SecretStr(TOKEN)
    async with _client(platform, client=("203.0.113.9", 41000)) as outsider:
        assert "sesame_http_requests" in await _scrape(outsider, **bearer(TOKEN))
    async with _client(platform) as local:
        refused = await local.get("/metrics")
        error(refused, 401, "unauthorized")
        assert refused.headers["www-authenticate"].startswith("Bearer")
        error(await local.get("/metrics", headers=bearer("wrong-token")), 401, "unauthorized")
        error(await local.get("/metrics", headers={"Authorization": TOKEN}), 401)


async def test_counting_a_request_costs_microseconds(http: httpx2.AsyncClient) -> None:
    """The per-request work: one dict lookup, a counter and a histogram observation."""
    metrics = http._transport.app.state.metrics  # type: ignore[attr-defined]
    scope = {"method": "GET", "path": "/healthz", "type": "http"}
    rounds = 20_000
    started = time.perf_counter()
    for _ in range(rounds):
        metrics.observe(scope, 200, 0.002)
    per_request = (time.perf_counter() - started) / rounds
    assert per_request < 50e-6, per_request
