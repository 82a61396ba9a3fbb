"""The signed links themselves: `PUT /blobs/{key}` stores an upload, `GET /blobs/{key}` serves
a download (with `Range`), both streamed between the socket and the blob store, never whole
in memory. They answer outside `/api/v1` (the link is the credential) and read their own
bodies, so the API's body limit does not apply: the signed size does.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from server_core.features.drive.errors import (
    AlreadyUploaded,
    ContentTypeMismatch,
    LinkInvalid,
    RangeNotSatisfiable,
    SizeMismatch,
)
from server_core.features.drive.links import PREFIX, Links
from server_core.kernel.blobs import BlobKeyInvalid, BlobSizeMismatch, blobs_for
from server_core.kernel.errors import ApiError, NotFound
from server_core.kernel.platform import Platform

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _failure(error: ApiError, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error.body(), status_code=error.status, headers=headers)


def _checked(request: Request, method: str) -> tuple[Platform, str, dict[str, str]]:
    platform: Platform = request.app.state.platform
    key = request.path_params["key"]
    params = dict(request.query_params)
    fields = Links.of(platform.keyring, platform.settings).check(method, key, params)
    return platform, key, fields


def _same_type(given: str | None, signed: str) -> bool:
    return (given or "").strip().lower() == signed.strip().lower()


async def upload(request: Request) -> Response:
    try:
        platform, key, fields = _checked(request, "PUT")
        size = int(fields["size"])
        if not _same_type(request.headers.get("content-type"), fields["type"]):
            raise ContentTypeMismatch()
        length = request.headers.get("content-length")
        if length is not None and length != str(size):
            raise SizeMismatch(f"Content-Length is {length}; the upload URL is for {size} bytes")
        blobs = blobs_for(platform.settings)
        if await blobs.stat(key) is not None:
            raise AlreadyUploaded()
        await blobs.put(key, request.stream(), size=size)
    except BlobSizeMismatch as mismatch:
        return _failure(SizeMismatch(f"{mismatch}; nothing was stored"))
    except (BlobKeyInvalid, ValueError):
        return _failure(LinkInvalid())
    except ApiError as error:
        return _failure(error)
    return JSONResponse({"ok": True, "data": {"key": key, "size": size}})


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """`(start, end)` (end exclusive) of a single `bytes=` range; None for the whole file."""
    if header is None:
        return None
    found = _RANGE.match(header.strip())
    if found is None:
        return None  # several ranges or another unit: the whole file, as RFC 9110 allows
    first, last = found.groups()
    if not first and not last:
        raise RangeNotSatisfiable()
    if not first:
        start, end = max(size - int(last), 0), size
    else:
        start = int(first)
        end = min(int(last) + 1, size) if last else size
    if start >= size or start >= end:
        raise RangeNotSatisfiable()
    return start, end


async def download(request: Request) -> Response:
    try:
        platform, key, fields = _checked(request, "GET")
        blobs = blobs_for(platform.settings)
        info = await blobs.stat(key)
        if info is None:
            raise NotFound("The file's bytes are not here")
        try:
            chosen = byte_range(request.headers.get("range"), info.size)
        except RangeNotSatisfiable as error:
            return _failure(error, {"Content-Range": f"bytes */{info.size}"})
    except BlobKeyInvalid:
        return _failure(LinkInvalid())
    except ApiError as error:
        return _failure(error)
    headers = {
        "Accept-Ranges": "bytes",
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(fields['name'])}",
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
    }
    start, end, status = 0, info.size, 200
    if chosen is not None:
        start, end = chosen
        status = 206
        headers["Content-Range"] = f"bytes {start}-{end - 1}/{info.size}"
    headers["Content-Length"] = str(end - start)
    body = blobs.open_range(key, start, end) if request.method != "HEAD" else iter(())
    return StreamingResponse(body, status_code=status, headers=headers, media_type=fields["type"])


ROUTES: list[BaseRoute] = [
    Route(PREFIX + "{key:path}", upload, methods=["PUT"], name="drive.blob_upload"),
    Route(PREFIX + "{key:path}", download, methods=["GET", "HEAD"], name="drive.blob_download"),
]
