"""Access tokens for humans: short-lived HS256 JWTs. Only HS256 is accepted, so `alg: none`
and algorithm-confusion tokens fail verification."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

from server_core.kernel.clock import utcnow
from server_core.kernel.errors import CredentialsExpired, InvalidCredentials
from server_core.kernel.ids import new_id

ALGORITHM = "HS256"
ISSUER = "sesame"
AUDIENCE = "sesame-api"


@dataclass(frozen=True)
class AccessClaims:
    principal_id: str
    workspace_id: str
    # The login (refresh-token family) the token was issued under.
    family_id: str | None = None


def issue_access_token(
    secret: bytes,
    principal_id: str,
    workspace_id: str,
    ttl_seconds: int,
    family_id: str | None = None,
) -> tuple[str, datetime]:
    now = utcnow()
    expires_at = now + timedelta(seconds=ttl_seconds)
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": principal_id,
        "ws": workspace_id,
        "typ": "access",
        "iat": int(now.timestamp()),
        "exp": int(expires_at.timestamp()),
        "jti": new_id(),
    }
    if family_id is not None:
        claims["fam"] = family_id
    return jwt.encode(claims, secret, algorithm=ALGORITHM), expires_at


def verify_access_token(secret: bytes, token: str) -> AccessClaims:
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "aud", "iss"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise CredentialsExpired(
            "Access token expired; refresh it with POST /auth/refresh"
        ) from exc
    except jwt.InvalidTokenError as exc:
        raise InvalidCredentials("Invalid access token") from exc
    if claims.get("typ") != "access" or not isinstance(claims.get("ws"), str):
        raise InvalidCredentials("Invalid access token")
    family = claims.get("fam")
    return AccessClaims(
        principal_id=claims["sub"],
        workspace_id=claims["ws"],
        family_id=family if isinstance(family, str) else None,
    )
