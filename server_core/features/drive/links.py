"""Signed links to a blob: what a holder may do (PUT these bytes, GET that file) and until
when, with no credentials beyond the link itself.

    /blobs/{key}?expires=<unix s>&size=<bytes>&type=<mime>&sig=<hmac>          upload (PUT)
    /blobs/{key}?expires=<unix s>&type=<mime>&name=<file name>&sig=<hmac>      download (GET)

The signature is HMAC-SHA256 over the method, the path (prefix and key) and every parameter,
with a key derived from the platform's master key (so every node that can open the
workspace's data can sign and check links, and nothing else is kept). Links signed under an
older master key keep working until they expire.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, urlencode

from server_core.config import Settings
from server_core.features.drive.errors import LinkExpired, LinkInvalid
from server_core.kernel.keyring import Keyring

PREFIX = "/blobs/"
_PURPOSE = b"sesame drive links v1"


def _link_keys(keyring: Keyring) -> list[bytes]:
    masters = keyring.masters
    ordered = [masters.current_id, *(k for k in masters.keys if k != masters.current_id)]
    return [hmac.new(masters.keys[k], _PURPOSE, hashlib.sha256).digest() for k in ordered]


def _signature(key: bytes, method: str, blob_key: str, fields: dict[str, str]) -> str:
    text = "\n".join([method, blob_key, *(f"{name}={fields[name]}" for name in sorted(fields))])
    digest = hmac.new(key, text.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


@dataclass(frozen=True)
class SignedLink:
    url: str
    expires_at: datetime


@dataclass(frozen=True)
class Links:
    """Signs links for one platform: its master keys, public origin and link lifetime."""

    keys: list[bytes]
    origin: str
    ttl_seconds: int
    # Where the links are served: part of what is signed, so a link made for one route
    # (the vault's sealed attachments) is refused by another.
    prefix: str = PREFIX

    @staticmethod
    def of(keyring: Keyring, settings: Settings, prefix: str = PREFIX) -> Links:
        origin = (settings.drive_public_url or settings.public_url).rstrip("/")
        return Links(_link_keys(keyring), origin, settings.drive_link_ttl_seconds, prefix)

    def _sign(self, method: str, blob_key: str, fields: dict[str, str]) -> SignedLink:
        expires = int(time.time()) + self.ttl_seconds
        fields = {**fields, "expires": str(expires)}
        path = self.prefix + blob_key
        signed = {**fields, "sig": _signature(self.keys[0], method, path, fields)}
        url = f"{self.origin}{self.prefix}{quote(blob_key)}?{urlencode(signed)}"
        return SignedLink(url, datetime.fromtimestamp(expires, UTC))

    def upload(self, blob_key: str, size: int, content_type: str) -> SignedLink:
        return self._sign("PUT", blob_key, {"size": str(size), "type": content_type})

    def download(self, blob_key: str, content_type: str, name: str) -> SignedLink:
        return self._sign("GET", blob_key, {"type": content_type, "name": name})

    def check(self, method: str, blob_key: str, params: dict[str, str]) -> dict[str, str]:
        """The link's fields when its signature holds and it has not expired."""
        fields = dict(params)
        given = fields.pop("sig", "")
        expected_fields = (
            ("expires", "size", "type") if method == "PUT" else ("expires", "type", "name")
        )
        if set(fields) != set(expected_fields) or not given:
            raise LinkInvalid()
        if not any(
            hmac.compare_digest(given, _signature(key, method, self.prefix + blob_key, fields))
            for key in self.keys
        ):
            raise LinkInvalid()
        try:
            expires = int(fields["expires"])
        except ValueError:
            raise LinkInvalid() from None
        if expires < time.time():
            raise LinkExpired()
        return fields
