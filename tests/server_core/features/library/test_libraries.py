"""Libraries over REST: create with an automatic slug and the well-known collections, read by
id or slug with stats, list, update, the public-read opt-in, soft delete."""

from __future__ import annotations

import httpx2
import pytest

from tests.helpers import data, error
from tests.server_core.features.library.helpers import new_library, put_page
from tests.server_core.features.messaging.team import Team

pytestmark = pytest.mark.anyio


@pytest.mark.both_engines
async def test_a_library_is_created_read_listed_updated_and_deleted(
    client: httpx2.AsyncClient, team: Team
) -> None:
    created = await new_library(
        client, team.human, description="Shared knowledge", icon="📘", color="#8b5cf6",
        visibility="workspace", defaults=True,
    )  # fmt: skip
    assert created["slug"] == "engineering-wiki"
    assert (created["ownerKind"], created["ownerId"], created["role"]) == (
        "human",
        team.human.id,
        "owner",
    )
    assert created["stats"] == {"pageCount": 0, "collectionCount": 8, "sizeBytes": 0}
    assert created["settings"] == {"allowPublicRead": False}
    assert created["createdAt"].endswith("Z")
    second = await new_library(client, team.bot)
    assert second["slug"] == "engineering-wiki-2"
    assert second["stats"]["collectionCount"] == 0
    error(
        await client.post(
            "/library", json={"name": "X", "slug": "engineering-wiki"}, headers=team.bot.headers
        ),
        409,
        "library_slug_taken",
    )

    await put_page(client, team.human, created["id"], "guides/start", body="# Start\n\nHello")
    by_slug = data(await client.get("/library/engineering-wiki", headers=team.other_bot.headers))
    assert by_slug["id"] == created["id"]
    assert by_slug["role"] == "viewer"  # workspace visibility
    assert by_slug["stats"]["pageCount"] == 1
    assert by_slug["stats"]["sizeBytes"] > len("# Start\n\nHello")

    listed = data(await client.get("/library", headers=team.other_bot.headers))
    assert [lib["id"] for lib in listed] == [created["id"]]  # the bot's library is private
    assert {
        lib["id"] for lib in data(await client.get("/library", headers=team.admin.headers))
    } == {
        created["id"],
        second["id"],
    }

    updated = data(
        await client.patch(
            f"/library/{created['id']}",
            json={"name": "Engineering Knowledge Base", "description": None},
            headers=team.human.headers,
        )
    )
    assert (updated["name"], updated["description"], updated["slug"]) == (
        "Engineering Knowledge Base",
        None,
        "engineering-wiki",
    )
    assert updated["updatedAt"] >= created["updatedAt"]

    deleted = data(await client.delete(f"/library/{created['id']}", headers=team.human.headers))
    assert deleted["id"] == created["id"]
    error(await client.get(f"/library/{created['id']}", headers=team.human.headers), 404)
    again = await new_library(client, team.human)
    assert again["slug"] == "engineering-wiki"  # the deleted library gave its slug up


async def test_public_read_needs_the_workspace_opt_in(
    client: httpx2.AsyncClient, team: Team
) -> None:
    error(
        await client.post(
            "/library",
            json={"name": "Open", "visibility": "public_read"},
            headers=team.human.headers,
        ),
        400,
        "public_read_not_allowed",
    )
    library = await new_library(client, team.human, "Open")
    error(
        await client.patch(
            f"/library/{library['id']}",
            json={"settings": {"allowPublicRead": True}},
            headers=team.human.headers,
        ),
        403,
        "forbidden",
    )
    # A workspace admin opts in; then the owner may open it.
    data(
        await client.patch(
            f"/library/{library['id']}",
            json={"settings": {"allowPublicRead": True}},
            headers=team.admin.headers,
        )
    )
    opened = data(
        await client.patch(
            f"/library/{library['id']}",
            json={"visibility": "public_read"},
            headers=team.human.headers,
        )
    )
    assert (opened["visibility"], opened["settings"]["allowPublicRead"]) == ("public_read", True)
    seen = data(await client.get(f"/library/{library['id']}", headers=team.bot.headers))
    assert seen["role"] == "viewer"


async def test_bad_library_input_is_refused(client: httpx2.AsyncClient, team: Team) -> None:
    for body in (
        {},
        {"name": ""},
        {"name": "x", "slug": "Not A Slug"},
        {"name": "x", "visibility": "secret"},
        {"name": "x", "ownerKind": "robot"},
        {"name": "x\u0000"},
    ):
        error(await client.post("/library", json=body, headers=team.human.headers), 400)
    error(await client.get("/library/nope", headers=team.human.headers), 404, "not_found")
