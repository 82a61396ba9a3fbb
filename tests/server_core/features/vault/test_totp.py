"""TOTP: the RFC 6238 test vectors through the totp module, and the endpoint's shape."""

from __future__ import annotations

import base64

import httpx2
import pytest

from server_core.features.vault import totp
from server_core.features.vault.errors import InvalidTotpSecret
from tests.helpers import data, error
from tests.server_core.features.vault.conftest import Crew, create_item

RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()
RFC_VECTORS = [
    (59, "94287082"),
    (1111111109, "07081804"),
    (1111111111, "14050471"),
    (1234567890, "89005924"),
    (2000000000, "69279037"),
    (20000000000, "65353130"),
]


@pytest.mark.parametrize(("at", "expected"), RFC_VECTORS)
def test_rfc_6238_sha1_vectors(at: int, expected: str) -> None:
    code = totp.code_at(RFC_SECRET, at, {"totpDigits": 8})
    assert code.code == expected
    assert code.period == 30
    assert code.expires_in == 30 - at % 30


def test_otpauth_uris_carry_their_own_parameters() -> None:
    uri = f"otpauth://totp/Example:ada?secret={RFC_SECRET}&digits=8&period=30&algorithm=SHA1"
    assert totp.code_at(uri, 59).code == "94287082"


def test_secrets_are_read_leniently_but_garbage_is_refused() -> None:
    spaced = " ".join(RFC_SECRET[i : i + 4] for i in range(0, len(RFC_SECRET), 4)).lower()
    assert totp.code_at(spaced, 59, {"totpDigits": 8}).code == "94287082"
    for bad in ("not base32!", "", "1189", "otpauth://hotp/x?secret=JBSWY3DP&counter=1"):
        with pytest.raises(InvalidTotpSecret):
            totp.code_at(bad, 59)
    with pytest.raises(InvalidTotpSecret):
        totp.code_at(RFC_SECRET, 59, {"totpAlgorithm": "MD5"})


@pytest.mark.anyio
async def test_the_endpoint_answers_code_expiry_and_period(
    client: httpx2.AsyncClient, crew: Crew
) -> None:
    by_field = await create_item(
        client, crew, name="GitHub", fields={"password": "pw", "otp": "JBSWY3DPEHPK3PXP"}
    )
    assert by_field["fieldHints"]["otp"] == "totp"
    assert by_field["item"]["hasTotp"] is True
    code = data(
        await client.post(f"/vault/items/{by_field['item']['id']}/totp", headers=crew.ada.headers)
    )
    assert set(code) == {"code", "expiresIn", "period"}
    assert len(code["code"]) == 6
    assert code["code"].isdigit()
    assert code["period"] == 30
    assert 1 <= code["expiresIn"] <= 30

    by_metadata = await create_item(
        client,
        crew,
        name="AWS root",
        typeMetadata={"totpSecret": RFC_SECRET, "totpDigits": 8, "issuer": "aws"},
    )
    # The secret is sealed like a field, never shown in typeMetadata.
    assert by_metadata["item"]["typeMetadata"] == {"totpDigits": 8, "issuer": "aws"}
    code = data(
        await client.post(
            f"/vault/items/{by_metadata['item']['id']}/totp", headers=crew["viewer"].headers
        )
    )
    assert len(code["code"]) == 8
    events = data(
        await client.get(
            f"/vault/events/items/{by_metadata['item']['id']}", headers=crew.ada.headers
        )
    )
    assert [(e["action"], e["outcome"]) for e in events] == [("totp", "allowed")]


@pytest.mark.anyio
async def test_missing_or_malformed_secrets_are_clear_400s(
    client: httpx2.AsyncClient, crew: Crew
) -> None:
    plain = await create_item(client, crew)
    error(
        await client.post(f"/vault/items/{plain['item']['id']}/totp", headers=crew.ada.headers),
        400,
        "no_totp_secret",
    )
    broken = await create_item(client, crew, fields={"totp": "this is not base32!"})
    error(
        await client.post(f"/vault/items/{broken['item']['id']}/totp", headers=crew.ada.headers),
        400,
        "invalid_totp_secret",
    )
    # A refused code leaves no access event.
    events = data(
        await client.get(f"/vault/events/items/{broken['item']['id']}", headers=crew.ada.headers)
    )
    assert events == []
