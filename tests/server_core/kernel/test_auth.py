"""The `Authorization` header's three schemes: malformed credentials of any size or shape are
a 401 in the spec's error shape, and nothing is logged as a server error."""

from __future__ import annotations

import logging

import httpx2
import pytest

from tests.helpers import KeyPair, error, provision_agent, register

pytestmark = pytest.mark.anyio

MALFORMED_TIMESTAMPS = [
    "9" * 400,  # beyond a float: dividing it overflowed
    "9" * 5000,  # beyond the digits int() reads
    "-1700000000000",
    "+1700000000000",
    "1_700_000_000_000",
    "1700000000000.0",
    "1e12",
]


@pytest.mark.parametrize(
    "timestamp", MALFORMED_TIMESTAMPS, ids=lambda t: t if len(t) < 20 else f"{len(t)} digits"
)
async def test_a_malformed_signature_timestamp_is_a_401_not_a_500(
    client: httpx2.AsyncClient, caplog: pytest.LogCaptureFixture, timestamp: str
) -> None:
    token = (await register(client))["accessToken"]
    keys = KeyPair.generate()
    await provision_agent(client, token, handle="a1", publicKey=keys.public_b64)
    signed = keys.signature_header("a1")["Authorization"].rsplit(".", 1)[0]
    for authorization in (f"Signature a1.AAAA.{timestamp}", f"{signed}.{timestamp}"):
        response = await client.get("/agents", headers={"Authorization": authorization})
        body = error(response, 401, "invalid_credentials")
        assert set(body) == {"error", "status", "code"}
        assert response.headers["WWW-Authenticate"]
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
