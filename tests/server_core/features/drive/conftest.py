"""Drive tests share messaging's `team` (open registration), and upload through the signed
links the server hands out, on the same in-process app. Every test runs on both blob engines
(local files and S3: `tests/server_core/blob_stores.py`)."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from tests.helpers import data
from tests.server_core.blob_stores import blob_store as blob_store
from tests.server_core.blob_stores import moto_endpoint as moto_endpoint
from tests.server_core.features.messaging.conftest import team as team
from tests.server_core.features.messaging.team import Member


@pytest.fixture
def settings_overrides(blob_store: dict[str, Any]) -> dict[str, Any]:
    return {"open_registration": True, **blob_store}


async def upload_url(
    client: httpx2.AsyncClient,
    who: Member,
    name: str = "report.pdf",
    size: int = 5,
    content_type: str = "application/pdf",
) -> dict[str, Any]:
    body = {"fileName": name, "contentType": content_type, "size": size}
    issued: dict[str, Any] = data(
        await client.post("/drive/files/upload-url", json=body, headers=who.headers)
    )
    return issued


async def put(
    client: httpx2.AsyncClient, url: str, content: bytes, content_type: str = "application/pdf"
) -> httpx2.Response:
    return await client.put(url, content=content, headers={"Content-Type": content_type})


async def upload(
    client: httpx2.AsyncClient,
    who: Member,
    content: bytes = b"%PDF-",
    name: str = "report.pdf",
    content_type: str = "application/pdf",
    **register: Any,
) -> dict[str, Any]:
    """The three steps: upload URL, PUT the bytes, register; the registered file."""
    issued = await upload_url(client, who, name, len(content), content_type)
    assert (await put(client, issued["uploadUrl"], content, content_type)).status_code == 200
    body = {
        "fileId": issued["fileId"],
        "s3Key": issued["s3Key"],
        "fileName": name,
        "contentType": content_type,
        "size": len(content),
        **register,
    }
    registered: dict[str, Any] = data(
        await client.post("/drive/files", json=body, headers=who.headers), 201
    )
    return registered


async def download(client: httpx2.AsyncClient, who: Member, file_id: str) -> bytes:
    link = data(await client.get(f"/drive/files/{file_id}/download-url", headers=who.headers))
    response = await client.get(link["downloadUrl"])
    assert response.status_code == 200, response.text
    return response.content
