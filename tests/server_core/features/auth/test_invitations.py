"""Invitations: an admin invites an email, the invited human registers with the token while
open registration is off and joins the inviting workspace; spent, revoked, expired and
replaced tokens are refused with their own codes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx2
import pytest
import sqlalchemy as sa

from server_core.features.auth.tables import invitations
from server_core.kernel.clock import utcnow
from server_core.kernel.platform import Platform
from tests.helpers import PASSWORD, bearer, data, error, provision_agent, register

pytestmark = pytest.mark.anyio


def signup(email: str, token: str | None, handle: str = "bob") -> dict[str, Any]:
    body = {"email": email, "password": PASSWORD, "handle": handle, "displayName": "Bob"}
    return body if token is None else {**body, "invitationToken": token}


async def invite(
    client: httpx2.AsyncClient, admin: dict[str, Any], email: str = "bob@example.com", **extra: Any
) -> dict[str, Any]:
    body = {"email": email, **extra}
    headers = bearer(admin["accessToken"])
    invitation: dict[str, Any] = data(
        await client.post("/invitations", json=body, headers=headers), 201
    )
    return invitation


@pytest.mark.both_engines
async def test_an_invited_human_registers_logs_in_and_is_in_the_workspace(
    client: httpx2.AsyncClient,
) -> None:
    admin = await register(client, workspaceName="Acme")
    invitation = await invite(client, admin, "Bob@Example.com")
    assert invitation["status"] == "pending"
    assert invitation["email"] == "bob@example.com"
    assert invitation["isAdmin"] is False
    assert invitation["resentCount"] == 0
    assert invitation["invitedBy"] == admin["principal"]["id"]
    assert invitation["token"].startswith("inv_")
    assert invitation["token"] in invitation["acceptUrl"]

    response = await client.post(
        "/auth/register", json=signup("bob@example.com", invitation["token"])
    )
    session = data(response, 201)
    assert session["workspace"] == admin["workspace"]
    assert session["principal"]["isAdmin"] is False

    login = data(
        await client.post("/auth/login", json={"email": "bob@example.com", "password": PASSWORD})
    )
    assert login["principal"]["workspaceId"] == admin["workspace"]["id"]
    people = data(await client.get("/channels/principals", headers=bearer(admin["accessToken"])))
    assert "bob" in {person["handle"] for person in people}

    listed = data(await client.get("/invitations/people", headers=bearer(admin["accessToken"])))
    assert [(row["id"], row["status"]) for row in listed] == [(invitation["id"], "accepted")]
    assert listed[0]["acceptedBy"] == session["principal"]["id"]
    assert "token" not in listed[0]

    # The same token again, even under another email: spent.
    again = await client.post(
        "/auth/register", json=signup("bob@example.com", invitation["token"], "bob2")
    )
    error(again, 409, "invitation_used")


async def test_an_admin_invitation_makes_an_admin(client: httpx2.AsyncClient) -> None:
    admin = await register(client)
    invitation = await invite(client, admin, isAdmin=True)
    session = data(
        await client.post("/auth/register", json=signup("bob@example.com", invitation["token"])),
        201,
    )
    assert session["principal"]["isAdmin"] is True


async def test_the_email_must_match_and_unknown_tokens_are_refused(
    client: httpx2.AsyncClient,
) -> None:
    admin = await register(client)
    invitation = await invite(client, admin)
    wrong = await client.post("/auth/register", json=signup("eve@example.com", invitation["token"]))
    error(wrong, 403, "invitation_email_mismatch")
    unknown = await client.post("/auth/register", json=signup("bob@example.com", "inv_nope"))
    error(unknown, 403, "invitation_invalid")
    # Neither attempt spent the invitation.
    data(
        await client.post("/auth/register", json=signup("bob@example.com", invitation["token"])),
        201,
    )


async def test_a_revoked_invitation_no_longer_admits(client: httpx2.AsyncClient) -> None:
    admin = await register(client)
    headers = bearer(admin["accessToken"])
    invitation = await invite(client, admin)
    revoked = data(await client.delete(f"/invitations/people/{invitation['id']}", headers=headers))
    assert revoked["status"] == "revoked"
    assert revoked["revokedAt"] is not None
    response = await client.post(
        "/auth/register", json=signup("bob@example.com", invitation["token"])
    )
    error(response, 403, "invitation_revoked")
    resend = await client.post(f"/invitations/{invitation['id']}/resend", headers=headers)
    error(resend, 409, "invitation_not_pending")
    # Revoked, the email may be invited afresh.
    await invite(client, admin)


@pytest.mark.both_engines
async def test_an_expired_invitation_is_refused_until_resent(
    client: httpx2.AsyncClient, platform: Platform
) -> None:
    admin = await register(client)
    headers = bearer(admin["accessToken"])
    invitation = await invite(client, admin)
    past = utcnow() - timedelta(minutes=1)
    await platform.store.run_sync(
        lambda conn: conn.execute(
            sa.update(invitations)
            .where(invitations.c.id == invitation["id"])
            .values(expires_at=past)
        )
    )
    listed = data(await client.get("/invitations/people", headers=headers))
    assert listed[0]["status"] == "expired"
    response = await client.post(
        "/auth/register", json=signup("bob@example.com", invitation["token"])
    )
    error(response, 403, "invitation_expired")

    resent = data(await client.post(f"/invitations/{invitation['id']}/resend", headers=headers))
    assert resent["status"] == "pending"
    assert resent["resentCount"] == 1
    assert resent["expiresAt"] > invitation["expiresAt"]
    assert resent["token"] != invitation["token"]
    old = await client.post("/auth/register", json=signup("bob@example.com", invitation["token"]))
    error(old, 403, "invitation_invalid")
    data(await client.post("/auth/register", json=signup("bob@example.com", resent["token"])), 201)


async def test_only_workspace_admins_manage_invitations(
    client: httpx2.AsyncClient, platform: Platform
) -> None:
    admin = await register(client)
    invitation = await invite(client, admin)
    member = data(
        await client.post("/auth/register", json=signup("bob@example.com", invitation["token"])),
        201,
    )
    headers = bearer(member["accessToken"])
    refused = await client.post("/invitations", json={"email": "eve@example.com"}, headers=headers)
    error(refused, 403, "forbidden")
    error(await client.get("/invitations/people", headers=headers), 403, "forbidden")
    other = await invite(client, admin, "eve@example.com")
    revoke = await client.delete(f"/invitations/people/{other['id']}", headers=headers)
    error(revoke, 403, "forbidden")
    resend = await client.post(f"/invitations/{other['id']}/resend", headers=headers)
    error(resend, 403, "forbidden")

    agent = await provision_agent(client, admin["accessToken"], "bot")
    key = data(
        await client.post(
            f"/agents/{agent['id']}/api-keys", json={}, headers=bearer(admin["accessToken"])
        ),
        201,
    )["key"]
    by_agent = await client.post(
        "/invitations", json={"email": "eve2@example.com"}, headers=bearer(key)
    )
    assert by_agent.status_code == 403


async def test_duplicate_and_taken_emails_are_refused(client: httpx2.AsyncClient) -> None:
    admin = await register(client)
    headers = bearer(admin["accessToken"])
    first = await invite(client, admin)
    twice = await client.post("/invitations", json={"email": "bob@example.com"}, headers=headers)
    assert error(twice, 409, "invitation_pending")["details"] == {"invitationId": first["id"]}
    taken = await client.post("/invitations", json={"email": "ada@example.com"}, headers=headers)
    error(taken, 409, "email_taken")
    missing = await client.delete(
        "/invitations/people/0190c0de-0000-7000-8000-000000000000", headers=headers
    )
    error(missing, 404)


async def test_accepted_invitations_cannot_be_revoked(client: httpx2.AsyncClient) -> None:
    admin = await register(client)
    headers = bearer(admin["accessToken"])
    invitation = await invite(client, admin)
    data(
        await client.post("/auth/register", json=signup("bob@example.com", invitation["token"])),
        201,
    )
    response = await client.delete(f"/invitations/people/{invitation['id']}", headers=headers)
    error(response, 409, "invitation_not_pending")
