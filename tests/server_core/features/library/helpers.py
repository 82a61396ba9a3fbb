"""Small steps the library tests share."""

from __future__ import annotations

from typing import Any

import httpx2

from tests.helpers import data
from tests.server_core.features.messaging.team import Member


async def new_library(
    client: httpx2.AsyncClient, who: Member, name: str = "Engineering Wiki", **body: Any
) -> dict[str, Any]:
    library: dict[str, Any] = data(
        await client.post("/library", json={"name": name, **body}, headers=who.headers), 201
    )
    return library


async def put_page(
    client: httpx2.AsyncClient,
    who: Member,
    library_id: str,
    path: str,
    status: int | None = None,
    **body: Any,
) -> dict[str, Any]:
    response = await client.put(
        f"/library/{library_id}/pages/{path}", json=body, headers=who.headers
    )
    page: dict[str, Any] = data(response, status or response.status_code)
    return page


async def get_page(
    client: httpx2.AsyncClient, who: Member, library_id: str, path: str
) -> dict[str, Any]:
    page: dict[str, Any] = data(
        await client.get(f"/library/{library_id}/pages/{path}", headers=who.headers)
    )
    return page
