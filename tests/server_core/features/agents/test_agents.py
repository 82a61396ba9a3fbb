"""Agents: provisioning, permissions, archiving, API keys, key rotation, workspace isolation."""

from __future__ import annotations

import time
from typing import Any

import httpx2
import pytest

from server_core import bootstrap
from server_core.kernel.platform import Platform
from tests.helpers import (
    PASSWORD,
    KeyPair,
    api_key_for,
    bearer,
    data,
    error,
    provision_agent,
    register,
)

pytestmark = pytest.mark.anyio


async def test_human_provisions_agent_and_its_key_authenticates(
    client: httpx2.AsyncClient,
) -> None:
    admin = await register(client)
    token = admin["accessToken"]
    agent = await provision_agent(
        client, token, handle="Helper-Bot", displayName="Helper", profile={"model": "x"}
    )
    assert agent["handle"] == "helper-bot"
    assert agent["kind"] == "agent"
    assert agent["displayName"] == "Helper"
    assert agent["ownerId"] == admin["principal"]["id"]
    assert agent["isActive"] is True

    created = data(
        await client.post(
            f"/agents/{agent['id']}/api-keys", json={"label": "laptop"}, headers=bearer(token)
        ),
        201,
    )
    assert created["key"].startswith("sk_live_")
    assert created["key"].startswith(created["keyPrefix"])
    assert created["label"] == "laptop"

    me = data(await client.get("/auth/me", headers=bearer(created["key"])))
    assert me["id"] == agent["id"]
    assert me["email"] is None

    listed = data(await client.get(f"/agents/{agent['id']}/api-keys", headers=bearer(token)))
    assert [k["id"] for k in listed] == [created["id"]]
    assert "key" not in listed[0]


async def test_agents_cannot_provision_agents(client: httpx2.AsyncClient) -> None:
    admin = await register(client)
    agent = await provision_agent(client, admin["accessToken"])
    key = await api_key_for(client, admin["accessToken"], agent["id"])
    error(
        await client.post("/agents", json={"handle": "spawn"}, headers=bearer(key)),
        403,
        "human_only",
    )
    error(await client.delete(f"/agents/{agent['id']}", headers=bearer(key)), 403, "human_only")
    error(
        await client.post(f"/agents/{agent['id']}/api-keys", json={}, headers=bearer(key)),
        403,
        "human_only",
    )


@pytest.mark.both_engines
async def test_duplicate_handle_is_a_conflict(client: httpx2.AsyncClient) -> None:
    admin = await register(client)
    await provision_agent(client, admin["accessToken"], handle="twin")
    response = await client.post(
        "/agents", json={"handle": "twin"}, headers=bearer(admin["accessToken"])
    )
    error(response, 409, "handle_taken")
    # A human's handle is taken too.
    error(
        await client.post("/agents", json={"handle": "ada"}, headers=bearer(admin["accessToken"])),
        409,
        "handle_taken",
    )


async def test_invalid_public_key_is_refused(client: httpx2.AsyncClient) -> None:
    admin = await register(client)
    response = await client.post(
        "/agents",
        json={"handle": "keyed", "publicKey": "bm90LWEta2V5"},
        headers=bearer(admin["accessToken"]),
    )
    assert "publicKey" in error(response, 400, "validation_error")["error"]


@pytest.mark.both_engines
async def test_list_pages_through_agents(client: httpx2.AsyncClient) -> None:
    admin = await register(client)
    token = admin["accessToken"]
    handles = [f"bot-{n}" for n in range(5)]
    for handle in handles:
        await provision_agent(client, token, handle=handle)

    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, str | int] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        response = await client.get("/agents", params=params, headers=bearer(token))
        assert response.status_code == 200
        body = response.json()
        seen += [agent["handle"] for agent in body["data"]]
        if not body["pagination"]["hasMore"]:
            assert body["pagination"]["cursor"] is None
            break
        cursor = body["pagination"]["cursor"]
    assert seen == handles


