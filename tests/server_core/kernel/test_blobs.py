"""The local-files blob engine: whole writes or none (in batches written while the next is
received), ranges, copies, and keys that stay inside the store."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest

from server_core.kernel import blobs as blob_module
from server_core.kernel.blobs import (
    CHUNK_BYTES,
    BlobKeyInvalid,
    BlobSizeMismatch,
    LocalBlobs,
)

pytestmark = pytest.mark.anyio


async def chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


async def read(blobs: LocalBlobs, key: str, start: int = 0, end: int | None = None) -> bytes:
    return b"".join([chunk async for chunk in blobs.open_range(key, start, end)])


def leftovers(root: Path) -> list[Path]:
    incoming = root / ".incoming"
    return list(incoming.iterdir()) if incoming.exists() else []


async def test_a_blob_is_stored_read_whole_or_by_range_copied_and_deleted(tmp_path: Path) -> None:
    blobs = LocalBlobs(tmp_path)
    await blobs.put("drive/w/f/a.txt", chunks(b"hello ", b"world"), size=11)
    stat = await blobs.stat("drive/w/f/a.txt")
    assert stat is not None
    assert stat.size == 11
    assert await read(blobs, "drive/w/f/a.txt") == b"hello world"
    assert await read(blobs, "drive/w/f/a.txt", 6, 9) == b"wor"
    assert await read(blobs, "drive/w/f/a.txt", 6) == b"world"
    await blobs.copy("drive/w/f/a.txt", "drive/w/g/a.txt")
    assert await read(blobs, "drive/w/g/a.txt") == b"hello world"
    assert await blobs.delete("drive/w/f/a.txt") is True
    assert await blobs.stat("drive/w/f/a.txt") is None
    assert await blobs.delete("drive/w/f/a.txt") is False
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(("parts", "more"), [((b"abc", b"def"), True), ((b"ab",), False)])
async def test_a_body_of_another_size_than_declared_leaves_nothing(
    tmp_path: Path, parts: tuple[bytes, ...], more: bool
) -> None:
    blobs = LocalBlobs(tmp_path)
    with pytest.raises(BlobSizeMismatch) as refused:
        await blobs.put("k/x", chunks(*parts), size=4)
    assert refused.value.more is more
    assert await blobs.stat("k/x") is None
    assert leftovers(tmp_path) == []


def pieces_of(content: bytes, length: int) -> list[bytes]:
    return [content[at : at + length] for at in range(0, len(content), length)]


async def test_a_file_of_many_batches_and_odd_pieces_is_stored_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # writev may write fewer bytes than asked: every byte is still written, in order.
    writev = os.writev

    def short_writev(fd: int, buffers: Sequence[bytes | memoryview]) -> int:
        return writev(fd, [memoryview(buffers[0])[:7001]])

    monkeypatch.setattr(blob_module.os, "writev", short_writev)
    content = os.urandom(3 * CHUNK_BYTES + 12345)
    blobs = LocalBlobs(tmp_path)
    await blobs.put("k/big", chunks(*pieces_of(content, 65_537)), size=len(content))
    assert await read(blobs, "k/big") == content
    assert (
        await read(blobs, "k/big", CHUNK_BYTES - 5, 2 * CHUNK_BYTES + 5)
        == content[CHUNK_BYTES - 5 : 2 * CHUNK_BYTES + 5]
    )
    sizes = [len(chunk) async for chunk in blobs.open_range("k/big")]
    assert sum(sizes) == len(content)
    assert max(sizes) <= CHUNK_BYTES
    assert leftovers(tmp_path) == []


async def test_a_body_that_fails_after_some_batches_leaves_nothing(tmp_path: Path) -> None:
    async def failing() -> AsyncIterator[bytes]:
        for _ in range(3):
            yield b"x" * CHUNK_BYTES
        raise ConnectionResetError("the client went away")

    blobs = LocalBlobs(tmp_path)
    with pytest.raises(ConnectionResetError):
        await blobs.put("k/cut", failing(), size=10 * CHUNK_BYTES)
    assert await blobs.stat("k/cut") is None
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    "key", ["../x", "a/../../x", "a//b", "/abs", "a/./b", "a/b\x00", "a\\b", ""]
)
async def test_keys_that_could_leave_the_store_are_refused(tmp_path: Path, key: str) -> None:
    blobs = LocalBlobs(tmp_path / "store")
    with pytest.raises(BlobKeyInvalid):
        await blobs.put(key, chunks(b"x"), size=1)
    with pytest.raises(BlobKeyInvalid):
        await blobs.stat(key)
    assert not (tmp_path / "x").exists()
