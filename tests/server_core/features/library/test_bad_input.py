"""Input no engine can store is refused with a 400 before it reaches the database, on both
engines (PostgreSQL refuses NUL characters and integers beyond 64 bits)."""

from __future__ import annotations

import httpx2
import pytest

from tests.helpers import data, error
from tests.server_core.features.library.helpers import new_library, put_page
from tests.server_core.features.messaging.team import Team

pytestmark = [pytest.mark.anyio, pytest.mark.both_engines]


async def test_nul_and_huge_numbers_are_refused_or_handled(
    client: httpx2.AsyncClient, team: Team
) -> None:
    lib = (await new_library(client, team.human))["id"]
    base = f"/library/{lib}/pages"
    await put_page(client, team.human, lib, "a", 201, body="x")
    h = team.human.headers
    for response in (
        await client.post(f"{base}/a/blocks", json={"content": "x\u0000"}, headers=h),
        await client.post(
            f"{base}/a/blocks", json={"appendUnder": ["\u0000"], "content": "x"}, headers=h
        ),
        await client.get(f"{base}?prefix=%00", headers=h),
        await client.put(f"{base}/b", json={"body": "\u0000"}, headers=h),
        await client.put(f"{base}/b", json={"frontmatter": {"k": "\u0000"}}, headers=h),
        await client.put(f"{base}/b", json={"raw": '---\nk: "\\0"\n---\n'}, headers=h),
        await client.put(
            f"/library/{lib}/collections/c",
            json={"views": [{"name": "\u0000", "kind": "board"}]},
            headers=h,
        ),
    ):
        error(response, 400)
    data(await client.put(f"/library/{lib}/collections/c", json={}, headers=h), 201)
    url = f"/library/{lib}/collections/c/query"
    error(await client.post(url, json={"where": {"k": "\u0000"}}, headers=h), 400)
    error(await client.post(url, json={"orderBy": {"field": "a\u0000"}}, headers=h), 400)
    found = data(await client.post(url, json={"where": {"k": {"gt": 2**63 + 1}}}, headers=h))
    assert found == {"pages": [], "cursor": None}
