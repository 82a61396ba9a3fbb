"""Full-text search: one library's live pages with snippets, every readable library at once,
and the index's metrics, on both engines."""

from __future__ import annotations

import httpx2
import pytest

from tests.helpers import data, error
from tests.server_core.features.library.helpers import new_library, put_page
from tests.server_core.features.messaging.team import Team

pytestmark = [pytest.mark.anyio, pytest.mark.both_engines]


async def test_search_finds_live_pages_title_first_with_marked_snippets(
    client: httpx2.AsyncClient, team: Team
) -> None:
    lib = (await new_library(client, team.human))["id"]
    h = team.human.headers
    url = f"/library/{lib}/search"
    await put_page(client, team.human, lib, "guides/deploy", 201, title="Deploying", body="x")
    await put_page(
        client, team.human, lib, "notes/ops", 201, title="Ops notes",
        body="Intro.\n\nWe deploying <b>often</b> on Fridays, then relax.",
    )  # fmt: skip
    await put_page(client, team.human, lib, "notes/other", 201, body="Nothing relevant here")

    found = data(await client.post(url, json={"query": "deploying"}, headers=h))
    assert found["total"] == 2
    assert [hit["path"] for hit in found["results"]] == ["guides/deploy", "notes/ops"]
    first, second = found["results"]
    assert first["score"] > second["score"] > 0
    assert (first["title"], first["collection"]) == ("Deploying", None)
    assert "<mark>deploying</mark>" in second["snippet"]
    assert "&lt;b&gt;often&lt;/b&gt;" in second["snippet"]
    assert set(second) == {"pageId", "path", "title", "collection", "snippet", "score"}

    # Stemming, a prefix for the last word, every word required, syntax read as words.
    stems = data(await client.post(url, json={"query": "deploy fri"}, headers=h))
    assert [hit["path"] for hit in stems["results"]] == ["notes/ops"]
    none = data(await client.post(url, json={"query": 'OR "deploy* NEAR('}, headers=h))
    assert none["total"] == 0
    punctuation = data(await client.post(url, json={"query": "!!!"}, headers=h))
    assert punctuation == {"results": [], "total": 0}

    # Paging: limit and offset, total unchanged.
    paged = data(
        await client.post(url, json={"query": "deploy", "limit": 1, "offset": 1}, headers=h)
    )
    assert (paged["total"], [hit["path"] for hit in paged["results"]]) == (2, ["notes/ops"])

    # Writes reach the index in the same transaction: edit, delete, restore, rename.
    await put_page(client, team.human, lib, "guides/deploy", 200, title="Shipping", body="x")
    after = data(await client.post(url, json={"query": "deploying"}, headers=h))
    assert [hit["path"] for hit in after["results"]] == ["notes/ops"]
    data(await client.delete(f"/library/{lib}/pages/notes/ops", headers=h))
    assert data(await client.post(url, json={"query": "deploying"}, headers=h))["total"] == 0
    data(await client.post(f"/library/{lib}/pages/notes/ops/restore", headers=h))
    rename = {"newPath": "archive/ops"}
    data(await client.post(f"/library/{lib}/pages/notes/ops/rename", json=rename, headers=h))
    moved = data(await client.post(url, json={"query": "fridays"}, headers=h))
    assert [hit["path"] for hit in moved["results"]] == ["archive/ops"]
    appended = {"appendUnder": ["Later"], "content": "Kubernetes rollout"}
    data(await client.post(f"/library/{lib}/pages/archive/ops/blocks", json=appended, headers=h))
    kube = data(await client.post(url, json={"query": "kubernetes"}, headers=h))
    assert [hit["path"] for hit in kube["results"]] == ["archive/ops"]

    metrics = data(await client.get(f"{url}/metrics", headers=h))
    assert metrics["documentCount"] == 3
    assert metrics["indexedBytes"] > 0
    assert metrics["lastIndexedAt"] is not None
    assert metrics["vector"] is False
    assert metrics["engine"] in ("sqlite", "postgresql")


async def test_search_is_scoped_to_the_library_and_its_readers(
    client: httpx2.AsyncClient, team: Team
) -> None:
    mine = (await new_library(client, team.human, "Mine"))["id"]
    other = (await new_library(client, team.human, "Other"))["id"]
    await put_page(client, team.human, mine, "a", 201, body="zebra crossing")
    await put_page(client, team.human, other, "b", 201, body="zebra stripes")
    found = data(
        await client.post(
            f"/library/{mine}/search", json={"query": "zebra"}, headers=team.human.headers
        )
    )
    assert [hit["path"] for hit in found["results"]] == ["a"]
    # Not a reader: the library does not exist for it.
    for response in (
        await client.post(
            f"/library/{mine}/search", json={"query": "zebra"}, headers=team.bot.headers
        ),
        await client.get(f"/library/{mine}/search/metrics", headers=team.bot.headers),
    ):
        error(response, 404, "not_found")


async def test_federated_search_covers_the_libraries_the_caller_reads(
    client: httpx2.AsyncClient, team: Team
) -> None:
    a = await new_library(client, team.human, "Alpha")
    b = await new_library(client, team.human, "Beta", visibility="workspace")
    hidden = await new_library(client, team.admin, "Hidden")
    for n in range(3):
        await put_page(client, team.human, a["id"], f"p{n}", 201, body=f"falcon {n}")
    await put_page(client, team.human, b["id"], "q", 201, title="Falcon", body="falcon")
    await put_page(client, team.admin, hidden["id"], "h", 201, body="falcon")

    body = {"query": "falcon", "perLibraryLimit": 2}
    found = data(await client.post("/library/search", json=body, headers=team.human.headers))
    assert (found["total"], found["librariesSearched"]) == (4, 2)
    assert len(found["results"]) == 3
    best = found["results"][0]
    assert (best["libraryId"], best["librarySlug"], best["libraryName"]) == (
        b["id"],
        "beta",
        "Beta",
    )
    assert {hit["libraryId"] for hit in found["results"]} == {a["id"], b["id"]}

    # The bot reads only the workspace-visible library.
    seen = data(await client.post("/library/search", json=body, headers=team.bot.headers))
    assert (seen["librariesSearched"], [hit["path"] for hit in seen["results"]]) == (1, ["q"])
    limited = {"query": "falcon", "limit": 1}
    one = data(await client.post("/library/search", json=limited, headers=team.human.headers))
    assert len(one["results"]) == 1


async def test_bad_search_input_is_refused(client: httpx2.AsyncClient, team: Team) -> None:
    lib = (await new_library(client, team.human))["id"]
    h = team.human.headers
    url = f"/library/{lib}/search"
    for body in (
        {},
        {"query": ""},
        {"query": "x" * 1001},
        {"query": "x\u0000"},
        {"query": "x", "limit": 0},
        {"query": "x", "limit": 101},
        {"query": "x", "offset": -1},
    ):
        error(await client.post(url, json=body, headers=h), 400, "validation_error")
        if "offset" not in body:
            error(await client.post("/library/search", json=body, headers=h), 400)
    error(
        await client.post(url, json={"query": "x", "useVector": True}, headers=h),
        400,
        "vector_search_unavailable",
    )
    error(
        await client.post("/library/search", json={"query": "x", "perLibraryLimit": 0}, headers=h),
        400,
        "validation_error",
    )
