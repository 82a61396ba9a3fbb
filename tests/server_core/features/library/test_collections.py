"""Collections: schemas checked when written and on every page write (defaults filled in),
pages of a collection, and the typed query, translated to SQL, answering the same on both
engines."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from tests.helpers import data, error
from tests.server_core.features.library.helpers import new_library, put_page
from tests.server_core.features.messaging.team import Team

pytestmark = pytest.mark.anyio

SCHEMA = {
    "title": {"type": "string", "required": True},
    "status": {
        "type": "enum",
        "values": ["proposed", "accepted", "rejected", "superseded"],
        "default": "proposed",
    },
    "supersedes": {"type": "pageRef", "required": False},
    "tags": {"type": "array", "items": "string"},
    "score": {"type": "number"},
    "decided": {"type": "date"},
}


async def decisions(client: httpx2.AsyncClient, team: Team) -> str:
    lib: str = (await new_library(client, team.human))["id"]
    body = {
        "name": "Decisions",
        "schema": SCHEMA,
        "views": [{"name": "Board", "kind": "board", "groupBy": "status"}],
    }
    created = data(
        await client.put(
            f"/library/{lib}/collections/decisions", json=body, headers=team.human.headers
        ),
        201,
    )
    assert created["schema"]["status"]["values"][0] == "proposed"
    assert created["views"] == [{"name": "Board", "kind": "board", "groupBy": "status", "sort": []}]
    return lib


async def test_a_collection_schema_is_checked_on_every_page_write(
    client: httpx2.AsyncClient, team: Team
) -> None:
    lib = await decisions(client, team)
    base = f"/library/{lib}/pages"
    page = await put_page(
        client, team.human, lib, "decisions/a", 201, collection="decisions", body="x"
    )
    assert page["frontmatter"] == {"status": "proposed"}  # the default, filled in
    for frontmatter, field in (
        ({"status": "maybe"}, "status"),
        ({"tags": "auth"}, "tags"),
        ({"tags": [1]}, "tags"),
        ({"score": "high"}, "score"),
        ({"decided": "April"}, "decided"),
        ({"supersedes": 3}, "supersedes"),
    ):
        refused = await client.put(
            f"{base}/decisions/b",
            json={"collection": "decisions", "frontmatter": frontmatter},
            headers=team.human.headers,
        )
        body = error(refused, 400, "schema_violation")
        assert [problem["field"] for problem in body["details"]] == [field]
    error(
        await client.patch(
            f"{base}/decisions/a",
            json={"frontmatter": {"status": "nope"}},
            headers=team.human.headers,
        ),
        400,
        "schema_violation",
    )
    # Bad schemas are refused when written.
    for schema in (
        {"s": {"type": "enum"}},
        {"s": {"type": "blob"}},
        {"s": {"type": "number", "default": "x"}},
        {"bad name": {"type": "string"}},
    ):
        error(
            await client.put(
                f"/library/{lib}/collections/c", json={"schema": schema}, headers=team.human.headers
            ),
            400,
        )
    listed = data(await client.get(f"/library/{lib}/collections", headers=team.human.headers))
    assert [(c["slug"], c["pageCount"]) for c in listed] == [("decisions", 1)]
    pages = data(
        await client.get(f"/library/{lib}/collections/decisions/pages", headers=team.human.headers)
    )
    assert [p["path"] for p in pages] == ["decisions/a"]
    # Delete: pages stay; a page write naming it is refused; PUT brings it back.
    data(await client.delete(f"/library/{lib}/collections/decisions", headers=team.human.headers))
    error(
        await client.get(f"/library/{lib}/collections/decisions", headers=team.human.headers), 404
    )
    error(
        await client.put(
            f"{base}/decisions/c", json={"collection": "decisions"}, headers=team.human.headers
        ),
        400,
        "unknown_collection",
    )
    data(
        await client.put(
            f"/library/{lib}/collections/decisions", json={}, headers=team.human.headers
        ),
        201,
    )
    # Only admins manage collections.
    member = {"principalId": team.bot.id, "role": "editor"}
    data(await client.post(f"/library/{lib}/members", json=member, headers=team.human.headers), 201)
    error(await client.put(f"/library/{lib}/collections/x", json={}, headers=team.bot.headers), 403)


async def query(client: httpx2.AsyncClient, team: Team, lib: str, **body: Any) -> list[str]:
    result = data(
        await client.post(
            f"/library/{lib}/collections/decisions/query", json=body, headers=team.human.headers
        )
    )
    return [page["path"] for page in result["pages"]]


@pytest.mark.both_engines
async def test_the_typed_query_filters_orders_and_pages_in_sql(
    client: httpx2.AsyncClient, team: Team
) -> None:
    lib = await decisions(client, team)
    rows = {
        "d/auth": {
            "status": "accepted",
            "tags": ["auth", "security"],
            "score": 9,
            "decided": "2026-04-12",
        },
        "d/cache": {"status": "proposed", "tags": ["perf"], "score": 4.5, "decided": "2026-02-01"},
        "d/db": {"status": "accepted", "tags": ["perf", "Auth-Adjacent"], "score": 7},
        "d/old": {
            "status": "superseded",
            "tags": [],
            "supersedes": "d/auth",
            "decided": "2025-12-31",
        },
    }
    for path, frontmatter in rows.items():
        await put_page(
            client,
            team.human,
            lib,
            path,
            201,
            collection="decisions",
            frontmatter=frontmatter,
            body=path,
        )
    await put_page(
        client, team.human, lib, "elsewhere", 201, frontmatter={"status": "accepted"}, body="x"
    )

    assert await query(client, team, lib, where={"status": "accepted"}) == ["d/auth", "d/db"]
    assert await query(client, team, lib, where={"tags": {"contains": "auth"}}) == ["d/auth"]
    assert await query(client, team, lib, where={"supersedes": {"contains": "AUTH"}}) == ["d/old"]
    assert await query(client, team, lib, where={"score": {"gte": 5, "lt": 9}}) == ["d/db"]
    assert await query(client, team, lib, where={"score": {"gt": 4}}) == [
        "d/auth",
        "d/cache",
        "d/db",
    ]
    assert await query(
        client, team, lib, where={"decided": {"gte": "2026-01-01", "lte": "2026-12-31"}}
    ) == ["d/auth", "d/cache"]
    assert await query(client, team, lib, where={"status": {"in": ["proposed", "superseded"]}}) == [
        "d/cache",
        "d/old",
    ]
    assert await query(client, team, lib, where={"decided": None}) == ["d/db"]
    # A number compared with a string matches nothing, on both engines.
    assert await query(client, team, lib, where={"score": "9"}) == []
    ordered = await query(client, team, lib, orderBy={"field": "score", "direction": "desc"})
    assert ordered == ["d/auth", "d/db", "d/cache", "d/old"]  # no score: last
    by_date = await query(client, team, lib, orderBy={"field": "decided"})
    assert by_date == ["d/old", "d/cache", "d/auth", "d/db"]
    assert await query(
        client,
        team,
        lib,
        where={"updatedAt": {"gte": "2000-01-01T00:00:00Z"}},
        orderBy={"field": "updatedAt", "direction": "desc"},
    ) == [
        "d/old",
        "d/db",
        "d/cache",
        "d/auth",
    ]

    first = data(
        await client.post(
            f"/library/{lib}/collections/decisions/query",
            json={"orderBy": {"field": "path"}, "limit": 3},
            headers=team.human.headers,
        )
    )
    assert [p["path"] for p in first["pages"]] == ["d/auth", "d/cache", "d/db"]
    second = data(
        await client.post(
            f"/library/{lib}/collections/decisions/query",
            json={"orderBy": {"field": "path"}, "limit": 3, "cursor": first["cursor"]},
            headers=team.human.headers,
        )
    )
    assert ([p["path"] for p in second["pages"]], second["cursor"]) == (["d/old"], None)

    url = f"/library/{lib}/collections/decisions/query"
    for bad in (
        {"where": {"status": {"like": "a"}}},
        {"where": {"status": {"in": []}}},
        {"where": {"status": {"in": ["a", 1]}}},
        {"where": {"status": {"gt": ["a"]}}},
        {"where": {"updatedAt": {"gt": "yesterday"}}},
        {"cursor": "not-a-cursor"},
    ):
        error(await client.post(url, json=bad, headers=team.human.headers), 400)
