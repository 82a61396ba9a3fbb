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

import asyncio
import contextlib
import os
import shutil
from collections.abc import AsyncIterable, AsyncIterator
from concurrent.futures import ThreadPoolExecutor
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
        try:
            fd = await anyio.to_thread.run_sync(_open_for_writing, temp)
            writer = _FileWriter(fd)
            try:
                # Network reads come in small pieces: they are gathered (not copied) into
                # batches of CHUNK_BYTES, each written while the next is received.
                batch: list[bytes] = []
                pending = 0
                async for piece in chunks:
                    received += len(piece)
                    if received > size:
                        raise BlobSizeMismatch(size, received, more=True)
                    batch.append(piece)
                    pending += len(piece)
                    if pending >= CHUNK_BYTES:
                        await writer.write(batch)
                        batch, pending = [], 0
                await writer.finish(batch)
            finally:
                writer.close()
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
        fd = await anyio.to_thread.run_sync(os.open, self.path(key), os.O_RDONLY)
        try:
            offset = start
            while end is None or offset < end:
                wanted = CHUNK_BYTES if end is None else min(CHUNK_BYTES, end - offset)
                chunk = await anyio.to_thread.run_sync(os.pread, fd, wanted, offset)
                if not chunk:
                    return
                offset += len(chunk)
                yield chunk
        finally:
            os.close(fd)

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


def _open_for_writing(path: Path) -> int:
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)


def _write_all(fd: int, batch: list[bytes]) -> None:
    """Write every byte of the batch (`writev` may write fewer than asked)."""
    views = [memoryview(piece) for piece in batch]
    while views:
        written = os.writev(fd, views[:_IOV_MAX])
        while views and written >= len(views[0]):
            written -= len(views[0])
            views.pop(0)
        if views and written:
            views[0] = views[0][written:]


_IOV_MAX = 512


class _FileWriter:
    """Writes batches to an open file in order, on a thread of its own, one batch behind the
    caller: `write` waits for the batch before and starts this one, so about two batches of an
    upload are in memory at once. A file of a single batch needs no thread of its own."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.thread: ThreadPoolExecutor | None = None
        self.writing: asyncio.Future[None] | None = None

    async def write(self, batch: list[bytes]) -> None:
        await self._written()
        if self.thread is None:
            self.thread = ThreadPoolExecutor(1, thread_name_prefix="blob-writer")
        loop = asyncio.get_running_loop()
        self.writing = loop.run_in_executor(self.thread, _write_all, self.fd, batch)

    async def finish(self, batch: list[bytes]) -> None:
        """Write the last batch (maybe empty) and wait until every batch is written."""
        if self.thread is None:
            await anyio.to_thread.run_sync(_write_all, self.fd, batch)
            return
        if batch:
            await self.write(batch)
        await self._written()

    async def _written(self) -> None:
        if self.writing is not None:
            writing, self.writing = self.writing, None
            await writing

    def close(self) -> None:
        """Close the file, after the write under way if one is (its thread closes it)."""
        if self.writing is not None:
            self.writing.add_done_callback(_retrieved)
        if self.thread is None:
            os.close(self.fd)
        else:
            self.thread.submit(os.close, self.fd)
            self.thread.shutdown(wait=False)


def _retrieved(write: asyncio.Future[None]) -> None:
    if not write.cancelled():
        write.exception()  # the request has failed already: not worth a second report


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
