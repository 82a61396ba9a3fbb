"""Credential primitives: password hashes, API keys, opaque tokens and Ed25519 signatures.

Passwords are hashed with argon2id (slow on purpose: call the `*_async` forms from request
handlers). API keys and refresh tokens are long random strings, so a SHA-256 digest is enough to
store them and lets the database look them up by hash.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import hmac
import secrets
import weakref
from functools import lru_cache

import anyio
import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from server_core.kernel.errors import ServiceUnavailable

API_KEY_PREFIX = "sk_live_"
REFRESH_TOKEN_PREFIX = "rt_"  # noqa: S105 - a prefix, not a secret
KEY_PREFIX_LENGTH = 12  # "sk_live_" and four characters: enough to tell keys apart in a list

_hasher = PasswordHasher()  # argon2id, library defaults (RFC 9106 low-memory profile)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; with no stored hash, still spend the same time, then refuse."""
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


# Each argon2 run takes ~64 MiB and a core for tens of milliseconds: a burst of logins queues
# here instead of taking all memory and every thread.
# One limiter per event loop: synchronization primitives belong to the loop that made them.
_password_slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.CapacityLimiter] = (
    weakref.WeakKeyDictionary()
)


PASSWORD_SLOTS = 2  # argon2 runs at once
# Waiting beyond the running ones: more are refused with 503 at once instead of queueing
# without end (each waiter holds a request open while the burst grows).
PASSWORD_QUEUE = 32


def password_slots() -> anyio.CapacityLimiter:
    loop = asyncio.get_running_loop()
    if loop not in _password_slots:
        _password_slots[loop] = anyio.CapacityLimiter(PASSWORD_SLOTS)
    limiter = _password_slots[loop]
    if limiter.statistics().tasks_waiting >= PASSWORD_QUEUE:
        raise ServiceUnavailable(
            "Too many sign-ins at once; try again in a moment", headers={"Retry-After": "1"}
        )
    return limiter


async def hash_password_async(password: str) -> str:
    return await anyio.to_thread.run_sync(hash_password, password, limiter=password_slots())


async def verify_password_async(password_hash: str | None, password: str) -> bool:
    return await anyio.to_thread.run_sync(
        verify_password, password_hash, password, limiter=password_slots()
    )


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


def digest(secret: str) -> str:
    """SHA-256 hex digest of a high-entropy secret (API key, refresh token)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def digests_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def new_api_key() -> tuple[str, str]:
    """A new API key and the prefix shown in listings."""
    key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    return key, key[:KEY_PREFIX_LENGTH]


def new_refresh_token() -> str:
    return REFRESH_TOKEN_PREFIX + secrets.token_urlsafe(32)


def b64url_decode(value: str) -> bytes:
    """Decode base64url with or without padding; raise ValueError on anything else."""
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64url") from exc


def b64url_encode(value: bytes) -> str:
    return base64.urlsafe_b64encode(value).rstrip(b"=").decode()


def load_public_key(encoded: str) -> Ed25519PublicKey:
    """Parse a base64url SPKI DER Ed25519 public key; ValueError when it is not one."""
    der = b64url_decode(encoded)
    try:
        key = serialization.load_der_public_key(der)
    except (ValueError, TypeError) as exc:
        raise ValueError("not an SPKI DER public key") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def signature_valid(public_key: str, signature: str, message: bytes) -> bool:
    """Verify a base64url Ed25519 signature of `message` under a stored public key."""
    try:
        load_public_key(public_key).verify(b64url_decode(signature), message)
    except (ValueError, InvalidSignature):
        return False
    return True
