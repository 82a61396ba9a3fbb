"""Credentials: what a client presents, as an `Authorization` header (REST) or an `auth` frame
(WebSocket).

- `ApiKey("sk_live_…")`                 `Bearer sk_live_…`       `{"apiKey": …}`
- `AgentKey(handle, private_key)`       `Signature {handle}.{sig}.{timestamp}`, signed afresh
                                         for every request and connection (5-minute window)
- `AccessToken(token, refresh_token)`   `Bearer <JWT>` for humans; the client trades the
                                         refresh token for a new pair when the token expires

and the `client.auth` area.
"""

from __future__ import annotations

import base64
import binascii
import time
from abc import ABC, abstractmethod
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from server_core.features.auth import operations
from server_core.features.auth.schemas import AuthSession
from sesame_mcp.client.area import Area


def _b64url_encode(value: bytes) -> str:
    return base64.urlsafe_b64encode(value).rstrip(b"=").decode()


def _b64url_decode(value: str) -> bytes:
    text = value.strip()
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Credentials(ABC):
    """One principal's way of proving who it is."""

    @abstractmethod
    def authorization(self) -> str:
        """The `Authorization` header value for one request."""

    @abstractmethod
    def auth_frame(self) -> dict[str, Any]:
        """The WebSocket `auth` frame for one connection."""


class ApiKey(Credentials):
    """An agent's API key (`sk_live_…`), as `POST /agents/:id/api-keys` returned it."""

    def __init__(self, key: str) -> None:
        if not key:
            raise ValueError("an API key is required")
        self.key = key

    def authorization(self) -> str:
        return f"Bearer {self.key}"

    def auth_frame(self) -> dict[str, Any]:
        return {"type": "auth", "apiKey": self.key}

    def __repr__(self) -> str:
        return f"ApiKey({self.key[:12]}…)"  # the prefix the server lists; never the secret


class AgentKey(Credentials):
    """An agent's handle and Ed25519 private key; nothing secret goes on the wire.

    `private_key` may be an `Ed25519PrivateKey`, PKCS8 DER bytes or a 32-byte seed, their
    base64url text (what `generate_agent_keys` returns), or a PEM string.
    """

    def __init__(self, handle: str, private_key: Ed25519PrivateKey | bytes | str) -> None:
        self.handle = handle.strip().lower()
        self._key = load_private_key(private_key)

    def sign(self, timestamp_ms: int | None = None) -> tuple[str, int]:
        """The base64url signature of `AUTH:{handle}:{timestamp}` and the timestamp (ms)."""
        timestamp = timestamp_ms if timestamp_ms is not None else int(time.time() * 1000)
        signature = self._key.sign(f"AUTH:{self.handle}:{timestamp}".encode())
        return _b64url_encode(signature), timestamp

    def authorization(self) -> str:
        signature, timestamp = self.sign()
        return f"Signature {self.handle}.{signature}.{timestamp}"

    def auth_frame(self) -> dict[str, Any]:
        signature, timestamp = self.sign()
        return {
            "type": "auth",
            "signature": {"handle": self.handle, "sig": signature, "timestamp": timestamp},
        }

    def __repr__(self) -> str:
        return f"AgentKey({self.handle!r})"


class AccessToken(Credentials):
    """A human's access token (JWT), with the refresh token that renews it when it has one."""

    def __init__(self, token: str, refresh_token: str | None = None) -> None:
        if not token:
            raise ValueError("an access token is required")
        self.token = token
        self.refresh_token = refresh_token

    @classmethod
    def from_session(cls, session: AuthSession) -> AccessToken:
        return cls(session.access_token, session.refresh_token)

    def renew(self, session: AuthSession) -> None:
        """Take the new pair from a refresh (the old refresh token is spent)."""
        self.token = session.access_token
        self.refresh_token = session.refresh_token

    def authorization(self) -> str:
        return f"Bearer {self.token}"

    def auth_frame(self) -> dict[str, Any]:
        return {"type": "auth", "token": self.token}

    def __repr__(self) -> str:
        return f"AccessToken(refreshable={self.refresh_token is not None})"


def load_private_key(value: Ed25519PrivateKey | bytes | str) -> Ed25519PrivateKey:
    """An Ed25519 private key from any of the forms `AgentKey` accepts."""
    if isinstance(value, Ed25519PrivateKey):
        return value
    if isinstance(value, str):
        if value.lstrip().startswith("-----BEGIN"):
            pem = serialization.load_pem_private_key(value.encode(), password=None)
            if not isinstance(pem, Ed25519PrivateKey):
                raise ValueError("the PEM key is not an Ed25519 private key")
            return pem
        try:
            value = _b64url_decode(value)
        except (binascii.Error, ValueError) as exc:
            raise ValueError("the private key is not base64url") from exc
    if len(value) == 32:
        return Ed25519PrivateKey.from_private_bytes(value)
    try:
        key = serialization.load_der_private_key(value, password=None)
    except ValueError as exc:
        raise ValueError("the private key is neither PKCS8 DER nor a 32-byte seed") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("the private key is not an Ed25519 key")
    return key


def generate_agent_keys() -> tuple[str, str]:
    """A new Ed25519 pair as `(public_key, private_key)`: base64url SPKI DER (register it with
    `agents.create(public_key=…)` or `agents.rotate_key`) and base64url PKCS8 DER (keep it)."""
    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    private = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return _b64url_encode(public), _b64url_encode(private)


class Auth(Area, operations.Auth):
    """`client.auth`: humans' sessions (register, login, refresh: `SesameClient.register`,
    `SesameClient.login` and `refresh` keep the tokens they answer with) and the caller's own
    principal (`me`, `update_profile`)."""
