"""Access tokens: only untampered, unexpired HS256 tokens from this server are accepted."""

from __future__ import annotations

import base64
import json

import httpx2
import jwt
import pytest

from server_core.kernel.platform import Platform
from server_core.kernel.tokens import issue_access_token
from tests.helpers import bearer, data, error, register

pytestmark = pytest.mark.anyio


def _b64(document: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(document).encode()).rstrip(b"=").decode()


async def test_tampered_token_is_refused(client: httpx2.AsyncClient) -> None:
    session = await register(client)
    header, payload, signature = session["accessToken"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["sub"] = "01900000-0000-7000-8000-000000000000"
    forged = f"{header}.{_b64(claims)}.{signature}"
    response = await client.get("/auth/me", headers=bearer(forged))
    error(response, 401, "invalid_credentials")
    assert "WWW-Authenticate" in response.headers


async def test_alg_none_is_refused(client: httpx2.AsyncClient) -> None:
    session = await register(client)
    claims = json.loads(base64.urlsafe_b64decode(session["accessToken"].split(".")[1] + "=="))
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
    error(await client.get("/auth/me", headers=bearer(unsigned)), 401, "invalid_credentials")


async def test_token_from_another_secret_is_refused(client: httpx2.AsyncClient) -> None:
    session = await register(client)
    principal = session["principal"]
    foreign, _ = issue_access_token(b"x" * 48, principal["id"], principal["workspaceId"], 600)
    error(await client.get("/auth/me", headers=bearer(foreign)), 401, "invalid_credentials")


async def test_expired_token_is_refused(client: httpx2.AsyncClient, platform: Platform) -> None:
    session = await register(client)
    principal = session["principal"]
    expired, _ = issue_access_token(
        platform.signing_secret, principal["id"], principal["workspaceId"], -60
    )
    error(await client.get("/auth/me", headers=bearer(expired)), 401, "credentials_expired")
    fresh, _ = issue_access_token(
        platform.signing_secret, principal["id"], principal["workspaceId"], 60
    )
    assert data(await client.get("/auth/me", headers=bearer(fresh)))["id"] == principal["id"]


async def test_token_claiming_another_workspace_is_refused(
    client: httpx2.AsyncClient, platform: Platform
) -> None:
    session = await register(client)
    principal = session["principal"]
    wrong, _ = issue_access_token(
        platform.signing_secret, principal["id"], "01900000-0000-7000-8000-000000000001", 60
    )
    error(await client.get("/auth/me", headers=bearer(wrong)), 401)


async def test_other_algorithms_are_refused(client: httpx2.AsyncClient, platform: Platform) -> None:
    session = await register(client)
    claims = jwt.decode(session["accessToken"], options={"verify_signature": False})
    hs512 = jwt.encode(claims, platform.signing_secret, algorithm="HS512")
    error(await client.get("/auth/me", headers=bearer(hs512)), 401, "invalid_credentials")
