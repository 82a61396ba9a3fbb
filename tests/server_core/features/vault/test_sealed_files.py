"""The segmented seal of attachment bytes: it opens to what went in, whatever the chunking,
and refuses altered, reordered, cut or moved bytes."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest

from server_core.features.vault.sealed_files import (
    SEGMENT_BYTES,
    TAG_BYTES,
    seal,
    sealed_size,
    unseal,
)
from server_core.kernel.blobs import BlobSizeMismatch
from server_core.kernel.keyring import KeyringError

pytestmark = pytest.mark.anyio

KEY = bytes(range(32))
AID = "01900000-0000-7000-8000-000000000001"


async def pieces(data: bytes, size: int) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


async def sealed(data: bytes, piece: int = 1000) -> bytes:
    out = [c async for c in seal(pieces(data, piece), key=KEY, attachment_id=AID, size=len(data))]
    return b"".join(out)


async def opened(stored: bytes, size: int, attachment_id: str = AID) -> bytes:
    out = unseal(pieces(stored, 777), key=KEY, attachment_id=attachment_id, size=size)
    return b"".join([c async for c in out])


@pytest.mark.parametrize(
    "size", [0, 1, SEGMENT_BYTES - 1, SEGMENT_BYTES, SEGMENT_BYTES + 1, 3 * SEGMENT_BYTES + 5]
)
async def test_sealed_bytes_open_to_the_same_bytes(size: int) -> None:
    data = os.urandom(size)
    stored = await sealed(data)
    assert len(stored) == sealed_size(size)
    assert await opened(stored, size) == data


async def test_altered_reordered_cut_or_moved_bytes_do_not_open() -> None:
    data = os.urandom(2 * SEGMENT_BYTES + 10)
    stored = await sealed(data)
    flipped = bytearray(stored)
    flipped[5] ^= 1
    segment = SEGMENT_BYTES + TAG_BYTES
    swapped = stored[segment : 2 * segment] + stored[:segment] + stored[2 * segment :]
    cut = stored[: 2 * segment]  # the last segment dropped: the one before is not marked last
    for broken in (bytes(flipped), swapped, cut):
        with pytest.raises(KeyringError):
            await opened(broken, len(data))
    with pytest.raises(KeyringError):
        await opened(stored, len(data), attachment_id="01900000-0000-7000-8000-000000000002")


@pytest.mark.parametrize("given", [9, 11])
async def test_more_or_fewer_bytes_than_declared_are_refused(given: int) -> None:
    with pytest.raises(BlobSizeMismatch):
        async for _ in seal(pieces(b"x" * given, 4), key=KEY, attachment_id=AID, size=10):
            pass
