"""Blob storage: file bytes kept apart from the database, behind one small interface.

    BlobStore
    ├── put(key, chunks, size)      all `size` bytes or nothing (temp file, then rename)
    ├── open_range(key, start, end) the bytes [start, end) as a stream
    ├── stat(key)                   BlobInfo(size) or None
    ├── copy(source, target)
    └── delete(key)

`LocalBlobs` keeps them as files under a directory (`<data dir>/blobs` by default);
`S3Blobs` (`s3_blobs.py`) keeps them in an S3-compatible bucket. Nothing else knows which one
is in use. Keys are `/`-separated paths of plain parts: no empty part, `.`, `..`, NUL or
backslash, so a key never leaves the store's directory.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import anyio

from server_core.config import Settings
from server_core.kernel.ids import new_id

CHUNK_BYTES = 1024 * 1024


class BlobKeyInvalid(ValueError):
    """A key with an empty, `.` or `..` part, or a NUL or backslash."""


class BlobSizeMismatch(Exception):
    """The bytes given were more or fewer than declared; nothing was stored."""

    def __init__(self, declared: int, received: int, *, more: bool) -> None:
        what = "more than" if more else "fewer than"
        super().__init__(f"received {what} the declared {declared} bytes")
        self.declared = declared
        self.received = received
        self.more = more


@dataclass(frozen=True)
class BlobInfo:
    size: int


class BlobStore(Protocol):
    async def put(self, key: str, chunks: AsyncIterable[bytes], *, size: int) -> None: ...

    def open_range(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        """The bytes from `start` up to `end` (exclusive; None: to the end)."""
        ...

    async def stat(self, key: str) -> BlobInfo | None: ...

    async def copy(self, source: str, target: str) -> None: ...

    async def delete(self, key: str) -> bool: ...


def check_key(key: str) -> list[str]:
    parts = key.split("/")
    for part in parts:
        if part in ("", ".", "..") or "\x00" in part or "\\" in part:
            raise BlobKeyInvalid(f"not a blob key: {key!r}")
    return parts


class LocalBlobs:
    """Blobs as files under `root`; uploads land in `root/.incoming` until complete."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.incoming = root / ".incoming"

    def path(self, key: str) -> Path:
        return self.root.joinpath(*check_key(key))

    async def put(self, key: str, chunks: AsyncIterable[bytes], *, size: int) -> None:
        target = self.path(key)
        await anyio.Path(self.incoming).mkdir(parents=True, exist_ok=True)
        temp = self.incoming / f"{new_id()}.part"
        received = 0
        # Network reads come in small pieces: gathered to a chunk per write, so the file is
        # written in one thread hop per CHUNK_BYTES rather than one per piece.
        pending = bytearray()
        try:
            async with await anyio.open_file(temp, "wb") as out:
                async for piece in chunks:
                    received += len(piece)
                    if received > size:
                        raise BlobSizeMismatch(size, received, more=True)
                    pending += piece
                    if len(pending) >= CHUNK_BYTES:
                        await out.write(bytes(pending))
                        pending.clear()
                if pending:
                    await out.write(bytes(pending))
            if received != size:
                raise BlobSizeMismatch(size, received, more=False)
            await anyio.Path(target.parent).mkdir(parents=True, exist_ok=True)
            await anyio.to_thread.run_sync(os.replace, temp, target)
        finally:
            with contextlib.suppress(FileNotFoundError):
                await anyio.Path(temp).unlink()

    async def open_range(
        self, key: str, start: int = 0, end: int | None = None
    ) -> AsyncIterator[bytes]:
        async with await anyio.open_file(self.path(key), "rb") as source:
            await source.seek(start)
            left = None if end is None else max(end - start, 0)
            while left is None or left > 0:
                chunk = await source.read(CHUNK_BYTES if left is None else min(CHUNK_BYTES, left))
                if not chunk:
                    return
                if left is not None:
                    left -= len(chunk)
                yield chunk

    async def stat(self, key: str) -> BlobInfo | None:
        try:
            found = await anyio.Path(self.path(key)).stat()
        except (FileNotFoundError, NotADirectoryError):
            return None
        return BlobInfo(size=found.st_size)

    async def copy(self, source: str, target: str) -> None:
        origin, destination = self.path(source), self.path(target)
        await anyio.Path(self.incoming).mkdir(parents=True, exist_ok=True)
        temp = self.incoming / f"{new_id()}.part"
        try:
            await anyio.to_thread.run_sync(shutil.copyfile, origin, temp)
            await anyio.Path(destination.parent).mkdir(parents=True, exist_ok=True)
            await anyio.to_thread.run_sync(os.replace, temp, destination)
        finally:
            with contextlib.suppress(FileNotFoundError):
                await anyio.Path(temp).unlink()

    async def delete(self, key: str) -> bool:
        try:
            await anyio.Path(self.path(key)).unlink()
        except FileNotFoundError:
            return False
        return True


def blobs_for(settings: Settings) -> BlobStore:
    """The configured engine: local files in `<data dir>/blobs`, or an S3-compatible bucket."""
    if settings.blob_store == "s3":
        from server_core.kernel.s3_blobs import S3Blobs, S3Location, S3NotConfigured

        if not settings.s3_bucket:
            raise S3NotConfigured("SESAME_BLOB_STORE=s3 needs SESAME_S3_BUCKET")
        return S3Blobs(
            S3Location(
                bucket=settings.s3_bucket,
                prefix=settings.s3_prefix,
                endpoint_url=settings.s3_endpoint_url,
                region=settings.s3_region,
                allow_http=settings.s3_allow_http,
            )
        )
    return LocalBlobs(settings.data_dir / "blobs")
