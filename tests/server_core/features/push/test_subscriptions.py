"""Subscribing, listing and unsubscribing browsers; the VAPID key; refused endpoints."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from server_core.kernel.platform import Platform
from tests.helpers import data, error
from tests.server_core.features.messaging.team import Team
from tests.server_core.features.push.receiver import Browser, unb64url

pytestmark = pytest.mark.anyio


async def test_the_vapid_key_is_a_p256_point_kept_across_calls(
    client: httpx2.AsyncClient, team: Team, platform: Platform
) -> None:
    first = data(await client.get("/push/vapid-key", headers=team.human.headers))
    second = data(await client.get("/push/vapid-key", headers=team.admin.headers))
    assert first == second
    point = unb64url(first["publicKey"])
    assert len(point) == 65
    ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)  # a valid point
    key_file = platform.settings.data_dir / "vapid-private.pem"
    assert key_file.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert key_file.stat().st_mode & 0o077 == 0


@pytest.mark.both_engines
async def test_subscribe_upserts_by_endpoint_and_unsubscribe_removes(
    client: httpx2.AsyncClient, team: Team
) -> None:
    browser = Browser("http://127.0.0.1:9/push/one")
    body: dict[str, Any] = {**browser.subscription(), "userAgent": "Firefox"}
    created = data(await client.post("/push/subscribe", json=body, headers=team.human.headers))
    assert created["endpoint"] == browser.endpoint
    assert created["principalId"] == team.human.id
    assert created["userAgent"] == "Firefox"

    renewed = Browser(browser.endpoint)
    again = data(
        await client.post(
            "/push/subscribe", json=renewed.subscription(), headers=team.human.headers
        )
    )
    assert again["id"] == created["id"]
    assert again["keys"] == renewed.subscription()["keys"]
    listed = data(await client.get("/push/subscriptions", headers=team.human.headers))
    assert [row["id"] for row in listed] == [created["id"]]
    assert data(await client.get("/push/subscriptions", headers=team.admin.headers)) == []

    # Another principal subscribing the same browser takes it over.
    taken = data(
        await client.post(
            "/push/subscribe", json=renewed.subscription(), headers=team.admin.headers
        )
    )
    assert taken["principalId"] == team.admin.id
    assert data(await client.get("/push/subscriptions", headers=team.human.headers)) == []

    gone = await client.request(
        "DELETE",
        "/push/subscribe",
        params={"endpoint": browser.endpoint},
        headers=team.human.headers,
    )
    error(gone, 404, "not_found")
    removed = await client.request(
        "DELETE",
        "/push/subscribe",
        params={"endpoint": browser.endpoint},
        headers=team.admin.headers,
    )
    assert data(removed)["id"] == created["id"]
    assert data(await client.get("/push/subscriptions", headers=team.admin.headers)) == []


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://push.example.com/x",
        "https://127.0.0.1/x",
        "https://localhost/x",
        "https://10.0.0.8/x",
        "https://[::1]/x",
        "ftp://push.example.com/x",
        "https://[push.example.com/x",
    ],
)
async def test_production_refuses_insecure_and_private_endpoints(
    client: httpx2.AsyncClient, team: Team, platform: Platform, endpoint: str
) -> None:
    platform.settings.push_allow_insecure_endpoints = False
    body = Browser(endpoint).subscription()
    response = await client.post("/push/subscribe", json=body, headers=team.human.headers)
    error(response, 400, "push_endpoint_refused")
    public = Browser("https://push.example.com/x").subscription()
    data(await client.post("/push/subscribe", json=public, headers=team.human.headers))
