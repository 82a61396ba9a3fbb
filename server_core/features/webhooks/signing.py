"""Signing secrets and the signatures each attempt carries.

A secret is `whsec_` + base64 of 32 random bytes. Each attempt is signed twice with it:

- `X-Sesame-Signature: sha256=<hex HMAC-SHA256 of "{X-Sesame-Timestamp}.{body}">`, keyed by the
  whole secret string (what `verifyWebhookSignature(secret, signature, timestamp, body)` gets);
- the Standard Webhooks headers `webhook-id`, `webhook-timestamp` and
  `webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, keyed by the
  decoded bytes after `whsec_`, so the common verifiers accept the same secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix, not a secret
SECRET_BYTES = 32


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def sesame_signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = f"{timestamp}.".encode() + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def standard_signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def signed_headers(
    secret: str, *, delivery_id: str, event_type: str, timestamp: int, body: bytes
) -> dict[str, str]:
    """Every header of an attempt besides the content type."""
    return {
        "X-Sesame-Event": event_type,
        "X-Sesame-Delivery": delivery_id,
        "X-Sesame-Timestamp": str(timestamp),
        "X-Sesame-Signature": sesame_signature(secret, timestamp, body),
        "webhook-id": delivery_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": standard_signature(secret, delivery_id, timestamp, body),
    }


def verify_sesame_signature(
    secret: str, signature: str, timestamp: str, body: bytes, *, now: float, max_age_s: float = 300
) -> bool:
    """The receiver's check (what the SDK's `verifyWebhookSignature` does): the signature
    matches and the timestamp is at most `max_age_s` old."""
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    if abs(now - sent) > max_age_s:
        return False
    return hmac.compare_digest(signature, sesame_signature(secret, sent, body))
