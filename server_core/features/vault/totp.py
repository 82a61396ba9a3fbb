"""TOTP codes (RFC 6238) from a stored secret, with pyotp.

A secret is base32 (spaces, dashes and lower case tolerated, padding optional) or an
`otpauth://totp/…` URI, whose digits, period and algorithm then apply. Otherwise the item's
`typeMetadata` may set `totpDigits` (6 to 10), `totpPeriod` (seconds) and `totpAlgorithm`
(SHA1, SHA256, SHA512); the defaults are 6 digits, 30 seconds, SHA1.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pyotp

from server_core.features.vault.errors import InvalidTotpSecret

DEFAULT_DIGITS = 6
DEFAULT_PERIOD = 30
_ALGORITHMS: dict[str, Callable[..., Any]] = {
    "SHA1": hashlib.sha1,
    "SHA256": hashlib.sha256,
    "SHA512": hashlib.sha512,
}


@dataclass(frozen=True)
class TotpCode:
    code: str
    expires_in: int
    period: int


def normalize_secret(secret: str) -> str:
    """The secret as strict, padded-free upper-case base32; InvalidTotpSecret otherwise."""
    cleaned = "".join(secret.split()).replace("-", "").upper().rstrip("=")
    if not cleaned:
        raise InvalidTotpSecret("The TOTP secret is empty")
    try:
        decoded = base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except (binascii.Error, ValueError) as exc:
        raise InvalidTotpSecret() from exc
    if not decoded:
        raise InvalidTotpSecret()
    return cleaned


def totp_for(secret: str, options: Mapping[Any, Any] | None = None) -> pyotp.TOTP:
    """A pyotp TOTP for a stored secret (base32 or otpauth URI) and the item's options."""
    options = options or {}
    if secret.strip().lower().startswith("otpauth://"):
        try:
            parsed = pyotp.parse_uri(secret.strip())
        except (ValueError, binascii.Error) as exc:
            raise InvalidTotpSecret("The TOTP secret is not a valid otpauth:// URI") from exc
        if not isinstance(parsed, pyotp.TOTP):
            raise InvalidTotpSecret("The otpauth:// URI is not a TOTP (time-based) one")
        normalize_secret(parsed.secret)
        return parsed
    digits = options.get("totpDigits", DEFAULT_DIGITS)
    period = options.get("totpPeriod", DEFAULT_PERIOD)
    algorithm = str(options.get("totpAlgorithm", "SHA1")).upper().replace("-", "")
    if not isinstance(digits, int) or not 6 <= digits <= 10:
        raise InvalidTotpSecret("typeMetadata.totpDigits must be an integer from 6 to 10")
    if not isinstance(period, int) or not 1 <= period <= 3600:
        raise InvalidTotpSecret("typeMetadata.totpPeriod must be 1 to 3600 seconds")
    if algorithm not in _ALGORITHMS:
        raise InvalidTotpSecret("typeMetadata.totpAlgorithm must be SHA1, SHA256 or SHA512")
    return pyotp.TOTP(
        normalize_secret(secret), digits=digits, interval=period, digest=_ALGORITHMS[algorithm]
    )


def code_at(
    secret: str, at: float | None = None, options: Mapping[Any, Any] | None = None
) -> TotpCode:
    """The code valid at `at` (Unix seconds; default now) and how long it stays valid."""
    totp = totp_for(secret, options)
    moment = time.time() if at is None else at
    try:
        code = totp.at(int(moment))
    except (ValueError, binascii.Error) as exc:
        raise InvalidTotpSecret() from exc
    period = int(totp.interval)
    return TotpCode(code=code, expires_in=period - int(moment) % period, period=period)
