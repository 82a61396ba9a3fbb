"""Sending: a DM or an @mention reaches the recipient's subscribed browsers through the
listener on the bus, encrypted for the browser (aes128gcm) and signed with the server's VAPID
key; endpoints the push service reports gone are removed."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import anyio
import httpx2
import jwt
import orjson
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from server_core.kernel.platform import Platform
from server_core.workers import run_workers
from tests.helpers import data
from tests.server_core.features.messaging.team import Member, Team, send
from tests.server_core.features.push.receiver import (
    Browser,
    Posted,
    Receiver,
    push_service,
    unb64url,
)

pytestmark = pytest.mark.anyio


async def until(condition: Callable[[], Awaitable[bool]], seconds: float = 10.0) -> None:
    """Poll until `condition` holds: the listener works in the background."""
    with anyio.fail_after(seconds):
        while not await condition():  # noqa: ASYNC110 - state to poll, no event to wait on
            await anyio.sleep(0.02)


@contextlib.asynccontextmanager
async def listening(platform: Platform) -> AsyncIterator[None]:
    """The app's background work, with the push sender tapping the bus before the test sends
    (two loops tap it: the push sender and the webhook deliveries)."""
    before = len(platform.bus._taps)
    async with run_workers(platform):

        async def subscribed() -> bool:
            return len(platform.bus._taps) >= before + 2

        await until(subscribed)
        yield


async def subscribe(client: httpx2.AsyncClient, who: Member, browser: Browser) -> dict[str, Any]:
    body = browser.subscription()
    subscription: dict[str, Any] = data(
        await client.post("/push/subscribe", json=body, headers=who.headers)
    )
    return subscription


async def arrivals(receiver: Receiver, count: int) -> list[Posted]:
    async def posted() -> bool:
        return len(receiver.posted) >= count

    await until(posted)
    return receiver.posted


def check_vapid(posted: Posted, receiver: Receiver, public_key: str) -> dict[str, Any]:
    """The JWT of `Authorization: vapid t=…,k=…`, verified with the server's public key."""
    scheme, _, params = posted.headers["authorization"].partition(" ")
    assert scheme == "vapid"
    fields = dict(part.split("=", 1) for part in params.split(","))
    assert fields["k"] == public_key
    point = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(public_key))
    claims: dict[str, Any] = jwt.decode(
        fields["t"], point, algorithms=["ES256"], audience=receiver.base_url
    )
    return claims


@pytest.mark.both_engines
async def test_a_dm_arrives_encrypted_and_signed(
    client: httpx2.AsyncClient, team: Team, platform: Platform
) -> None:
    with push_service() as receiver:
        browser = Browser(f"{receiver.base_url}/push/grace")
        await subscribe(client, team.human, browser)
        await subscribe(client, team.admin, Browser(f"{receiver.base_url}/push/ada"))
        public_key = data(await client.get("/push/vapid-key", headers=team.human.headers))[
            "publicKey"
        ]
        dm = data(
            await client.post(
                "/channels/dm", json={"principalId": team.human.id}, headers=team.admin.headers
            ),
            201,
        )
        async with listening(platform):
            message = data(await send(client, dm["id"], team.admin, "lunch at noon?"), 201)
            (posted,) = await arrivals(receiver, 1)
            await anyio.sleep(0.2)  # nothing else follows: not to the sender
        assert len(receiver.posted) == 1

    assert posted.path == "/push/grace"
    assert posted.headers["content-encoding"] == "aes128gcm"
    claims = check_vapid(posted, receiver, public_key)
    assert claims["sub"] == platform.settings.push_vapid_subject
    notification = orjson.loads(browser.decrypt(posted.body))
    assert notification["body"] == "lunch at noon?"
    assert notification["type"] == "dm"
    assert notification["messageId"] == message["id"]
    assert notification["channelId"] == dm["id"]


async def test_a_mention_reaches_members_and_gone_endpoints_are_removed(
    client: httpx2.AsyncClient, team: Team, platform: Platform
) -> None:
    channel = await team.channel(client)
    with push_service() as receiver:
        receiver.statuses["/push/old"] = 410
        fresh = Browser(f"{receiver.base_url}/push/fresh")
        await subscribe(client, team.human, fresh)
        await subscribe(client, team.human, Browser(f"{receiver.base_url}/push/old"))
        text = "@grace please review"
        mention = {"principalId": team.human.id, "offset": 0, "length": 6}
        async with listening(platform):
            # A message with no mention in a group channel tells no one.
            data(await send(client, channel["id"], team.admin, "morning all"), 201)
            data(await send(client, channel["id"], team.admin, text, mentions=[mention]), 201)
            posted = await arrivals(receiver, 2)

            async def old_one_removed() -> bool:
                listed = await client.get("/push/subscriptions", headers=team.human.headers)
                return len(data(listed)) == 1

            await until(old_one_removed)

    assert sorted(item.path for item in posted) == ["/push/fresh", "/push/old"]
    delivered = next(item for item in posted if item.path == "/push/fresh")
    notification = orjson.loads(fresh.decrypt(delivered.body))
    assert notification["body"] == text
    assert notification["mention"] is True
    left = data(await client.get("/push/subscriptions", headers=team.human.headers))
    assert [row["endpoint"] for row in left] == [fresh.endpoint]
