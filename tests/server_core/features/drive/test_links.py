"""The signed links: uploads stored whole or not at all, downloads with ranges, and every link
refused once altered or expired."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx2
import pytest

from server_core.config import Settings
from server_core.features.drive.links import Links
from server_core.kernel.platform import Platform
from tests.helpers import data, error
from tests.server_core.blob_stores import nothing_left, stored_bytes
from tests.server_core.features.drive.conftest import download, put, upload, upload_url
from tests.server_core.features.messaging.team import Team

pytestmark = pytest.mark.anyio


def altered(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {**dict(parse_qsl(parts.query)), **changes}
    return parts._replace(query=urlencode(query)).geturl()


async def test_upload_then_download_gives_the_same_bytes_with_type_and_name(
    client: httpx2.AsyncClient, team: Team, settings: Settings
) -> None:
    content = bytes(range(256)) * 1000
    file = await upload(client, team.bot, content, "data.bin", "application/octet-stream")
    assert await stored_bytes(settings, file["s3Key"]) == content
    link = data(
        await client.get(f"/drive/files/{file['id']}/download-url", headers=team.bot.headers)
    )
    response = await client.get(link["downloadUrl"])
    assert response.status_code == 200
    assert response.content == content
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["accept-ranges"] == "bytes"
    assert "data.bin" in response.headers["content-disposition"]


async def test_ranges_are_served_with_206_and_an_unsatisfiable_one_with_416(
    client: httpx2.AsyncClient, team: Team
) -> None:
    file = await upload(client, team.bot, b"0123456789", "digits.txt", "text/plain")
    link = data(
        await client.get(f"/drive/files/{file['id']}/download-url", headers=team.bot.headers)
    )
    url = link["downloadUrl"]
    cases = {"bytes=2-4": b"234", "bytes=7-": b"789", "bytes=-3": b"789", "bytes=8-100": b"89"}
    for header, expected in cases.items():
        response = await client.get(url, headers={"Range": header})
        assert response.status_code == 206, header
        assert response.content == expected, header
    assert (await client.get(url, headers={"Range": "bytes=2-4"})).headers[
        "content-range"
    ] == "bytes 2-4/10"
    refused = await client.get(url, headers={"Range": "bytes=10-"})
    error(refused, 416, "range_not_satisfiable")
    assert refused.headers["content-range"] == "bytes */10"
    head = await client.head(url)
    assert (head.status_code, head.headers["content-length"]) == (200, "10")


async def test_a_body_larger_or_smaller_than_declared_is_refused_and_leaves_nothing(
    client: httpx2.AsyncClient, team: Team, settings: Settings
) -> None:
    issued = await upload_url(client, team.bot, size=5)
    error(await put(client, issued["uploadUrl"], b"123456"), 400, "size_mismatch")
    error(await put(client, issued["uploadUrl"], b"1234"), 400, "size_mismatch")
    assert await nothing_left(settings, issued["s3Key"])

    async def streamed(*parts: bytes) -> AsyncIterator[bytes]:
        for part in parts:
            yield part

    # Without Content-Length (chunked): found out while streaming.
    for parts in ((b"123", b"456"), (b"12",)):
        response = await client.put(
            issued["uploadUrl"],
            content=streamed(*parts),
            headers={"Content-Type": "application/pdf"},
        )
        error(response, 400, "size_mismatch")
        assert await nothing_left(settings, issued["s3Key"])
    assert (await put(client, issued["uploadUrl"], b"12345")).status_code == 200


async def test_a_different_content_type_is_refused(
    client: httpx2.AsyncClient, team: Team, settings: Settings
) -> None:
    issued = await upload_url(client, team.bot, size=3, content_type="image/png")
    error(await put(client, issued["uploadUrl"], b"abc", "text/html"), 400, "content_type_mismatch")
    response = await client.put(issued["uploadUrl"], content=b"abc")
    error(response, 400, "content_type_mismatch")
    assert await nothing_left(settings, issued["s3Key"])


async def test_tampered_links_are_refused(
    client: httpx2.AsyncClient, team: Team, settings: Settings
) -> None:
    issued = await upload_url(client, team.bot, size=3)
    url = issued["uploadUrl"]
    for bad in (
        altered(url, size="4"),
        altered(url, type="text/plain"),
        altered(url, expires="9999999999"),
        altered(url, sig="A" * 43),
        url.replace("report.pdf", "other.pdf"),
        url.split("?")[0],
    ):
        error(await put(client, bad, b"abc"), 403, "link_invalid")
    assert await nothing_left(settings, issued["s3Key"])
    # A download link does not upload, and an upload link does not download.
    assert (await put(client, url, b"abc")).status_code == 200
    error(await client.get(url), 403, "link_invalid")


async def test_expired_links_are_refused(
    client: httpx2.AsyncClient, team: Team, platform: Platform, settings: Settings
) -> None:
    file = await upload(client, team.bot, b"abc")
    expired = Links.of(platform.keyring, settings)
    expired = Links(expired.keys, expired.origin, ttl_seconds=-1)
    link = expired.download(file["s3Key"], file["contentType"], file["name"])
    error(await client.get(link.url), 403, "link_expired")
    key = file["s3Key"].replace(file["id"], "01912345-abcd-7000-8000-000000000001")
    error(
        await put(client, expired.upload(key, 3, "application/pdf").url, b"abc"),
        403,
        "link_expired",
    )
    assert await nothing_left(settings, key)


async def test_an_upload_link_works_once(client: httpx2.AsyncClient, team: Team) -> None:
    issued = await upload_url(client, team.bot, size=3)
    assert (await put(client, issued["uploadUrl"], b"abc")).status_code == 200
    error(await put(client, issued["uploadUrl"], b"xyz"), 409, "already_uploaded")


async def test_uploads_beyond_the_api_body_limit_stream_through(
    client: httpx2.AsyncClient, team: Team, settings: Settings
) -> None:
    content = b"x" * (settings.max_body_bytes * 3)
    file = await upload(client, team.bot, content, "big.bin", "application/octet-stream")
    assert await download(client, team.bot, file["id"]) == content
