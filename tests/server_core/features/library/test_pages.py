"""Pages over REST: create and overwrite with sha and version, conditional writes, partial
updates, front matter from YAML, delete and restore, history with parent shas, rename with
links rewritten, backlinks, the page list."""

from __future__ import annotations

import hashlib
import itertools

import httpx2
import pytest

from tests.helpers import data, error
from tests.server_core.features.library.helpers import get_page, new_library, put_page
from tests.server_core.features.messaging.team import Team

pytestmark = pytest.mark.anyio


@pytest.mark.both_engines
async def test_a_page_is_written_read_patched_deleted_and_restored(
    client: httpx2.AsyncClient, team: Team
) -> None:
    lib = (await new_library(client, team.human, defaults=True))["id"]
    member = {"principalId": team.bot.id, "role": "editor"}
    data(await client.post(f"/library/{lib}/members", json=member, headers=team.human.headers), 201)
    url = f"/library/{lib}/pages/decisions/2026-04-auth"
    created = await put_page(
        client, team.bot, lib, "decisions/2026-04-auth", 201, title="Auth decision",
        collection="decisions", frontmatter={"status": "proposed", "tags": ["auth"]},
        body="# Auth decision\n\nWe chose JWT because...",
    )  # fmt: skip
    assert (created["path"], created["version"], created["collection"]) == (
        "decisions/2026-04-auth",
        1,
        "decisions",
    )
    assert created["frontmatter"] == {"status": "proposed", "tags": ["auth"]}
    raw = (
        "---\ntitle: Auth decision\ncollection: decisions\nstatus: proposed\ntags:\n- auth\n---\n\n"
        "# Auth decision\n\nWe chose JWT because..."
    )
    assert created["sha"] == hashlib.sha256(raw.encode()).hexdigest()
    read = await get_page(client, team.human, lib, "decisions/2026-04-auth/")
    assert read["body"] == "# Auth decision\n\nWe chose JWT because..."
    assert read["id"] == created["id"]

    # The same content again changes nothing; another body is a new version.
    same = await put_page(client, team.bot, lib, "decisions/2026-04-auth", 200, body=read["body"])
    assert (same["sha"], same["version"]) == (created["sha"], 1)
    edited = await put_page(
        client, team.bot, lib, "decisions/2026-04-auth", 200, body="updated",
        ifMatchSha=created["sha"],
    )  # fmt: skip
    assert edited["version"] == 2
    assert edited["frontmatter"] == created["frontmatter"]  # left out: kept
    stale = await client.put(
        url, json={"body": "lost", "ifMatchSha": created["sha"]}, headers=team.bot.headers
    )
    body = error(stale, 409, "sha_mismatch")
    assert body["details"] == {"currentSha": edited["sha"], "currentVersion": 2}

    patched = data(
        await client.patch(
            url,
            json={"frontmatter": {"status": "accepted", "owner": "grace"}},
            headers=team.human.headers,
        )
    )
    assert patched["frontmatter"] == {"status": "accepted", "tags": ["auth"], "owner": "grace"}
    assert (patched["body"], patched["title"], patched["version"]) == (
        "updated",
        "Auth decision",
        3,
    )
    patched = data(
        await client.patch(
            url, json={"frontmatter": {"owner": None}, "title": "Auth"}, headers=team.human.headers
        )
    )
    assert (patched["frontmatter"], patched["title"]) == (
        {"status": "accepted", "tags": ["auth"]},
        "Auth",
    )

    deleted = data(await client.delete(url, headers=team.human.headers))
    assert deleted["version"] == 5
    error(await client.get(url, headers=team.human.headers), 404, "not_found")
    assert (
        data(await client.get(f"/library/{lib}", headers=team.human.headers))["stats"]["pageCount"]
        == 0
    )
    error(
        await client.post(f"{url}/restore", headers=team.human.headers)
        if False
        else await client.patch(url, json={"body": "x"}, headers=team.human.headers),
        404,
    )
    restored = data(await client.post(f"{url}/restore", headers=team.human.headers))
    assert (restored["id"], restored["version"], restored["body"]) == (created["id"], 6, "updated")
    error(await client.post(f"{url}/restore", headers=team.human.headers), 409, "page_not_deleted")

    history = data(await client.get(f"{url}/history", headers=team.human.headers))
    assert [(r["operation"], r["version"], r["author"]) for r in history] == [
        ("restore", 6, "grace"),
        ("delete", 5, "grace"),
        ("edit", 4, "grace"),
        ("edit", 3, "grace"),
        ("edit", 2, "bot"),
        ("create", 1, "bot"),
    ]
    assert history[-1]["parentSha"] is None
    for newer, older in itertools.pairwise(history):
        assert newer["parentSha"] == older["sha"]


