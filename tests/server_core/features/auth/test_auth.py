"""Register, login, refresh rotation, me and profile, over the real app on both engines."""

from __future__ import annotations

import anyio
import httpx2
import pytest

from server_core.kernel.platform import Platform
from tests.helpers import PASSWORD, bearer, data, error, register

pytestmark = pytest.mark.anyio


async def test_first_registration_creates_workspace_with_admin(client: httpx2.AsyncClient) -> None:
    session = await register(client, workspaceName="Acme")

    principal = session["principal"]
    assert principal["kind"] == "human"
    assert principal["isAdmin"] is True
    assert principal["email"] == "ada@example.com"
    assert session["workspace"]["name"] == "Acme"
    assert principal["workspaceId"] == session["workspace"]["id"]
    assert session["accessToken"].count(".") == 2
    assert session["refreshToken"].startswith("rt_")
    assert session["accessTokenExpiresAt"].endswith("Z")

    me = data(await client.get("/auth/me", headers=bearer(session["accessToken"])))
    assert me["id"] == principal["id"]
    assert me["handle"] == "ada"


async def test_later_registration_is_closed_by_default(client: httpx2.AsyncClient) -> None:
    await register(client)
    response = await client.post(
        "/auth/register",
        json={
            "email": "eve@example.com",
            "password": PASSWORD,
            "handle": "eve",
            "displayName": "E",
        },
    )
    error(response, 403, "registration_closed")
    # Nothing was written: eve cannot log in.
    login = await client.post(
        "/auth/login", json={"email": "eve@example.com", "password": PASSWORD}
    )
    error(login, 401, "invalid_credentials")


async def test_open_registration_joins_the_workspace_as_member(
    client: httpx2.AsyncClient, platform: Platform
) -> None:
    admin = await register(client)
    platform.settings.open_registration = True
    member = await register(client, email="bob@example.com", handle="bob", display_name="Bob")
    assert member["principal"]["isAdmin"] is False
    assert member["workspace"]["id"] == admin["workspace"]["id"]


@pytest.mark.both_engines
async def test_duplicate_email_and_handle_conflict(
    client: httpx2.AsyncClient, platform: Platform
) -> None:
    await register(client)
    platform.settings.open_registration = True
    same_email = await client.post(
        "/auth/register",
        json={
            "email": "ADA@example.com",
            "password": PASSWORD,
            "handle": "ada2",
            "displayName": "A",
        },
    )
    error(same_email, 409, "email_taken")
    same_handle = await client.post(
        "/auth/register",
        json={"email": "a2@example.com", "password": PASSWORD, "handle": "ada", "displayName": "A"},
    )
    error(same_handle, 409, "handle_taken")


async def test_login_checks_the_password(client: httpx2.AsyncClient) -> None:
    await register(client)
    good = data(
        await client.post("/auth/login", json={"email": "Ada@Example.com", "password": PASSWORD})
    )
    assert good["principal"]["handle"] == "ada"
    bad = await client.post(
        "/auth/login", json={"email": "ada@example.com", "password": "nope-nope"}
    )
    body = error(bad, 401, "invalid_credentials")
    assert "WWW-Authenticate" in bad.headers
    unknown = await client.post(
        "/auth/login", json={"email": "who@example.com", "password": PASSWORD}
    )
    assert error(unknown, 401, "invalid_credentials")["error"] == body["error"]


@pytest.mark.both_engines
async def test_refresh_rotates_and_reuse_revokes_the_family(client: httpx2.AsyncClient) -> None:
    session = await register(client)
    first = session["refreshToken"]

    rotated = data(await client.post("/auth/refresh", json={"refreshToken": first}))
    assert rotated["refreshToken"] != first
    assert rotated["principal"]["id"] == session["principal"]["id"]
    assert data(await client.get("/auth/me", headers=bearer(rotated["accessToken"])))

    # The spent token presented again: refused, and its descendants die with it.
    error(
        await client.post("/auth/refresh", json={"refreshToken": first}),
        401,
        "refresh_token_reused",
    )
    error(
        await client.post("/auth/refresh", json={"refreshToken": rotated["refreshToken"]}),
        401,
        "invalid_credentials",
    )
    error(await client.post("/auth/refresh", json={"refreshToken": "rt_made_up"}), 401)


async def test_other_logins_survive_a_revoked_family(client: httpx2.AsyncClient) -> None:
    session = await register(client)
    other = data(
        await client.post("/auth/login", json={"email": "ada@example.com", "password": PASSWORD})
    )
    data(await client.post("/auth/refresh", json={"refreshToken": session["refreshToken"]}))
    await client.post("/auth/refresh", json={"refreshToken": session["refreshToken"]})
    assert data(await client.post("/auth/refresh", json={"refreshToken": other["refreshToken"]}))


async def test_profile_update_changes_only_profile_fields(client: httpx2.AsyncClient) -> None:
    session = await register(client)
    token = session["accessToken"]
    original = session["principal"]

    updated = data(
        await client.patch(
            "/auth/profile",
            json={
                "displayName": "Ada L.",
                "profile": {"title": "Engineer"},
                # Protected fields are not settable here: they must not change.
                "id": "00000000-0000-7000-8000-000000000000",
                "workspaceId": "00000000-0000-7000-8000-000000000001",
                "kind": "agent",
                "isAdmin": False,
                "handle": "someone-else",
                "createdAt": "2000-01-01T00:00:00.000Z",
            },
            headers=bearer(token),
        )
    )
    assert updated["displayName"] == "Ada L."
    assert updated["profile"] == {"title": "Engineer"}
    for field in ("id", "workspaceId", "kind", "isAdmin", "handle", "createdAt"):
        assert updated[field] == original[field], field
    assert data(await client.get("/auth/me", headers=bearer(token)))["displayName"] == "Ada L."


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"password": PASSWORD, "handle": "ada", "displayName": "A"}, "email"),
        (
            {"email": "not-an-email", "password": PASSWORD, "handle": "ada", "displayName": "A"},
            "email",
        ),
        ({"email": "a@b.c", "password": "short", "handle": "ada", "displayName": "A"}, "password"),
        ({"email": "a@b.c", "password": PASSWORD, "handle": "-bad", "displayName": "A"}, "handle"),
        (
            {"email": "a@b.c", "password": PASSWORD, "handle": "ada", "displayName": ""},
            "displayName",
        ),
        ({"email": "a@b.c", "password": 12345678, "handle": "ada", "displayName": "A"}, "password"),
    ],
)
async def test_register_names_the_bad_field(
    client: httpx2.AsyncClient, body: dict[str, object], field: str
) -> None:
    problem = error(await client.post("/auth/register", json=body), 400, "validation_error")
    assert field in problem["error"]
    assert any(detail["field"] == field for detail in problem["details"])
    # Nothing was created: the server is still empty, so a valid registration bootstraps.
    assert (await register(client))["principal"]["isAdmin"] is True


async def test_a_burst_of_logins_all_succeed(client: httpx2.AsyncClient) -> None:
    """Password checks queue for a few hashing slots; none is lost or refused."""
    await register(client)
    results: list[int] = []

    async def login() -> None:
        response = await client.post(
            "/auth/login", json={"email": "ada@example.com", "password": PASSWORD}
        )
        results.append(response.status_code)

    with anyio.fail_after(30):
        async with anyio.create_task_group() as group:
            for _ in range(8):
                group.start_soon(login)
    assert results == [200] * 8
