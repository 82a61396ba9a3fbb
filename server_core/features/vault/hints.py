"""Field hints: what a field holds, given by the client or inferred from the field's key."""

from __future__ import annotations

import re

from server_core.features.vault.schemas import FieldHint

# Exact key names (lower case, `-` and spaces read as `_`).
_EXACT: dict[str, FieldHint] = {}
for _hint, _names in {
    "password": ("password", "pass", "passwd", "pwd", "passphrase", "passcode"),
    "username": ("user", "username", "user_name", "login", "userid", "user_id", "account"),
    "email": ("email", "e_mail", "mail", "email_address"),
    "url": ("url", "uri", "host", "hostname", "endpoint", "website", "link", "domain"),
    "totp": ("totp", "otp", "mfa", "2fa", "totp_secret", "otp_secret", "authenticator"),
    "pin": ("pin", "pin_code", "pincode", "cvv", "cvc"),
    "token": ("token", "access_token", "refresh_token", "auth_token", "bearer", "jwt"),
    "key": ("key", "api_key", "apikey", "secret_key", "private_key", "access_key", "ssh_key"),
    "note": ("note", "notes", "memo", "comment", "comments"),
}.items():
    for _name in _names:
        _EXACT[_name] = _hint  # type: ignore[assignment]

# Then by the key's last word: `DATABASE_URL` → url, `AWS_SECRET_ACCESS_KEY` → key.
_SUFFIXES: tuple[tuple[str, FieldHint], ...] = (
    ("password", "password"),
    ("passwd", "password"),
    ("pwd", "password"),
    ("username", "username"),
    ("email", "email"),
    ("url", "url"),
    ("uri", "url"),
    ("host", "url"),
    ("endpoint", "url"),
    ("totp", "totp"),
    ("otp", "totp"),
    ("pin", "pin"),
    ("token", "token"),
    ("key", "key"),
    ("note", "note"),
    ("notes", "note"),
)


def infer_hint(field_key: str) -> FieldHint:
    """The hint a field's key suggests; `secret` when it suggests none."""
    name = re.sub(r"[\s\-.]+", "_", field_key.strip().lower())
    if name in _EXACT:
        return _EXACT[name]
    last = name.rsplit("_", 1)[-1]
    for suffix, hint in _SUFFIXES:
        # Glued words (`dbpassword`) only for suffixes too long to match by accident.
        if last == suffix or (len(suffix) >= 5 and name.endswith(suffix)):
            return hint
    return "secret"
