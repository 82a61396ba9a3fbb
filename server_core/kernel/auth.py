"""Who is calling: the three credentials every request may carry.

- `Authorization: Bearer sk_live_…`  an agent's API key (looked up by SHA-256 digest);
- `Authorization: Bearer <JWT>`       a human's access token (HS256, short-lived);
- `Authorization: Signature {handle}.{sig}.{timestamp}`  Ed25519 over `AUTH:{handle}:{timestamp}`
  with the agent's registered public key, timestamp within 5 minutes either way.

Any failure is a 401 with a `WWW-Authenticate` challenge; whether the caller may do what it
asks is for the feature to decide (403).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.kernel.crypto import API_KEY_PREFIX, digest, digests_equal, signature_valid
from server_core.kernel.errors import (
    CredentialsExpired,
    HumanOnly,
    InvalidCredentials,
    Unauthorized,
)
from server_core.kernel.revocation import (
    SIGNATURE_CREDENTIAL,
    api_key_credential,
    login_credential,
)
from server_core.kernel.store import Tx
from server_core.kernel.store.tables import api_keys, principals
from server_core.kernel.tokens import verify_access_token

AuthMethod = Literal["api_key", "jwt", "signature"]
SIGNATURE_WINDOW_SECONDS = 300
MAX_TIMESTAMP_DIGITS = 18  # milliseconds run to 13 digits until the year 2286


@dataclass(frozen=True)
class Caller:
    """The authenticated principal of a request."""

    principal_id: str
    workspace_id: str
    kind: str
    handle: str
    display_name: str
    is_admin: bool
    method: AuthMethod
    # Which credential it presented (see `kernel.revocation`); None when unknown (an access
    # token issued before tokens named their login).
    credential: str | None = None

    @property
    def is_human(self) -> bool:
        return self.kind == "human"

    def require_human(self) -> None:
        if not self.is_human:
            raise HumanOnly()


def caller_from_row(row: RowMapping, method: AuthMethod, credential: str | None = None) -> Caller:
    return Caller(
        principal_id=row["id"],
        workspace_id=row["workspace_id"],
        kind=row["kind"],
        handle=row["handle"],
        display_name=row["display_name"],
        is_admin=bool(row["is_admin"]),
        method=method,
        credential=credential,
    )


async def authenticate(tx: Tx, authorization: str | None, signing_secret: bytes) -> Caller:
    """Resolve the Authorization header to an active principal, or raise a 401."""
    return await tx.run(lambda conn: authenticate_on(conn, authorization, signing_secret))


def authenticate_on(conn: Connection, authorization: str | None, signing_secret: bytes) -> Caller:
    """`authenticate` on a connection, for code that already runs on one (one hop for the
    whole lookup)."""
    if not authorization:
        raise Unauthorized(
            "Missing Authorization header: send 'Bearer <api key or token>' or "
            "'Signature <handle>.<signature>.<timestamp>'"
        )
    scheme, _, credentials = authorization.strip().partition(" ")
    credentials = credentials.strip()
    # NUL cannot reach PostgreSQL (the handle lookup); a WebSocket auth frame can carry one.
    if not credentials or "\x00" in credentials:
        raise InvalidCredentials("Malformed Authorization header")
    if scheme.lower() == "bearer":
        if credentials.startswith(API_KEY_PREFIX):
            return _by_api_key(conn, credentials)
        return _by_access_token(conn, credentials, signing_secret)
    if scheme.lower() == "signature":
        return _by_signature(conn, credentials)
    raise InvalidCredentials(f"Unsupported authorization scheme '{scheme}'")


# Built once: every authenticated request runs one of these. Only the columns a caller needs.
_CALLER_COLUMNS = (
    principals.c.id,
    principals.c.workspace_id,
    principals.c.kind,
    principals.c.handle,
    principals.c.display_name,
    principals.c.is_admin,
    principals.c.is_active,
)
_BY_KEY_HASH = (
    sa.select(
        *_CALLER_COLUMNS,
        api_keys.c.id.label("key_id"),
        api_keys.c.key_hash,
        api_keys.c.revoked_at,
    )
    .join(api_keys, api_keys.c.principal_id == principals.c.id)
    .where(api_keys.c.key_hash == sa.bindparam("key_hash"))
)
_BY_TOKEN = sa.select(*_CALLER_COLUMNS).where(
    principals.c.id == sa.bindparam("principal_id"),
    principals.c.workspace_id == sa.bindparam("workspace_id"),
)
_BY_HANDLE = sa.select(*_CALLER_COLUMNS, principals.c.public_key).where(
    principals.c.handle == sa.bindparam("handle"),
    principals.c.public_key.is_not(None),
)


def _by_api_key(conn: Connection, key: str) -> Caller:
    key_hash = digest(key)
    row = conn.execute(_BY_KEY_HASH, {"key_hash": key_hash}).mappings().first()
    if row is None or not digests_equal(row["key_hash"], key_hash):
        raise InvalidCredentials("Invalid API key")
    if row["revoked_at"] is not None:
        raise InvalidCredentials("API key has been revoked")
    if not row["is_active"]:
        raise InvalidCredentials("This principal has been archived")
    return caller_from_row(row, "api_key", api_key_credential(row["key_id"]))


def _by_access_token(conn: Connection, token: str, signing_secret: bytes) -> Caller:
    claims = verify_access_token(signing_secret, token)
    row = (
        conn.execute(
            _BY_TOKEN,
            {"principal_id": claims.principal_id, "workspace_id": claims.workspace_id},
        )
        .mappings()
        .first()
    )
    if row is None or not row["is_active"]:
        raise InvalidCredentials("Invalid access token")
    login = login_credential(claims.family_id) if claims.family_id else None
    return caller_from_row(row, "jwt", login)


def _by_signature(conn: Connection, credentials: str) -> Caller:
    parts = credentials.split(".")
    if len(parts) != 3 or not all(parts):
        raise InvalidCredentials("Malformed signature: expected '<handle>.<signature>.<timestamp>'")
    handle, signature, timestamp = parts
    check_freshness(timestamp)
    message = f"AUTH:{handle}:{timestamp}".encode()
    # Handles are unique per workspace, not per server: try each active key holder of the
    # handle; only the one whose key made the signature verifies.
    rows = conn.execute(_BY_HANDLE, {"handle": handle}).mappings().all()
    for row in rows:
        if signature_valid(row["public_key"], signature, message):
            if not row["is_active"]:
                raise InvalidCredentials("This principal has been archived")
            return caller_from_row(row, "signature", SIGNATURE_CREDENTIAL)
    raise InvalidCredentials("Invalid signature")


def check_freshness(timestamp: str, now: float | None = None) -> None:
    """The timestamp (milliseconds since the epoch; seconds are accepted too) must lie within
    five minutes of now, in either direction."""
    # ASCII digits only (int() also reads signs, underscores and other scripts' digits), and
    # few enough that the division below stays within a float.
    if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > MAX_TIMESTAMP_DIGITS:
        raise InvalidCredentials("Signature timestamp must be milliseconds since the epoch")
    value = int(timestamp)
    seconds = value / 1000 if value > 100_000_000_000 else float(value)
    current = time.time() if now is None else now
    if abs(current - seconds) > SIGNATURE_WINDOW_SECONDS:
        raise CredentialsExpired("Signature timestamp is outside the 5-minute window")
