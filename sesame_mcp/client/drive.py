"""`client.drive`: files and folders (`/drive`). Its methods are the declared operations; the
bytes travel through the signed `uploadUrl` / `downloadUrl` they hand out, which `put_bytes`,
`open_bytes` and `read_bytes` use, and `upload` does the three steps of an upload at once.

    file = await client.drive.upload("notes.txt", b"hello", content_type="text/plain")
    data = await client.drive.read_bytes(file.id)

The signed links carry their own credential: no Authorization header goes with them.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import Any

import httpx2

from server_core.features.drive import operations
from server_core.features.drive.schemas import DriveFile
from sesame_mcp.client.area import Area
from sesame_mcp.client.errors import CONNECTION_FAILED, TIMEOUT, SesameError
from sesame_mcp.client.wire import parse_answer


class Drive(Area, operations.Drive):
    """The drive: upload URLs, registering, listing, downloading, tagging and folders."""

    async def upload(
        self,
        file_name: str,
        content: bytes | AsyncIterable[bytes],
        *,
        content_type: str,
        size: int | None = None,
        folder_id: str | None = None,
        channel_id: str | None = None,
    ) -> DriveFile:
        """Upload a file into the caller's drive: ask for an upload URL, PUT the bytes, then
        register it (in `folder_id`, tagged to `channel_id`). A stream of bytes needs `size`."""
        if size is None:
            if not isinstance(content, bytes):
                raise TypeError("drive.upload() needs size= for a stream of bytes")
            size = len(content)
        issued = await self.upload_url(file_name, content_type, size)
        await self.put_bytes(issued.upload_url, content, content_type=content_type, size=size)
        return await self.register(
            issued.file_id,
            issued.s3_key,
            file_name,
            content_type,
            size,
            folder_id=folder_id,
            channel_id=channel_id,
        )

    async def put_bytes(
        self,
        upload_url: str,
        content: bytes | AsyncIterable[bytes],
        *,
        content_type: str,
        size: int,
    ) -> None:
        """PUT a file's bytes to its signed upload URL (with the Content-Type it was signed
        for); a stream is sent as it comes, with the signed size as its Content-Length."""
        headers = {"Content-Type": content_type, "Content-Length": str(size)}
        response = await self._transfer("PUT", upload_url, content=content, headers=headers)
        parse_answer(response, dict[str, Any])

    @asynccontextmanager
    async def open_bytes(self, download_url: str) -> AsyncIterator[httpx2.Response]:
        """The response of a signed download URL, its body not read yet
        (`response.aiter_bytes()`); a `SesameError` when the link is refused."""
        request = self._http.build_request("GET", download_url)
        response = await self._guarded(self._http.send(request, stream=True), download_url)
        try:
            if response.status_code >= 400:
                await response.aread()
                parse_answer(response, dict[str, Any])
            yield response
        finally:
            await response.aclose()

    async def read_bytes(self, file_id: str) -> bytes:
        """A file's bytes, whole in memory: for small files."""
        link = await self.download_url(file_id)
        async with self.open_bytes(link.download_url) as response:
            return await response.aread()

    @property
    def _http(self) -> httpx2.AsyncClient:
        return self._client._http

    async def _transfer(self, method: str, url: str, **options: Any) -> httpx2.Response:
        return await self._guarded(self._http.request(method, url, **options), url)

    @staticmethod
    async def _guarded(call: Awaitable[httpx2.Response], url: str) -> httpx2.Response:
        where = url.split("?", 1)[0]
        try:
            response = await call
        except httpx2.TimeoutException as exc:
            message = f"{where}: no answer in time ({exc.__class__.__name__})"
            raise SesameError(message, status=None, code=TIMEOUT) from exc
        except httpx2.TransportError as exc:
            message = f"{where}: {exc.__class__.__name__}: {exc}"
            raise SesameError(message, status=None, code=CONNECTION_FAILED) from exc
        return response
