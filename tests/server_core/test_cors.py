"""CORS: browsers on the configured origins may call the API; others get no CORS grant."""

from __future__ import annotations

import httpx2
import pytest

from server_core.app import create_app
from server_core.kernel.platform import Platform

pytestmark = pytest.mark.anyio

ORIGIN = "https://app.example.com"


async def test_configured_origins_get_cors_headers(platform: Platform) -> None:
    platform.settings.cors_origins = [ORIGIN]
    app = create_app(platform=platform)
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url="http://test/api/v1"
    ) as http:
        preflight = await http.options(
            "/auth/me",
            headers={
                "Origin": ORIGIN,
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "authorization",
            },
        )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == ORIGIN
        denied = await http.get("/auth/me", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in denied.headers
        allowed = await http.get("/auth/me", headers={"Origin": ORIGIN})
        assert allowed.status_code == 401  # CORS grants reach, not access
        assert allowed.headers["access-control-allow-origin"] == ORIGIN
        assert "WWW-Authenticate" in allowed.headers["access-control-expose-headers"]
