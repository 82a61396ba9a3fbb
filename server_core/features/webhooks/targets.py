"""Where a webhook may point: http(s) URLs whose host resolves only to public addresses.

The host is resolved when the subscription is saved and again before every attempt (a name
that resolved to a public address yesterday may resolve to 127.0.0.1 today). The attempt then
connects to the name as usual; the window between the check and the connection is the
resolver's cache, which is short. `SESAME_WEBHOOKS_ALLOW_PRIVATE=true` lifts the address check
(a receiver on the same machine or network, as in tests).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from server_core.features.webhooks.errors import WebhookUrlRefused

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
RESOLVE_TIMEOUT_SECONDS = 5.0


def check_url_shape(url: str) -> str:
    """The URL's host, or WebhookUrlRefused when the URL is not an absolute http(s) URL."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port out of range
    except ValueError as exc:
        raise WebhookUrlRefused(f"Not a valid URL: {exc}") from exc
    if parts.scheme not in ("http", "https"):
        raise WebhookUrlRefused("The webhook URL must start with http:// or https://")
    if not parts.hostname:
        raise WebhookUrlRefused("The webhook URL has no host")
    if parts.username or parts.password:
        raise WebhookUrlRefused("The webhook URL must not carry credentials")
    return parts.hostname


def is_public(address: Address) -> bool:
    """False for private, loopback, link-local, unspecified, multicast and reserved ranges (an
    IPv4-mapped IPv6 address is judged as the IPv4 address it carries)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_unspecified
        or address.is_multicast
        or address.is_reserved
        or not address.is_global
    )


async def resolve(host: str) -> list[Address]:
    """Every address the host resolves to (a literal address is its own answer)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(RESOLVE_TIMEOUT_SECONDS):
            infos = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, TimeoutError) as exc:
        raise WebhookUrlRefused(f"The webhook host '{host}' does not resolve") from exc
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


async def check_target(url: str, *, allow_private: bool) -> None:
    """Refuse a URL that is not http(s) or whose host reaches a non-public address."""
    host = check_url_shape(url)
    addresses = await resolve(host)
    if allow_private:
        return
    refused = [str(a) for a in addresses if not is_public(a)]
    if refused or not addresses:
        raise WebhookUrlRefused(
            f"The webhook host '{host}' resolves to a non-public address ({', '.join(refused)})"
        )
