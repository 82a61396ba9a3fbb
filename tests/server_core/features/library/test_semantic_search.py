"""Semantic search (`useVector`): pages embedded in the background by a real OpenAI-compatible
endpoint (`embeddings_server.py`, a hashed bag of words with a few synonyms), queries fused
with the full-text ranking, stale and deleted pages, the engine down, and who may search."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anyio
import httpx2
import pytest

from server_core.features.library import embedding_pass
from server_core.kernel.platform import Platform
from tests.helpers import data, error
from tests.server_core.features.drive.conftest import upload
from tests.server_core.features.library.embeddings_server import EmbeddingsServer
from tests.server_core.features.library.helpers import new_library, put_page
from tests.server_core.features.messaging.team import Team

pytestmark = pytest.mark.anyio

CAR = "Change the oil of the car every spring and check the tyres."
CAT = "Feed the cat twice a day and brush its fur."
DEPLOY = "Deploy on Fridays with the rollout checklist."


@pytest.fixture
def embeddings() -> Iterator[EmbeddingsServer]:
    server = EmbeddingsServer().start()
    yield server
    server.stop()


@pytest.fixture
def settings_overrides(
    settings_overrides: dict[str, Any], embeddings: EmbeddingsServer
) -> dict[str, Any]:
    return {
        **settings_overrides,
        "embedding_engine": "openai",
        "embedding_api_url": embeddings.url,
        "embedding_api_key": "sk-test",
        "embedding_model": "hash-64",
        "embedding_timeout_seconds": 5.0,
    }


async def _pages(client: httpx2.AsyncClient, team: Team, library: str) -> None:
    await put_page(
        client, team.human, library, "garage/car", 201, title="Car maintenance", body=CAR
    )
    await put_page(client, team.human, library, "pets/cat", 201, title="Cat care", body=CAT)
    await put_page(client, team.human, library, "ops/deploy", 201, title="Deploying", body=DEPLOY)


async def _search(
    client: httpx2.AsyncClient, team: Team, library: str, query: str, **more: Any
) -> dict[str, Any]:
    body = {"query": query, "useVector": True, **more}
    found: dict[str, Any] = data(
        await client.post(f"/library/{library}/search", json=body, headers=team.human.headers)
    )
    return found


def _paths(found: dict[str, Any]) -> list[str]:
    return [hit["path"] for hit in found["results"]]


@pytest.mark.both_engines
async def test_pages_are_embedded_in_the_background_and_found_by_meaning(
    client: httpx2.AsyncClient, team: Team, platform: Platform, embeddings: EmbeddingsServer
) -> None:
    lib = (await new_library(client, team.human))["id"]
    await _pages(client, team, lib)
    metrics_url = f"/library/{lib}/search/metrics"
    before = data(await client.get(metrics_url, headers=team.human.headers))
    assert (before["vector"], before["embeddedCount"]) == (True, 0)
    assert embeddings.requests == []  # writing a page never waits on the engine

    # One pass embeds every page in one batch; the next finds nothing to do.
    assert await embedding_pass.run_once(platform) == 3
    assert len(embeddings.requests) == 1
    assert embeddings.requests[0]["model"] == "hash-64"
    assert sorted(embeddings.requests[0]["input"]) == sorted(
        [f"Car maintenance\n\n{CAR}", f"Cat care\n\n{CAT}", f"Deploying\n\n{DEPLOY}"]
    )
    assert embeddings.headers[0]["authorization"] == "Bearer sk-test"
    assert await embedding_pass.run_once(platform) == 0
    assert len(embeddings.requests) == 1
    after = data(await client.get(metrics_url, headers=team.human.headers))
    assert (after["vector"], after["embeddedCount"], after["documentCount"]) == (True, 3, 3)

    # No word in common: full text finds nothing, the vectors find the car page, with the
    # start of its body as the snippet.
    text = data(
        await client.post(
            f"/library/{lib}/search",
            json={"query": "automobile repairs"},
            headers=team.human.headers,
        )
    )
    assert text["total"] == 0
    found = await _search(client, team, lib, "automobile repairs")
    assert _paths(found) == ["garage/car"]
    assert found["total"] == 1
    hit = found["results"][0]
    assert set(hit) == {"pageId", "path", "title", "collection", "snippet", "score"}
    assert (hit["title"], hit["collection"]) == ("Car maintenance", None)
    assert hit["snippet"] == CAR
    assert hit["score"] == pytest.approx(1 / 61)
    assert len(embeddings.requests) == 2  # the query, embedded once

    # Found by both rankings: first, with the full-text snippet's marks, scores fused.
    both = await _search(client, team, lib, "deploy")
    assert _paths(both)[0] == "ops/deploy"
    assert "<mark>" in both["results"][0]["snippet"]
    assert both["results"][0]["score"] == pytest.approx(2 / 61)

    # An edited page is embedded again by the next pass (only it).
    await put_page(
        client, team.human, lib, "garage/car", 200, title="Garage", body="The kitten sleeps in it."
    )
    assert await embedding_pass.run_once(platform) == 1
    assert embeddings.requests[-1]["input"] == ["Garage\n\nThe kitten sleeps in it."]
    assert _paths(await _search(client, team, lib, "automobile repairs")) == []
    assert _paths(await _search(client, team, lib, "feline")) == ["pets/cat", "garage/car"]

    # A deleted page is never found, and not embedded again.
    data(await client.delete(f"/library/{lib}/pages/pets/cat", headers=team.human.headers))
    assert _paths(await _search(client, team, lib, "feline")) == ["garage/car"]
    assert await embedding_pass.run_once(platform) == 0
    gone = data(await client.get(metrics_url, headers=team.human.headers))
    assert gone["embeddedCount"] == 2

    # Restored, it is found again (its vector kept, its sha unchanged).
    data(await client.post(f"/library/{lib}/pages/pets/cat/restore", headers=team.human.headers))
    assert _paths(await _search(client, team, lib, "feline")) == ["pets/cat", "garage/car"]
    assert await embedding_pass.run_once(platform) == 0


async def test_paging_and_a_changed_model(
    client: httpx2.AsyncClient, team: Team, platform: Platform, embeddings: EmbeddingsServer
) -> None:
    lib = (await new_library(client, team.human))["id"]
    for n in range(5):
        await put_page(client, team.human, lib, f"cars/{n}", 201, body=f"car number {n}")
    assert await embedding_pass.run_once(platform) == 5

    every = await _search(client, team, lib, "vehicle")
    assert (every["total"], len(every["results"])) == (5, 5)
    paged = await _search(client, team, lib, "vehicle", limit=2, offset=2)
    assert (paged["total"], _paths(paged)) == (5, _paths(every)[2:4])
    scores = [hit["score"] for hit in every["results"]]
    assert scores == sorted(scores, reverse=True)

    # Another model: its vectors are not comparable, so every page is embedded again, and
    # until then none is a vector hit.
    platform.settings.embedding_model = "hash-64-v2"
    assert (await _search(client, team, lib, "vehicle"))["total"] == 0
    metrics = data(await client.get(f"/library/{lib}/search/metrics", headers=team.human.headers))
    assert metrics["embeddedCount"] == 0
    assert await embedding_pass.run_once(platform) == 5
    assert embeddings.requests[-1]["model"] == "hash-64-v2"
    assert (await _search(client, team, lib, "vehicle"))["total"] == 5


@pytest.mark.both_engines
async def test_several_nodes_embedding_at_once_embed_each_page_once(
    client: httpx2.AsyncClient, team: Team, platform: Platform
) -> None:
    lib = (await new_library(client, team.human))["id"]
    for n in range(70):  # more than one batch
        await put_page(client, team.human, lib, f"notes/{n}", 201, body=f"note {n} on cats")
    kept: list[int] = []

    async def node() -> None:
        kept.append(await embedding_pass.run_once(platform))

    with anyio.fail_after(30):
        async with anyio.create_task_group() as group:
            group.start_soon(node)
            group.start_soon(node)
    assert sum(kept) >= 70
    metrics = data(await client.get(f"/library/{lib}/search/metrics", headers=team.human.headers))
    assert metrics["embeddedCount"] == 70
    assert await embedding_pass.run_once(platform) == 0


async def test_the_engine_down_answers_503_and_the_pass_tries_again(
    client: httpx2.AsyncClient, team: Team, platform: Platform, embeddings: EmbeddingsServer
) -> None:
    lib = (await new_library(client, team.human))["id"]
    await _pages(client, team, lib)
    url = f"/library/{lib}/search"
    h = team.human.headers

    embeddings.status = 500
    assert await embedding_pass.run_once(platform) == 0  # logged, not raised
    error(
        await client.post(url, json={"query": "car", "useVector": True}, headers=h),
        503,
        "embedding_unavailable",
    )
    # Full text does not need the engine.
    assert data(await client.post(url, json={"query": "tyres"}, headers=h))["total"] == 1

    embeddings.status = 200
    assert await embedding_pass.run_once(platform) == 3
    assert _paths(await _search(client, team, lib, "automobile")) == ["garage/car"]

    # Nothing listening at all.
    embeddings.stop()
    await put_page(client, team.human, lib, "pets/cat", 200, title="Cat care", body="Cats nap.")
    assert await embedding_pass.run_once(platform) == 0
    body = error(
        await client.post(url, json={"query": "car", "useVector": True}, headers=h),
        503,
        "embedding_unavailable",
    )
    assert "useVector" in body["error"]


async def test_a_page_the_engine_refuses_does_not_hold_up_the_others(
    client: httpx2.AsyncClient, team: Team, platform: Platform, embeddings: EmbeddingsServer
) -> None:
    lib = (await new_library(client, team.human))["id"]
    await _pages(client, team, lib)
    await put_page(client, team.human, lib, "huge", 201, body="a car way too long")
    embeddings.refuse = "too long"

    # The batch is refused, then sent page by page: the others are embedded, the refused
    # one is kept aside (no vector hit) and not sent again until it changes.
    assert await embedding_pass.run_once(platform) == 4
    assert [len(request["input"]) for request in embeddings.requests] == [4, 1, 1, 1, 1]
    assert _paths(await _search(client, team, lib, "automobile")) == ["garage/car"]
    metrics = data(await client.get(f"/library/{lib}/search/metrics", headers=team.human.headers))
    assert metrics["embeddedCount"] == 3
    asked = len(embeddings.requests)
    assert await embedding_pass.run_once(platform) == 0
    assert len(embeddings.requests) == asked

    await put_page(client, team.human, lib, "huge", 200, body="a shorter car")
    assert await embedding_pass.run_once(platform) == 1
    assert _paths(await _search(client, team, lib, "automobile")) == ["huge", "garage/car"]


async def test_only_readers_search_and_only_their_library(
    client: httpx2.AsyncClient, team: Team, platform: Platform, embeddings: EmbeddingsServer
) -> None:
    mine = (await new_library(client, team.human, "Mine"))["id"]
    other = (await new_library(client, team.human, "Other"))["id"]
    await put_page(client, team.human, mine, "a", 201, body="a car")
    await put_page(client, team.human, other, "b", 201, body="a car too")
    assert await embedding_pass.run_once(platform) == 2
    assert _paths(await _search(client, team, mine, "automobile")) == ["a"]

    asked = len(embeddings.requests)
    body = {"query": "automobile", "useVector": True}
    error(
        await client.post(f"/library/{mine}/search", json=body, headers=team.bot.headers),
        404,
        "not_found",
    )
    assert len(embeddings.requests) == asked  # refused before the query is embedded
    error(
        await client.post("/library/nope/search", json=body, headers=team.human.headers),
        404,
        "not_found",
    )


class TestWithoutAnEngine:
    @pytest.fixture
    def settings_overrides(self) -> dict[str, Any]:
        return {"open_registration": True}

    async def test_use_vector_is_refused_and_nothing_is_embedded(
        self, client: httpx2.AsyncClient, team: Team, platform: Platform
    ) -> None:
        lib = (await new_library(client, team.human))["id"]
        await put_page(client, team.human, lib, "a", 201, body="a car")
        h = team.human.headers
        error(
            await client.post(
                f"/library/{lib}/search", json={"query": "car", "useVector": True}, headers=h
            ),
            400,
            "vector_search_unavailable",
        )
        assert await embedding_pass.run_once(platform) == 0
        metrics = data(await client.get(f"/library/{lib}/search/metrics", headers=h))
        assert (metrics["vector"], metrics["embeddedCount"]) == (False, None)


async def test_binary_pages_are_not_embedded_nor_found_by_meaning(
    client: httpx2.AsyncClient, team: Team, platform: Platform, embeddings: EmbeddingsServer
) -> None:
    lib = (await new_library(client, team.human))["id"]
    await _pages(client, team, lib)
    assert await embedding_pass.run_once(platform) == 3
    assert _paths(await _search(client, team, lib, "automobile repairs")) == ["garage/car"]

    # The car page made a binary page (a drive file): its old embedding no longer answers, and
    # a binary page is never embedded.
    asked = len(embeddings.requests)  # the pass, and the query
    file = await upload(client, team.human, b"\x89PNG", name="car.png", content_type="image/png")
    operations = [
        {"kind": "binaryUpsert", "path": "garage/car", "fileId": file["id"]},
        {"kind": "binaryUpsert", "path": "garage/car-photo", "fileId": file["id"]},
    ]
    pushed = data(
        await client.post(
            f"/library/{lib}/sync/push",
            json={"operations": operations},
            headers=team.human.headers,
        )
    )
    assert [r["status"] for r in pushed["results"]] == ["ok", "ok"]
    assert await embedding_pass.run_once(platform) == 0
    assert len(embeddings.requests) == asked
    assert _paths(await _search(client, team, lib, "automobile repairs")) == []
