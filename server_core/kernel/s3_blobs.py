"""Blobs in an S3-compatible bucket (AWS S3, MinIO, R2, …) through `obstore` (the `s3` extra).

Uploads stream as multipart uploads: at most `PART_BYTES * PARTS_IN_FLIGHT` of a file is in
memory at once, whatever its size. S3 makes an object visible only when its upload completes,
so a body that turns out longer or shorter than declared fails the upload before completion
and nothing is stored. Downloads are ranged GETs streamed in chunks.

Credentials follow the usual chain of the AWS tools: `AWS_ACCESS_KEY_ID`,
`AWS_SECRET_ACCESS_KEY` (and `AWS_SESSION_TOKEN`), a web identity token, the container or the
instance role. The bucket, its prefix, endpoint and region come from the settings.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from server_core.kernel.blobs import CHUNK_BYTES, BlobInfo, BlobSizeMismatch, check_key

if TYPE_CHECKING:
    from obstore.store import S3Store

# S3's smallest part (but the last) is 5 MiB; two parts in flight keep a fast link busy
# without holding more than ~10 MiB of one upload in memory.
PART_BYTES = 5 * 1024 * 1024
PARTS_IN_FLIGHT = 2


class S3NotConfigured(ValueError):
    """`blob_store = s3` without a bucket, or without the `s3` extra installed."""


@dataclass(frozen=True)
class S3Location:
    bucket: str
    prefix: str
    endpoint_url: str | None
    region: str | None
    allow_http: bool


@lru_cache(maxsize=8)
def _store(location: S3Location) -> S3Store:
    """One client per location: it keeps its connections and credentials between requests."""
    try:
        from obstore.store import S3Store
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise S3NotConfigured(
            "the S3 blob store needs the extra: pip install 'sesame-mcp[s3]'"
        ) from exc
    config: dict[str, Any] = {}
    if location.endpoint_url:
        config["endpoint"] = location.endpoint_url
    if location.region:
        config["region"] = location.region
    return S3Store(
        location.bucket,
        prefix=location.prefix.strip("/") or None,
        config=config,  # type: ignore[arg-type]
        client_options={"allow_http": location.allow_http},
    )


async def _counted(chunks: AsyncIterable[bytes], size: int) -> AsyncIterator[bytes]:
    """The chunks, failing (so the multipart upload never completes) on a size mismatch."""
    received = 0
    async for piece in chunks:
        received += len(piece)
        if received > size:
            raise BlobSizeMismatch(size, received, more=True)
        if piece:
            yield piece
    if received != size:
        raise BlobSizeMismatch(size, received, more=False)


class S3Blobs:
    """The `BlobStore` interface over one bucket (and key prefix)."""

    def __init__(self, location: S3Location) -> None:
        self.location = location
        self.store = _store(location)

    async def put(self, key: str, chunks: AsyncIterable[bytes], *, size: int) -> None:
        import obstore

        check_key(key)
        body = _counted(chunks, size)
        try:
            await obstore.put_async(
                self.store,
                key,
                body,
                chunk_size=PART_BYTES,
                max_concurrency=PARTS_IN_FLIGHT,
            )
        except BlobSizeMismatch:
            raise
        except Exception as exc:
            # obstore wraps an error raised by the body; the mismatch is what callers handle.
            cause = _mismatch_in(exc)
            if cause is not None:
                raise cause from None
            raise

    async def open_range(
        self, key: str, start: int = 0, end: int | None = None
    ) -> AsyncIterator[bytes]:
        import obstore

        check_key(key)
        if end is not None and end <= start:
            return
        wanted: Any = (start, end) if end is not None else {"offset": start}
        result = await obstore.get_async(self.store, key, options={"range": wanted})
        async for chunk in result.stream(min_chunk_size=CHUNK_BYTES):
            yield bytes(chunk)

    async def stat(self, key: str) -> BlobInfo | None:
        import obstore

        check_key(key)
        try:
            meta = await obstore.head_async(self.store, key)
        except FileNotFoundError:
            return None
        return BlobInfo(size=meta["size"])

    async def copy(self, source: str, target: str) -> None:
        import obstore

        check_key(source)
        check_key(target)
        await obstore.copy_async(self.store, source, target)

    async def delete(self, key: str) -> bool:
        import obstore

        # S3 answers a delete of a missing key as a success: ask first, to tell the caller.
        if await self.stat(key) is None:
            return False
        await obstore.delete_async(self.store, key)
        return True


def _mismatch_in(error: BaseException) -> BlobSizeMismatch | None:
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, BlobSizeMismatch):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None
