"""Health: 200 while the database answers, 503 in the error shape when it does not."""

from __future__ import annotations

import base64
from pathlib import Path

import httpx2
import pytest

from server_core.app import create_app
from server_core.config import Settings
from server_core.kernel.bus import InProcessBus
from server_core.kernel.keyring import Keyring, MasterKeys
from server_core.kernel.platform import Platform
from server_core.kernel.store import Store
from server_core.kernel.throttle import throttle_for
from tests.helpers import data, error

pytestmark = pytest.mark.anyio


def _client(platform: Platform) -> httpx2.AsyncClient:
    app = create_app(platform=platform)
    return httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://test")


@pytest.mark.both_engines
async def test_health_reports_the_database(platform: Platform) -> None:
    async with _client(platform) as http:
        health = data(await http.get("/healthz"))
    assert health["status"] == "ok"
    assert health["database"] == platform.store.dialect


async def test_health_is_503_when_the_database_does_not_answer(tmp_path: Path) -> None:
    store = Store("postgresql://nobody@127.0.0.1:1/nothing-listens-here")
    keyring = Keyring(MasterKeys.parse(base64.b64encode(b"k" * 32).decode()))
    settings = Settings(data_dir=tmp_path)
    unreachable = Platform(
        settings, store, InProcessBus(), b"s" * 32, keyring, throttle_for(settings)
    )
    try:
        async with _client(unreachable) as http:
            response = await http.get("/healthz")
        assert "not reachable" in error(response, 503, "unavailable")["error"]
    finally:
        await store.close()