async def test_front_matter_comes_from_yaml_and_must_be_a_mapping(
    client: httpx2.AsyncClient, team: Team
) -> None:
    lib = (await new_library(client, team.human))["id"]
    raw = "---\ntitle: Standup\ndate: 2026-04-12\ntags: [ops, daily]\n---\n\n# Standup\n\n- hi\n"
    page = await put_page(client, team.human, lib, "logs/standup", 201, raw=raw)
    assert page["title"] == "Standup"
    assert page["frontmatter"] == {"date": "2026-04-12", "tags": ["ops", "daily"]}
    assert page["body"] == "# Standup\n\n- hi\n"
    # In JSON front matter, `title` and `collection` are not kept as keys.
    page = await put_page(
        client, team.human, lib, "logs/standup", 200, frontmatter={"title": "X", "k": 1}
    )
    assert (page["title"], page["frontmatter"]) == ("Standup", {"k": 1})
    url = f"/library/{lib}/pages/logs/other"
    for bad, code in (
        ("---\n- a\n- b\n---\nbody", "frontmatter_not_mapping"),
        ("---\njust text\n---\nbody", "frontmatter_not_mapping"),
        ("---\ntitle: [unclosed\n---\nbody", "invalid_frontmatter"),
        ("---\nblob: !!binary aGVsbG8=\n---\nbody", "invalid_frontmatter"),
        ("---\n!!python/object:os.system {}\n---\n", "invalid_frontmatter"),
    ):
        error(await client.put(url, json={"raw": bad}, headers=team.human.headers), 400, code)
    error(
        await client.put(url, json={"frontmatter": ["a"]}, headers=team.human.headers),
        400,
        "validation_error",
    )
    # A body that is not UTF-8 is refused before anything else.
    refused = await client.put(
        url,
        content=b'{"body": "caf\xe9"}',
        headers={**team.human.headers, "Content-Type": "application/json"},
    )
    error(refused, 400)
    error(
        await client.put(url, json={"collection": "nope"}, headers=team.human.headers),
        400,
        "unknown_collection",
    )
    # Without a title, the first heading names the page, or else its path.
    assert (await put_page(client, team.human, lib, "a/b-c", 201, body="text"))["title"] == "b c"
    assert (await put_page(client, team.human, lib, "a/d", 201, body="# Dee\n"))["title"] == "Dee"


async def test_page_paths_are_normalised_and_bad_ones_refused(
    client: httpx2.AsyncClient, team: Team
) -> None:
    lib = (await new_library(client, team.human))["id"]
    base = f"/library/{lib}/pages"
    for path, code in (
        ("a//b", "invalid_page_path"),
        ("a/%2E%2E/b", "invalid_page_path"),
        ("%2E%2E/etc/passwd", "invalid_page_path"),
        ("a/%2E/b", "invalid_page_path"),
        ("%2Fabsolute", "invalid_page_path"),
        ("a%5Cb", "invalid_page_path"),
        ("a%01b", "invalid_page_path"),
        ("logs/history", "reserved_page_path"),
        ("x/Blocks", "reserved_page_path"),
    ):
        error(
            await client.put(f"{base}/{path}", json={"body": "x"}, headers=team.human.headers),
            400,
            code,
        )
    error(await client.put(f"{base}/a%00b", json={"body": "x"}, headers=team.human.headers), 400)
    # The suffix routes answer for the page before them.
    await put_page(client, team.human, lib, "logs", 201, body="log")
    assert (
        data(await client.get(f"{base}/logs/history", headers=team.human.headers))[0]["operation"]
        == "create"
    )
    # Paths with spaces and other scripts, percent-encoded.
    page = await put_page(client, team.human, lib, "notes/%C3%A9t%C3%A9 2026", 201, body="x")
    assert page["path"] == "notes/été 2026"
    listed = data(await client.get(f"{base}?prefix=notes/", headers=team.human.headers))
    assert [p["path"] for p in listed] == ["notes/été 2026"]


