"""Sealing attachment bytes as they stream: AES-256-GCM in segments, one data key per file.

    master key ──wrap──▶ data key (32 random bytes, fresh for every attachment)
                              └──seal──▶ segment 0 ‖ segment 1 ‖ … ‖ last segment

A file is cut into `SEGMENT_BYTES` segments, each sealed on its own (its ciphertext and tag:
`SEGMENT_BYTES + TAG_BYTES` stored bytes), so neither sealing nor opening ever holds more than
one segment. The nonce is the segment's number and a last-segment flag (the STREAM
construction): segments cannot be reordered, dropped or cut off at the end without failing.
The attachment id is the associated data of every segment and of the wrapped key, so sealed
bytes or a wrapped key copied to another attachment do not open. An empty file is one empty
last segment.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterable, AsyncIterator

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from server_core.kernel.blobs import BlobSizeMismatch
from server_core.kernel.keyring import Keyring, KeyringError

SEGMENT_BYTES = 64 * 1024
TAG_BYTES = 16


def key_aad(attachment_id: str) -> bytes:
    return f"vault-attachment-key:{attachment_id}".encode()


def _segment_aad(attachment_id: str) -> bytes:
    return f"vault-attachment:{attachment_id}".encode()


def _nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def segments(size: int) -> int:
    return max(1, -(-size // SEGMENT_BYTES))


def sealed_size(size: int) -> int:
    """How many bytes the blob store holds for a file of `size` bytes."""
    return size + segments(size) * TAG_BYTES


def new_data_key(keyring: Keyring, attachment_id: str) -> tuple[bytes, str, bytes]:
    """A fresh data key, the id of the master key that wrapped it, and the wrapped key."""
    data_key = AESGCM.generate_key(bit_length=256)
    master_key_id, wrapped = keyring.wrap_key(data_key, key_aad(attachment_id))
    return data_key, master_key_id, wrapped


def data_key(keyring: Keyring, attachment_id: str, master_key_id: str, wrapped: bytes) -> bytes:
    return keyring.unwrap_key(master_key_id, wrapped, key_aad(attachment_id))


async def _pieces_of(chunks: AsyncIterable[bytes], length: int) -> AsyncIterator[bytes]:
    """The stream cut into pieces of exactly `length` bytes (the last one shorter)."""
    pending = bytearray()
    async for chunk in chunks:
        pending += chunk
        while len(pending) >= length:
            yield bytes(pending[:length])
            del pending[:length]
    if pending:
        yield bytes(pending)


async def seal(
    chunks: AsyncIterable[bytes], *, key: bytes, attachment_id: str, size: int
) -> AsyncIterator[bytes]:
    """The sealed form of exactly `size` plaintext bytes; BlobSizeMismatch for more or fewer."""
    cipher, aad, total = AESGCM(key), _segment_aad(attachment_id), segments(size)
    index = received = 0
    async for piece in _pieces_of(chunks, SEGMENT_BYTES):
        received += len(piece)
        if received > size:
            raise BlobSizeMismatch(size, received, more=True)
        last = index == total - 1
        yield cipher.encrypt(_nonce(index, last), piece, aad)
        index += 1
    if received != size:
        raise BlobSizeMismatch(size, received, more=False)
    if size == 0:
        yield cipher.encrypt(_nonce(0, True), b"", aad)


def sealed_span(size: int, start: int, end: int) -> tuple[int, int, int, int]:
    """For the plaintext bytes [start, end) of a file of `size` bytes: the segments that hold
    them, [first, stop), and where those lie in the sealed blob, [sealed start, sealed end)."""
    first, stop = start // SEGMENT_BYTES, max(-(-end // SEGMENT_BYTES), 1)
    stored = SEGMENT_BYTES + TAG_BYTES
    return first, stop, first * stored, min(stop * stored, sealed_size(size))


async def unseal(
    sealed: AsyncIterable[bytes],
    *,
    key: bytes,
    attachment_id: str,
    size: int,
    first: int = 0,
    stop: int | None = None,
) -> AsyncIterator[bytes]:
    """The plaintext of a sealed file, or of its segments [first, stop) when `sealed` holds
    just those; KeyringError as soon as a segment does not open."""
    cipher, aad, total = AESGCM(key), _segment_aad(attachment_id), segments(size)
    stop = total if stop is None else stop
    index = first
    async for piece in _pieces_of(sealed, SEGMENT_BYTES + TAG_BYTES):
        if index >= stop:
            raise KeyringError(f"vault attachment {attachment_id} has bytes past its end")
        try:
            plain = cipher.decrypt(_nonce(index, index == total - 1), piece, aad)
        except InvalidTag as exc:
            raise KeyringError(f"vault attachment {attachment_id} does not open") from exc
        index += 1
        if plain:
            yield plain
    if index != stop:
        raise KeyringError(f"vault attachment {attachment_id} is cut short")


async def unseal_range(
    sealed: AsyncIterable[bytes], *, key: bytes, attachment_id: str, size: int, start: int, end: int
) -> AsyncIterator[bytes]:
    """The plaintext bytes [start, end), from `sealed` holding the segments that hold them
    (`sealed_span`): only those segments are opened."""
    first, stop, _, _ = sealed_span(size, start, end)
    skip, left = start - first * SEGMENT_BYTES, end - start
    opened = unseal(sealed, key=key, attachment_id=attachment_id, size=size, first=first, stop=stop)
    async for plain in opened:
        if skip >= len(plain):
            skip -= len(plain)
            continue
        piece = plain[skip : skip + left]
        skip = 0
        left -= len(piece)
        if piece:
            yield piece


def random_blob_name() -> str:
    """The blob's last key part: random, so a key tells nothing of the file."""
    return os.urandom(16).hex()
