"""The vault's signed links: `PUT /vault-attachments/{id}` seals an upload into the blob store,
`GET /vault-attachments/{id}` opens it again for a download, both a segment at a time (never
the whole file in memory). A download honours a single `Range: bytes=…` as the drive's links
do (206, or 416 when it is unsatisfiable), reading and opening only the sealed segments that
hold the range. Like the drive's `/blobs/…` links they answer outside `/api/v1` in the API's
error shape; a link stops working when its attachment (or item) is deleted, and bytes whose
attachment was deleted while they were uploaded are removed at once.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import datetime
from functools import partial
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from server_core.features.drive.errors import (
    AlreadyUploaded,
    ContentTypeMismatch,
    RangeNotSatisfiable,
    SizeMismatch,
)
from server_core.features.drive.transfers import byte_range
from server_core.features.vault.attachments import PREFIX, links
from server_core.features.vault.sealed_files import (
    data_key,
    seal,
    sealed_size,
    sealed_span,
    unseal_range,
)
from server_core.features.vault.tables import vault_attachments
from server_core.kernel.blobs import BlobSizeMismatch, blobs_for
from server_core.kernel.clock import utcnow
from server_core.kernel.errors import ApiError, NotFound
from server_core.kernel.keyring import KeyringError
from server_core.kernel.platform import Platform

log = logging.getLogger(__name__)


def _failure(error: ApiError, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error.body(), status_code=error.status, headers=headers)


async def _checked(request: Request, method: str) -> tuple[Platform, RowMapping, dict[str, str]]:
    platform: Platform = request.app.state.platform
    attachment_id = request.path_params["aid"]
    fields = links(platform.keyring, platform.settings).check(
        method, attachment_id, dict(request.query_params)
    )
    row = await platform.store.read(
        lambda conn: (
            conn.execute(
                sa.select(vault_attachments).where(vault_attachments.c.id == attachment_id)
            )
            .mappings()
            .first()
        )
    )
    if row is None:
        raise NotFound("This attachment no longer exists")
    return platform, row, fields


def _mark_stored(conn: Connection, *, attachment_id: str, now: datetime) -> int:
    statement = (
        sa.update(vault_attachments)
        .where(vault_attachments.c.id == attachment_id, vault_attachments.c.stored_at.is_(None))
        .values(stored_at=now)
    )
    return conn.execute(statement).rowcount


async def upload(request: Request) -> Response:
    try:
        platform, row, fields = await _checked(request, "PUT")
        size = int(fields["size"])  # signed by this server: a number
        given_type = (request.headers.get("content-type") or "").strip().lower()
        if given_type != fields["type"].strip().lower():
            raise ContentTypeMismatch()
        length = request.headers.get("content-length")
        if length is not None and length != str(size):
            raise SizeMismatch(f"Content-Length is {length}; the upload URL is for {size} bytes")
        blobs = blobs_for(platform.settings)
        if row["stored_at"] is not None or await blobs.stat(row["blob_key"]) is not None:
            raise AlreadyUploaded("The bytes of this attachment were uploaded already")
        key = data_key(platform.keyring, row["id"], row["master_key_id"], row["wrapped_key"])
        sealed = seal(request.stream(), key=key, attachment_id=row["id"], size=size)
        await blobs.put(row["blob_key"], sealed, size=sealed_size(size))
        marked = partial(_mark_stored, attachment_id=row["id"], now=utcnow())
        if not await platform.store.run_sync(marked):
            # Deleted while its bytes were on the way: no row names them any more.
            await blobs.delete(row["blob_key"])
            raise NotFound("This attachment no longer exists")
    except BlobSizeMismatch as mismatch:
        return _failure(SizeMismatch(f"{mismatch}; nothing was stored"))
    except ApiError as error:
        return _failure(error)
    return JSONResponse({"ok": True, "data": {"attachmentId": row["id"], "size": size}})


async def _opened(
    platform: Platform, row: RowMapping, key: bytes, start: int, end: int
) -> AsyncIterator[bytes]:
    _, _, sealed_start, sealed_end = sealed_span(row["size"], start, end)
    sealed = blobs_for(platform.settings).open_range(row["blob_key"], sealed_start, sealed_end)
    opened = unseal_range(
        sealed, key=key, attachment_id=row["id"], size=row["size"], start=start, end=end
    )
    try:
        async for chunk in opened:
            yield chunk
    except KeyringError:
        # The status line is sent: cutting the body short is the one signal left.
        log.error("vault attachment does not open", extra={"attachmentId": row["id"]})
        raise


async def download(request: Request) -> Response:
    try:
        platform, row, fields = await _checked(request, "GET")
        blobs = blobs_for(platform.settings)
        if row["stored_at"] is None or await blobs.stat(row["blob_key"]) is None:
            raise NotFound("The attachment's bytes are not here")
        size = row["size"]
        try:
            chosen = byte_range(request.headers.get("range"), size)
        except RangeNotSatisfiable as error:
            return _failure(error, {"Content-Range": f"bytes */{size}"})
        key = data_key(platform.keyring, row["id"], row["master_key_id"], row["wrapped_key"])
    except ApiError as error:
        return _failure(error)
    headers = {
        "Accept-Ranges": "bytes",
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(fields['name'])}",
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
    }
    start, end, status = 0, size, 200
    if chosen is not None:
        start, end = chosen
        status = 206
        headers["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
    headers["Content-Length"] = str(end - start)
    body = _opened(platform, row, key, start, end) if request.method != "HEAD" else iter(())
    return StreamingResponse(body, status_code=status, headers=headers, media_type=fields["type"])


ROUTES: list[BaseRoute] = [
    Route(PREFIX + "{aid}", upload, methods=["PUT"], name="vault.attachment_upload"),
    Route(PREFIX + "{aid}", download, methods=["GET", "HEAD"], name="vault.attachment_download"),
]