async def test_agent_edits_itself_but_not_its_handle(client: httpx2.AsyncClient) -> None:
    admin = await register(client)
    agent = await provision_agent(client, admin["accessToken"])
    key = await api_key_for(client, admin["accessToken"], agent["id"])

    updated = data(
        await client.patch(
            f"/agents/{agent['id']}",
            json={"displayName": "Renamed", "profile": {"skills": ["python"]}, "kind": "human"},
            headers=bearer(key),
        )
    )
    assert updated["displayName"] == "Renamed"
    assert updated["profile"] == {"skills": ["python"]}
    assert updated["kind"] == "agent"

    error(
        await client.patch(f"/agents/{agent['id']}", json={"handle": "new"}, headers=bearer(key)),
        403,
    )
    renamed = data(
        await client.patch(
            f"/agents/{agent['id']}",
            json={"handle": "new-name"},
            headers=bearer(admin["accessToken"]),
        )
    )
    assert renamed["handle"] == "new-name"


async def test_only_owner_or_admin_manages_an_agent(
    client: httpx2.AsyncClient, platform: Platform
) -> None:
    admin = await register(client)
    platform.settings.open_registration = True
    bob = await register(client, email="bob@example.com", handle="bob", display_name="Bob")
    agent = await provision_agent(client, admin["accessToken"])
    bobs = await provision_agent(client, bob["accessToken"], handle="bobs-bot")

    # Bob may read the admin's agent, not manage it.
    assert data(await client.get(f"/agents/{agent['id']}", headers=bearer(bob["accessToken"])))
    error(
        await client.post(
            f"/agents/{agent['id']}/api-keys", json={}, headers=bearer(bob["accessToken"])
        ),
        403,
    )
    error(await client.delete(f"/agents/{agent['id']}", headers=bearer(bob["accessToken"])), 403)
    # Bob manages his own; the admin manages everyone's.
    assert await api_key_for(client, bob["accessToken"], bobs["id"])
    assert await api_key_for(client, admin["accessToken"], bobs["id"])


async def test_archived_agent_loses_access_until_reactivated(client: httpx2.AsyncClient) -> None:
    admin = await register(client)
    token = admin["accessToken"]
    agent = await provision_agent(client, token)
    key = await api_key_for(client, token, agent["id"])

    archived = data(await client.delete(f"/agents/{agent['id']}", headers=bearer(token)))
    assert archived["isActive"] is False
    error(await client.get("/auth/me", headers=bearer(key)), 401)

    listed = data(await client.get("/agents", headers=bearer(token)))
    assert agent["id"] not in [a["id"] for a in listed]
    everyone = data(await client.get("/agents?includeArchived=true", headers=bearer(token)))
    assert agent["id"] in [a["id"] for a in everyone]
    error(await client.post(f"/agents/{agent['id']}/api-keys", json={}, headers=bearer(token)), 409)

    data(
        await client.patch(f"/agents/{agent['id']}", json={"isActive": True}, headers=bearer(token))
    )
    assert data(await client.get("/auth/me", headers=bearer(key)))["id"] == agent["id"]


