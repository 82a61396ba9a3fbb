"""Session state: namespaced upserts with a version, reads, deletes, the 32 KB limit and TTL
expiry (with the service's clock moved forward)."""

from __future__ import annotations

from datetime import timedelta

import httpx2
import pytest

from server_core.features.agents import state as state_module
from server_core.kernel.clock import utcnow
from tests.helpers import data, error
from tests.server_core.features.agents.continuity import put_state
from tests.server_core.features.messaging.conftest import settings_overrides as settings_overrides
from tests.server_core.features.messaging.conftest import team as team
from tests.server_core.features.messaging.team import Team

pytestmark = pytest.mark.anyio


@pytest.mark.both_engines
async def test_state_is_upserted_per_namespace_with_a_version(
    client: httpx2.AsyncClient, team: Team
) -> None:
    bot = team.bot
    first = await put_state(client, bot, bot, state={"branch": "feature/auth"})
    assert (first["namespace"], first["version"], first["expiresAt"]) == ("default", 1, None)
    second = await put_state(client, bot, bot, state={"branch": "main", "pr": 142})
    assert second["version"] == 2
    cron = await put_state(client, bot, bot, namespace="cron:nightly", state={"n": 1})
    assert cron["version"] == 1
    read = data(await client.get(f"/agents/{bot.id}/state", headers=bot.headers))
    assert (read["state"], read["version"], read["updatedAt"]) == (
        {"branch": "main", "pr": 142},
        2,
        second["updatedAt"],
    )
    other = data(
        await client.get(f"/agents/{bot.id}/state?namespace=cron:nightly", headers=bot.headers)
    )
    assert other["state"] == {"n": 1}
    removed = data(await client.delete(f"/agents/{bot.id}/state", headers=bot.headers))
    assert removed["state"] == {"branch": "main", "pr": 142}
    error(await client.get(f"/agents/{bot.id}/state", headers=bot.headers), 404, "not_found")
    error(await client.delete(f"/agents/{bot.id}/state", headers=bot.headers), 404, "not_found")
    # A new write after a delete starts again.
    assert (await put_state(client, bot, bot, state={}))["version"] == 1


async def test_state_is_limited_to_32_kb_and_namespaces_to_a_safe_charset(
    client: httpx2.AsyncClient, team: Team
) -> None:
    bot = team.bot
    # {"x":"…"} is 8 bytes around the text.
    fits = await put_state(client, bot, bot, state={"x": "a" * (32 * 1024 - 8)})
    assert fits["version"] == 1
    too_big = await put_state(client, bot, bot, 413, state={"x": "a" * (32 * 1024 - 7)})
    assert error(too_big, 413, "state_too_large")["details"]["limit"] == 32 * 1024
    # Multi-byte characters count as their UTF-8 bytes.
    wide = await put_state(client, bot, bot, 413, state={"x": "é" * (16 * 1024)})
    error(wide, 413, "state_too_large")
    for namespace in ("", "a" * 65, "has space", "../x", "-lead"):
        error(await put_state(client, bot, bot, 400, namespace=namespace, state={}), 400)
    error(await client.get(f"/agents/{bot.id}/state?namespace=a%20b", headers=bot.headers), 400)
    error(await put_state(client, bot, bot, 400, state=[1, 2]), 400)
    assert data(await client.get(f"/agents/{bot.id}/state", headers=bot.headers))["version"] == 1


@pytest.mark.both_engines
async def test_expired_state_reads_as_missing_and_is_deleted(
    client: httpx2.AsyncClient, team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = team.bot
    saved = await put_state(client, bot, bot, state={"lock": True}, ttlSeconds=60)
    assert saved["expiresAt"] is not None
    await put_state(client, bot, bot, state={"v": 1}, ttlSeconds=60)
    # An update with ttlSeconds null clears the expiry.
    kept = await put_state(client, bot, bot, namespace="kept", state={}, ttlSeconds=60)
    kept = await put_state(client, bot, bot, namespace="kept", state={}, ttlSeconds=None)
    assert (kept["version"], kept["expiresAt"]) == (2, None)

    later = utcnow() + timedelta(seconds=61)
    monkeypatch.setattr(state_module, "utcnow", lambda: later)
    error(await client.get(f"/agents/{bot.id}/state", headers=bot.headers), 404)
    assert data(await client.get(f"/agents/{bot.id}/state?namespace=kept", headers=bot.headers))
    monkeypatch.undo()
    # Deleted on that read: gone now as well, and a new write starts at version 1.
    error(await client.get(f"/agents/{bot.id}/state", headers=bot.headers), 404)
    assert (await put_state(client, bot, bot, state={"v": 2}))["version"] == 1


async def test_expired_state_cannot_be_deleted_and_a_write_over_it_starts_again(
    client: httpx2.AsyncClient, team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = team.bot
    await put_state(client, bot, bot, state={}, ttlSeconds=1)
    await put_state(client, bot, bot, namespace="b", state={}, ttlSeconds=1)
    later = utcnow() + timedelta(seconds=2)
    monkeypatch.setattr(state_module, "utcnow", lambda: later)
    error(await client.delete(f"/agents/{bot.id}/state", headers=bot.headers), 404)
    assert (await put_state(client, bot, bot, namespace="b", state={}))["version"] == 1


@pytest.mark.both_engines
async def test_state_holds_only_what_both_engines_store_as_sent(
    client: httpx2.AsyncClient, team: Team
) -> None:
    bot = team.bot
    error(await put_state(client, bot, bot, 400, state={"a": "nul\u0000"}), 400)
    error(await put_state(client, bot, bot, 400, state={"nul\u0000": 1}), 400)
    saved = await put_state(client, bot, bot, state={"text": "é ✅", "n": [1, 2.5, None]})
    assert saved["version"] == 1
    read = data(await client.get(f"/agents/{bot.id}/state", headers=bot.headers))
    assert read["state"] == {"text": "é ✅", "n": [1, 2.5, None]}
