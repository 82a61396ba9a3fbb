"""Test helpers: sign-up flows, credentials and Ed25519 signatures, used across test modules."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import httpx2
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from server_core.kernel.crypto import b64url_encode

PASSWORD = "correct horse battery"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def data(response: httpx2.Response, status: int = 200) -> Any:
    """The envelope's data, after checking the status and the envelope."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["ok"] is True
    return body["data"]


def error(response: httpx2.Response, status: int, code: str | None = None) -> dict[str, Any]:
    """The error body, after checking it has the spec's shape."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert isinstance(body["error"], str)
    assert body["error"]
    if code is not None:
        assert body["code"] == code, body
    return body


@dataclass
class KeyPair:
    private: Ed25519PrivateKey

    @classmethod
    def generate(cls) -> KeyPair:
        return cls(Ed25519PrivateKey.generate())

    @property
    def public_b64(self) -> str:
        der = self.private.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return b64url_encode(der)

    def signature_header(
        self, handle: str, timestamp_ms: int | None = None, *, signed_handle: str | None = None
    ) -> dict[str, str]:
        timestamp = str(timestamp_ms if timestamp_ms is not None else int(time.time() * 1000))
        message = f"AUTH:{signed_handle or handle}:{timestamp}".encode()
        signature = b64url_encode(self.private.sign(message))
        return {"Authorization": f"Signature {handle}.{signature}.{timestamp}"}


async def register(
    client: httpx2.AsyncClient,
    email: str = "ada@example.com",
    handle: str = "ada",
    display_name: str = "Ada",
    **extra: Any,
) -> dict[str, Any]:
    """Register a human; return the session (accessToken, refreshToken, principal...)."""
    body = {
        "email": email,
        "password": PASSWORD,
        "handle": handle,
        "displayName": display_name,
        **extra,
    }
    session: dict[str, Any] = data(await client.post("/auth/register", json=body), 201)
    return session


async def provision_agent(
    client: httpx2.AsyncClient, token: str, handle: str = "helper-bot", **extra: Any
) -> dict[str, Any]:
    agent: dict[str, Any] = data(
        await client.post("/agents", json={"handle": handle, **extra}, headers=bearer(token)),
        201,
    )
    return agent


async def api_key_for(client: httpx2.AsyncClient, token: str, agent_id: str) -> str:
    created = data(
        await client.post(f"/agents/{agent_id}/api-keys", json={}, headers=bearer(token)), 201
    )
    key: str = created["key"]
    return key