async def test_revoked_key_stops_working_at_once(client: httpx2.AsyncClient) -> None:
    admin = await register(client)
    token = admin["accessToken"]
    agent = await provision_agent(client, token)
    keep = await api_key_for(client, token, agent["id"])
    created = data(
        await client.post(f"/agents/{agent['id']}/api-keys", json={}, headers=bearer(token)), 201
    )
    assert data(await client.get("/auth/me", headers=bearer(created["key"])))

    revoked = data(
        await client.delete(
            f"/agents/{agent['id']}/api-keys/{created['id']}", headers=bearer(token)
        )
    )
    assert revoked["revokedAt"] is not None
    response = await client.get("/auth/me", headers=bearer(created["key"]))
    assert "revoked" in error(response, 401)["error"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert data(await client.get("/auth/me", headers=bearer(keep)))
    # Revoking again is harmless; unknown key ids are 404.
    again = await client.delete(
        f"/agents/{agent['id']}/api-keys/{created['id']}", headers=bearer(token)
    )
    assert data(again)["revokedAt"] == revoked["revokedAt"]
    error(
        await client.delete(f"/agents/{agent['id']}/api-keys/{agent['id']}", headers=bearer(token)),
        404,
    )


@pytest.mark.both_engines
async def test_signature_auth_and_key_rotation(client: httpx2.AsyncClient) -> None:
    admin = await register(client)
    token = admin["accessToken"]
    old, new = KeyPair.generate(), KeyPair.generate()
    agent = await provision_agent(client, token, handle="signer", publicKey=old.public_b64)

    assert (
        data(await client.get("/auth/me", headers=old.signature_header("signer")))["id"]
        == (agent["id"])
    )
    error(await client.get("/auth/me", headers=new.signature_header("signer")), 401)

    rotated = data(
        await client.post(
            f"/agents/{agent['id']}/rotate-key",
            json={"newPublicKey": new.public_b64},
            headers=bearer(token),
        )
    )
    assert rotated["publicKey"] == new.public_b64
    error(await client.get("/auth/me", headers=old.signature_header("signer")), 401)
    assert data(await client.get("/auth/me", headers=new.signature_header("signer")))


@pytest.mark.parametrize("skew_seconds", [-301, 301])
async def test_signature_outside_the_window_is_refused(
    client: httpx2.AsyncClient, skew_seconds: int
) -> None:
    admin = await register(client)
    pair = KeyPair.generate()
    await provision_agent(client, admin["accessToken"], handle="signer", publicKey=pair.public_b64)
    stamp = int((time.time() + skew_seconds) * 1000)
    response = await client.get("/auth/me", headers=pair.signature_header("signer", stamp))
    error(response, 401, "credentials_expired")
    inside = int(
        (time.time() + (skew_seconds - 60 if skew_seconds > 0 else skew_seconds + 60)) * 1000
    )
    assert data(await client.get("/auth/me", headers=pair.signature_header("signer", inside)))


async def test_signature_over_another_handle_is_refused(client: httpx2.AsyncClient) -> None:
    admin = await register(client)
    pair = KeyPair.generate()
    await provision_agent(client, admin["accessToken"], handle="signer", publicKey=pair.public_b64)
    forged = pair.signature_header("signer", signed_handle="someone")
    error(await client.get("/auth/me", headers=forged), 401, "invalid_credentials")


async def second_workspace(
    client: httpx2.AsyncClient, platform: Platform, admin_handle: str
) -> dict[str, Any]:
    """Create another workspace (as the CLI does) and log its admin in."""
    admin = bootstrap.admin_account("zed@example.com", PASSWORD, admin_handle, "Zed")
    await bootstrap.create_workspace(platform, "Other", admin)
    session: dict[str, Any] = data(
        await client.post("/auth/login", json={"email": "zed@example.com", "password": PASSWORD})
    )
    return session


async def test_workspaces_are_isolated(client: httpx2.AsyncClient, platform: Platform) -> None:
    first = await register(client)
    other = await second_workspace(client, platform, admin_handle="ada")
    # The same handle lives in both workspaces.
    assert other["principal"]["handle"] == "ada"
    mine = await provision_agent(client, first["accessToken"], handle="shared-name")
    theirs = await provision_agent(client, other["accessToken"], handle="shared-name")

    token = other["accessToken"]
    error(await client.get(f"/agents/{mine['id']}", headers=bearer(token)), 404)
    error(
        await client.patch(
            f"/agents/{mine['id']}", json={"displayName": "x"}, headers=bearer(token)
        ),
        404,
    )
    error(await client.delete(f"/agents/{mine['id']}", headers=bearer(token)), 404)
    error(await client.post(f"/agents/{mine['id']}/api-keys", json={}, headers=bearer(token)), 404)
    listed = data(await client.get("/agents", headers=bearer(token)))
    assert [a["id"] for a in listed] == [theirs["id"]]


async def test_same_handle_in_two_workspaces_signs_as_the_right_agent(
    client: httpx2.AsyncClient, platform: Platform
) -> None:
    first = await register(client)
    other = await second_workspace(client, platform, admin_handle="zed")
    a, b = KeyPair.generate(), KeyPair.generate()
    mine = await provision_agent(
        client, first["accessToken"], handle="twin", publicKey=a.public_b64
    )
    theirs = await provision_agent(
        client, other["accessToken"], handle="twin", publicKey=b.public_b64
    )
    assert (
        data(await client.get("/auth/me", headers=a.signature_header("twin")))["id"] == mine["id"]
    )
    assert (
        data(await client.get("/auth/me", headers=b.signature_header("twin")))["id"]
        == (theirs["id"])
    )