async def test_rename_keeps_the_id_and_rewrites_links_and_backlinks_follow(
    client: httpx2.AsyncClient, team: Team
) -> None:
    lib = (await new_library(client, team.human))["id"]
    base = f"/library/{lib}/pages"
    target = await put_page(client, team.human, lib, "people/ryan", 201, title="Ryan", body="Ryan.")
    await put_page(
        client, team.human, lib, "a", 201, body="See [[people/ryan]] and [[people/ryan|him]]."
    )
    await put_page(
        client, team.human, lib, "b", 201, body="Ask [[Ryan]] or [[people/ryan#Contact]]."
    )
    await put_page(client, team.human, lib, "c", 201, body="Nothing [[people/ryanair]] here.")
    backlinks = data(await client.get(f"{base}/people/ryan/backlinks", headers=team.human.headers))
    assert [(b["path"], b["title"]) for b in backlinks] == [("a", "a"), ("b", "b")]

    error(
        await client.post(
            f"{base}/people/ryan/rename", json={"newPath": "c"}, headers=team.human.headers
        ),
        409,
        "page_path_taken",
    )
    error(
        await client.post(
            f"{base}/people/ryan/rename", json={"newPath": "../x"}, headers=team.human.headers
        ),
        400,
        "invalid_page_path",
    )
    moved = data(
        await client.post(
            f"{base}/people/ryan/rename",
            json={"newPath": "people/ryan-smith"},
            headers=team.human.headers,
        )
    )
    assert (moved["id"], moved["path"], moved["version"]) == (target["id"], "people/ryan-smith", 2)
    error(await client.get(f"{base}/people/ryan", headers=team.human.headers), 404)
    a = await get_page(client, team.human, lib, "a")
    assert a["body"] == "See [[people/ryan-smith]] and [[people/ryan-smith|him]]."
    assert a["version"] == 2
    b = await get_page(client, team.human, lib, "b")
    assert b["body"] == "Ask [[Ryan]] or [[people/ryan-smith#Contact]]."
    c = await get_page(client, team.human, lib, "c")
    assert c["version"] == 1
    backlinks = data(
        await client.get(f"{base}/people/ryan-smith/backlinks", headers=team.human.headers)
    )
    assert [b["path"] for b in backlinks] == ["a", "b"]
    history = data(
        await client.get(f"{base}/people/ryan-smith/history", headers=team.human.headers)
    )
    assert [(r["operation"], r["path"]) for r in history] == [
        ("rename", "people/ryan-smith"),
        ("create", "people/ryan"),
    ]


@pytest.mark.both_engines
async def test_the_page_list_pages_by_path_with_prefix_and_collection(
    client: httpx2.AsyncClient, team: Team
) -> None:
    lib = (await new_library(client, team.human, defaults=True))["id"]
    for path in ("guides/b", "guides/a", "Guides/c", "guides_x", "decisions/one"):
        collection = "decisions" if path.startswith("decisions") else None
        await put_page(client, team.human, lib, path, 201, body=path, collection=collection)
    first = await client.get(
        f"/library/{lib}/pages?prefix=guides/&limit=1", headers=team.human.headers
    )
    assert [p["path"] for p in data(first)] == ["guides/a"]
    cursor = first.json()["pagination"]["cursor"]
    second = await client.get(
        f"/library/{lib}/pages",
        params={"prefix": "guides/", "cursor": cursor},
        headers=team.human.headers,
    )
    assert [p["path"] for p in data(second)] == ["guides/b"]
    assert second.json()["pagination"] == {"cursor": None, "hasMore": False}
    in_collection = data(
        await client.get(f"/library/{lib}/pages?collection=decisions", headers=team.human.headers)
    )
    assert [p["path"] for p in in_collection] == ["decisions/one"]
    everything = data(await client.get(f"/library/{lib}/pages", headers=team.human.headers))
    assert [p["path"] for p in everything] == sorted(
        ["guides/b", "guides/a", "Guides/c", "guides_x", "decisions/one"]
    )
    assert "body" not in everything[0]
