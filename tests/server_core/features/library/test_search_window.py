"""Search work stays bounded: when more pages match than `SCORED_MATCHES`, the most
recently written of them are ranked, and `total` counts up to `COUNTED_MATCHES` (both made
small here). On SQLite each library is a rowid range of the index (migration 0028), which survives a
migration down and up."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest
import sqlalchemy as sa

from server_core.features.library import fulltext
from server_core.kernel.platform import Platform
from server_core.kernel.store import Store
from server_core.kernel.store.migrate import downgrade_to
from tests.helpers import data
from tests.server_core.features.library.helpers import new_library, put_page
from tests.server_core.features.messaging.team import Team

pytestmark = pytest.mark.anyio


@pytest.fixture
def small_window(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fulltext, "SCORED_MATCHES", 3)
    monkeypatch.setattr(fulltext, "COUNTED_MATCHES", 5)


async def search(client: httpx2.AsyncClient, team: Team, lib: str, **body: Any) -> Any:
    url = f"/library/{lib}/search"
    return data(await client.post(url, json=body, headers=team.human.headers))


def paths(found: Any) -> list[str]:
    return [hit["path"] for hit in found["results"]]


@pytest.mark.both_engines
@pytest.mark.usefixtures("small_window")
async def test_a_common_query_ranks_the_most_recently_written_matches(
    client: httpx2.AsyncClient, team: Team
) -> None:
    lib = (await new_library(client, team.human))["id"]
    # p0 is the best match by far, and the oldest.
    await put_page(client, team.human, lib, "p0", 201, title="Heron", body="heron heron heron")
    for n in range(1, 7):
        await put_page(client, team.human, lib, f"p{n}", 201, body=f"a heron, number {n}")

    found = await search(client, team, lib, query="heron", limit=3)
    assert found["total"] == 5  # seven match: counted up to the cap
    assert sorted(paths(found)) == ["p4", "p5", "p6"]
    scores = [hit["score"] for hit in found["results"]]
    assert scores == sorted(scores, reverse=True)

    # Written again, p0 is among the most recent, and ranks first.
    await put_page(client, team.human, lib, "p0", 200, title="Heron", body="heron heron heron!")
    again = await search(client, team, lib, query="heron", limit=3)
    assert paths(again)[0] == "p0"
    assert set(paths(again)) == {"p0", "p5", "p6"}

    # Pages beyond the window are still reachable: the window grows to offset + limit.
    deep = await search(client, team, lib, query="heron", offset=3, limit=4)
    assert len(deep["results"]) == 4
    assert not set(paths(deep)) & set(paths(again))
    whole = await search(client, team, lib, query="heron")  # 20 asked: all 7 ranked
    assert (whole["total"], paths(whole)[0]) == (7, "p0")

    # Few matches: counted exactly, all ranked.
    await put_page(client, team.human, lib, "rare", 201, body="one egret")
    assert await search(client, team, lib, query="egret") == {
        "results": [await one_result(client, team, lib, "egret")],
        "total": 1,
    }


async def one_result(client: httpx2.AsyncClient, team: Team, lib: str, query: str) -> Any:
    [hit] = (await search(client, team, lib, query=query, limit=1))["results"]
    return hit


@pytest.mark.both_engines
@pytest.mark.usefixtures("small_window")
async def test_federated_search_scores_every_library_alike(
    client: httpx2.AsyncClient, team: Team
) -> None:
    a = (await new_library(client, team.human, "Alpha"))["id"]
    b = (await new_library(client, team.human, "Beta"))["id"]
    await put_page(client, team.human, b, "best", 201, title="Ibis", body="ibis ibis ibis")
    for n in range(5):
        await put_page(client, team.human, a, f"a{n}", 201, body=f"an ibis, {n}")
        await put_page(client, team.human, b, f"b{n}", 201, body=f"an ibis, {n}")

    body = {"query": "ibis", "perLibraryLimit": 2, "limit": 4}  # windows of 3
    found = data(await client.post("/library/search", json=body, headers=team.human.headers))
    assert found["total"] == 10  # 5 (capped) in each
    # Beta's best page was written first: outside its window of 3, so not found.
    assert "best" not in paths(found)
    assert {hit["path"][1:] for hit in found["results"]} <= {"2", "3", "4"}
    assert {hit["libraryName"] for hit in found["results"]} == {"Alpha", "Beta"}
    scores = [hit["score"] for hit in found["results"]]
    assert scores == sorted(scores, reverse=True)

    # The same page text scores the same in either library: one scoring pass.
    by_path = {hit["path"]: hit["score"] for hit in found["results"]}
    assert by_path.get("a4") == by_path.get("b4")


async def test_the_index_keeps_each_library_in_its_own_range_across_migrations(
    client: httpx2.AsyncClient, team: Team, platform: Platform
) -> None:
    one = (await new_library(client, team.human, "One"))["id"]
    two = (await new_library(client, team.human, "Two"))["id"]
    for n in range(3):
        await put_page(client, team.human, one, f"n{n}", 201, body=f"kestrel {n}")
    await put_page(client, team.human, two, "t", 201, body="kestrel")
    before = await search(client, team, one, query="kestrel")

    store = Store(platform.settings.sqlalchemy_url)
    try:
        await store.migrate(downgrade_to("0027"))
        await store.migrate()
        rows = await store.run_sync(
            lambda conn: conn.execute(
                sa.text("SELECT d.library_id, d.id / 4294967296 FROM search_library_documents AS d")
            ).all()
        )
    finally:
        await store.close()
    ranges = {library: {key for lib, key in rows if lib == library} for library in (one, two)}
    assert all(len(keys) == 1 for keys in ranges.values())
    assert ranges[one] != ranges[two]
    assert await search(client, team, one, query="kestrel") == before
    assert paths(await search(client, team, two, query="kestrel")) == ["t"]
    # Writes after the migration land in the same range.
    await put_page(client, team.human, one, "n3", 201, body="kestrel 3")
    assert (await search(client, team, one, query="kestrel"))["total"] == 4
