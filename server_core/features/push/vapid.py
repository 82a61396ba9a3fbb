"""The server's VAPID key pair (RFC 8292): an ECDSA P-256 key made on first use and kept as a
PEM file in the data dir, like the JWT secret. Push services check the JWT it signs; browsers
subscribe with its public key (`applicationServerKey`)."""

from __future__ import annotations

import base64
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02

from server_core.config import Settings, read_or_create_secret

KEY_FILE = "vapid-private.pem"


def _new_pem() -> bytes:
    return ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


@cache
def _load(path: Path) -> Vapid02:
    return Vapid02.from_pem(read_or_create_secret(path, _new_pem))


def vapid_key(settings: Settings) -> Vapid02:
    return _load(settings.ensure_data_dir().resolve() / KEY_FILE)


def public_key_b64url(settings: Settings) -> str:
    """The uncompressed public point, base64url without padding, as browsers take it."""
    public = vapid_key(settings).public_key
    raw = public.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
