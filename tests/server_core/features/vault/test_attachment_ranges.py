"""Ranged downloads of vault attachments: a single `Range: bytes=` answers 206 with the bytes
asked for, opening only the sealed segments that hold them; an unsatisfiable one answers 416."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from server_core.config import Settings
from server_core.features.vault.sealed_files import SEGMENT_BYTES, TAG_BYTES, sealed_span
from server_core.kernel.blobs import blobs_for
from server_core.kernel.platform import Platform
from tests.helpers import data, error
from tests.server_core.blob_stores import blob_store as blob_store
from tests.server_core.blob_stores import moto_endpoint as moto_endpoint
from tests.server_core.blob_stores import stored_bytes
from tests.server_core.features.vault.conftest import Crew, create_item
from tests.server_core.features.vault.test_attachments import attach, blob_key, download_url
from tests.server_core.features.vault.test_attachments import (
    settings_overrides as settings_overrides,
)

pytestmark = pytest.mark.anyio

# Three full segments and a short fourth, each byte telling its place.
CONTENT = bytes(i % 251 for i in range(3 * SEGMENT_BYTES + 1000))


async def attached_link(client: httpx2.AsyncClient, crew: Crew) -> tuple[str, str]:
    """The attachment id and a download link of CONTENT attached to a new item."""
    item = (await create_item(client, crew))["item"]
    issued = await attach(client, crew, item["id"], CONTENT)
    link = data(await download_url(client, crew, issued["attachmentId"], "owner"))
    return issued["attachmentId"], link["url"]


async def ranged(client: httpx2.AsyncClient, url: str, header: str) -> httpx2.Response:
    return await client.get(url, headers={"Range": header})


def test_a_span_covers_just_the_segments_that_hold_the_range() -> None:
    stored = SEGMENT_BYTES + TAG_BYTES
    size = len(CONTENT)
    assert sealed_span(size, 10, 20) == (0, 1, 0, stored)
    assert sealed_span(size, SEGMENT_BYTES + 5, 2 * SEGMENT_BYTES) == (1, 2, stored, 2 * stored)
    last = (3, 4, 3 * stored, 3 * stored + 1000 + TAG_BYTES)
    assert sealed_span(size, size - 1, size) == last
    assert sealed_span(size, SEGMENT_BYTES - 1, SEGMENT_BYTES + 1) == (0, 2, 0, 2 * stored)


async def test_single_ranges_answer_206_with_the_bytes_asked_for(
    client: httpx2.AsyncClient, crew: Crew
) -> None:
    _, url = await attached_link(client, crew)
    size = len(CONTENT)
    boundary = SEGMENT_BYTES
    cases: dict[str, tuple[int, int]] = {
        "bytes=0-0": (0, 1),
        "bytes=10-99": (10, 100),
        f"bytes={boundary - 3}-{boundary + 2}": (boundary - 3, boundary + 3),  # two segments
        f"bytes={boundary + 7}-": (boundary + 7, size),  # to the end
        "bytes=-10": (size - 10, size),  # the last ten
        f"bytes=5-{size * 2}": (5, size),  # an end past the file is cut at it
        f"bytes={size - 1}-{size - 1}": (size - 1, size),
    }
    for header, (start, end) in cases.items():
        response = await ranged(client, url, header)
        assert response.status_code == 206, (header, response.text)
        assert response.content == CONTENT[start:end], header
        assert response.headers["content-range"] == f"bytes {start}-{end - 1}/{size}", header
        assert response.headers["content-length"] == str(end - start), header
        assert response.headers["accept-ranges"] == "bytes"

    whole = await client.get(url)
    assert (whole.status_code, whole.content) == (200, CONTENT)
    assert whole.headers["accept-ranges"] == "bytes"
    several = await ranged(client, url, "bytes=0-1,5-6")  # not served as ranges: the whole file
    assert (several.status_code, several.content) == (200, CONTENT)


async def test_an_unsatisfiable_range_answers_416(client: httpx2.AsyncClient, crew: Crew) -> None:
    _, url = await attached_link(client, crew)
    size = len(CONTENT)
    for header in (f"bytes={size}-", f"bytes={size + 10}-{size + 20}", "bytes=9-3", "bytes=-"):
        response = await ranged(client, url, header)
        error(response, 416, "range_not_satisfiable")
        assert response.headers["content-range"] == f"bytes */{size}"

    item = (await create_item(client, crew))["item"]
    empty = await attach(client, crew, item["id"], b"")
    link = data(await download_url(client, crew, empty["attachmentId"], "owner"))["url"]
    error(await ranged(client, link, "bytes=0-"), 416, "range_not_satisfiable")


async def test_a_range_opens_only_its_own_segments(
    client: httpx2.AsyncClient, crew: Crew, platform: Platform, settings: Settings
) -> None:
    attachment_id, url = await attached_link(client, crew)
    key = await blob_key(platform, attachment_id)
    sealed = await stored_bytes(settings, key)
    assert sealed is not None
    # Spoil the first segment's tag: a range that does not need it still opens.
    spoiled = bytearray(sealed)
    spoiled[SEGMENT_BYTES + TAG_BYTES - 1] ^= 0xFF
    blobs = blobs_for(settings)
    await blobs.delete(key)

    async def body() -> Any:
        yield bytes(spoiled)

    await blobs.put(key, body(), size=len(spoiled))

    later = await ranged(client, url, f"bytes={2 * SEGMENT_BYTES}-{2 * SEGMENT_BYTES + 99}")
    assert later.status_code == 206
    assert later.content == CONTENT[2 * SEGMENT_BYTES : 2 * SEGMENT_BYTES + 100]
    # One that needs it is cut short (the status line was sent before the segment failed).
    with pytest.raises(Exception):  # noqa: B017, PT011 - the transport's own error type
        await ranged(client, url, "bytes=0-9")
