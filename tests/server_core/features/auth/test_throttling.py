"""Failed credentials are throttled: sign-in per account and per address (checked before any
password is hashed), bad API keys per address; 429 with Retry-After, and a good credential
from a throttled address still passes where it can."""

from __future__ import annotations

from typing import Any

import anyio
import httpx2
import pytest

from server_core.kernel import crypto
from tests.helpers import PASSWORD, api_key_for, bearer, data, error, provision_agent, register

pytestmark = pytest.mark.anyio


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {
        "open_registration": True,
        "login_failures_per_account": 3,
        "login_failures_per_client": 6,
        "auth_failures_per_client": 4,
    }


async def login(client: httpx2.AsyncClient, email: str, password: str) -> httpx2.Response:
    return await client.post("/auth/login", json={"email": email, "password": password})


def throttled(response: httpx2.Response) -> dict[str, Any]:
    body = error(response, 429, "rate_limited")
    assert 1 <= int(response.headers["Retry-After"]) <= 300
    assert body["details"]["retryAfterMs"] > 0
    return body


async def test_an_account_is_locked_after_its_failures_even_for_the_right_password(
    client: httpx2.AsyncClient,
) -> None:
    await register(client)
    for _ in range(3):
        error(await login(client, "ada@example.com", "wrong password"), 401)
    body = throttled(await login(client, "ada@example.com", PASSWORD))
    assert "for this account" in body["error"]
    # Another account from the same address is not locked.
    await register(client, email="bob@example.com", handle="bob", display_name="Bob")
    data(await login(client, "bob@example.com", PASSWORD))


async def test_a_success_clears_the_accounts_failures(client: httpx2.AsyncClient) -> None:
    await register(client)
    for _ in range(2):
        error(await login(client, "ada@example.com", "wrong password"), 401)
    data(await login(client, "ada@example.com", PASSWORD))
    for _ in range(2):
        error(await login(client, "ada@example.com", "wrong password"), 401)
    data(await login(client, "ada@example.com", PASSWORD))


async def test_an_address_guessing_many_accounts_is_throttled(client: httpx2.AsyncClient) -> None:
    await register(client)
    for n in range(6):
        error(await login(client, f"guess{n}@example.com", "password"), 401)
    body = throttled(await login(client, "ada@example.com", PASSWORD))
    assert "from this address" in body["error"]


async def test_bad_api_keys_from_an_address_turn_into_429_while_good_ones_pass(
    client: httpx2.AsyncClient,
) -> None:
    admin = await register(client)
    agent = await provision_agent(client, admin["accessToken"])
    key = await api_key_for(client, admin["accessToken"], agent["id"])
    bad = bearer("sk_live_" + "x" * 43)
    for _ in range(3):
        error(await client.get("/auth/me", headers=bad), 401, "invalid_credentials")
    throttled(await client.get("/auth/me", headers=bad))
    throttled(await client.get("/channels", headers=bearer("not-a-jwt")))
    assert data(await client.get("/auth/me", headers=bearer(key)))["id"] == agent["id"]


async def test_sign_ins_beyond_the_password_queue_are_shed_with_503(
    client: httpx2.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    await register(client)
    monkeypatch.setattr(crypto, "PASSWORD_QUEUE", 1)
    slots = crypto.password_slots()
    # Every slot busy (as under a burst of sign-ins), so the next one waits in the queue.
    busy = [object() for _ in range(crypto.PASSWORD_SLOTS)]
    for holder in busy:
        await slots.acquire_on_behalf_of(holder)
    waiting: list[httpx2.Response] = []

    async def sign_in() -> None:
        waiting.append(await login(client, "ada@example.com", PASSWORD))

    async with anyio.create_task_group() as group:
        group.start_soon(sign_in)
        with anyio.fail_after(5):
            # Until the sign-in waits for a slot (after its database read); no event tells.
            while slots.statistics().tasks_waiting < 1:  # noqa: ASYNC110
                await anyio.sleep(0.01)
        shed = await login(client, "ada@example.com", PASSWORD)
        error(shed, 503, "unavailable")
        assert shed.headers["Retry-After"] == "1"
        for holder in busy:
            slots.release_on_behalf_of(holder)
    # The one that waited got its turn.
    assert [response.status_code for response in waiting] == [200]
