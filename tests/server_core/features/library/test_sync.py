"""The sync protocol: a pull after a push sees exactly the pushed pages; pulls page by clock,
scope and version vector; pushes report each operation (conflicts, bad ones) and `atomic`
applies all or nothing, also when pushes race."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import anyio
import httpx2
import pytest

from server_core.features.library.events import PageChanged
from tests.helpers import data, error
from tests.server_core.captured import Captured
from tests.server_core.features.library.helpers import get_page, new_library, put_page
from tests.server_core.features.messaging.team import Member, Team

pytestmark = pytest.mark.anyio
Capture = Callable[[], AbstractAsyncContextManager[Captured]]


async def pull(client: httpx2.AsyncClient, who: Member, lib: str, **body: Any) -> dict[str, Any]:
    answer: dict[str, Any] = data(
        await client.post(f"/library/{lib}/sync/pull", json=body, headers=who.headers)
    )
    return answer


async def push(
    client: httpx2.AsyncClient, who: Member, lib: str, operations: list[dict[str, Any]], **body: Any
) -> dict[str, Any]:
    answer: dict[str, Any] = data(
        await client.post(
            f"/library/{lib}/sync/push",
            json={"operations": operations, **body},
            headers=who.headers,
        )
    )
    return answer


def upsert(path: str, text: str, op_id: str, **more: Any) -> dict[str, Any]:
    raw = f"---\ntitle: {text}\n---\n\n# {text}\n"
    return {"kind": "upsert", "path": path, "raw": raw, "clientOpId": op_id, **more}


@pytest.mark.both_engines
async def test_a_pull_after_a_push_sees_exactly_the_pushed_pages(
    client: httpx2.AsyncClient, team: Team
) -> None:
    lib = (await new_library(client, team.human))["id"]
    await put_page(client, team.human, lib, "drafts/scratch", 201, body="scratch")
    await put_page(client, team.human, lib, "lessons/old", 201, body="old")
    before = await pull(client, team.human, lib)
    assert sorted(op["path"] for op in before["operations"]) == ["drafts/scratch", "lessons/old"]
    page_id = next(op["pageId"] for op in before["operations"] if op["path"] == "lessons/old")
    pushed = await push(
        client, team.human, lib,
        [
            upsert("lessons/rate-limiting", "Rate limiting", "op-001"),
            {"kind": "rename", "pageId": page_id, "newPath": "lessons/old-v2",
             "clientOpId": "op-002"},
            {"kind": "delete", "path": "drafts/scratch", "clientOpId": "op-003"},
        ],
        atomic=True,
    )  # fmt: skip
    assert [(r["clientOpId"], r["status"]) for r in pushed["results"]] == [
        ("op-001", "ok"),
        ("op-002", "ok"),
        ("op-003", "ok"),
    ]
    assert pushed["applied"] == 3
    assert pushed["syncClock"] == before["syncClock"] + 3
    after = await pull(client, team.human, lib, syncClock=before["syncClock"])
    seen = [(op["kind"], op["path"], op["sha"]) for op in after["operations"]]
    assert seen == [
        ("upsert", "lessons/rate-limiting", pushed["results"][0]["sha"]),
        ("upsert", "lessons/old-v2", pushed["results"][1]["sha"]),
        ("delete", "drafts/scratch", pushed["results"][2]["sha"]),
    ]
    assert after["operations"][1]["pageId"] == page_id
    assert after["operations"][0]["raw"].startswith("---\ntitle: Rate limiting\n---\n")
    assert after["operations"][2]["raw"] is None
    assert (after["syncClock"], after["cursor"], after["hasMore"]) == (
        pushed["syncClock"],
        None,
        False,
    )
    page = await get_page(client, team.human, lib, "lessons/rate-limiting")
    assert page["sha"] == pushed["results"][0]["sha"]
    nothing = await pull(client, team.human, lib, syncClock=after["syncClock"])
    assert (nothing["operations"], nothing["syncClock"]) == ([], after["syncClock"])


@pytest.mark.both_engines
async def test_pulls_page_by_clock_each_page_once_as_it_is_now(
    client: httpx2.AsyncClient, team: Team
) -> None:
    lib = (await new_library(client, team.human))["id"]
    for n in range(5):
        await put_page(client, team.human, lib, f"notes/{n}", 201, body=f"note {n}")
    await put_page(client, team.human, lib, "notes/1", 200, body="note 1, again")
    first = await pull(client, team.human, lib, syncClock=0, limit=2)
    assert [op["path"] for op in first["operations"]] == ["notes/0", "notes/2"]
    assert first["hasMore"]
    assert first["cursor"]
    second = await pull(client, team.human, lib, cursor=first["cursor"], limit=2)
    third = await pull(client, team.human, lib, cursor=second["cursor"], limit=2)
    paths = [op["path"] for part in (first, second, third) for op in part["operations"]]
    assert paths == ["notes/0", "notes/2", "notes/3", "notes/4", "notes/1"]
    assert not third["hasMore"]
    assert third["cursor"] is None
    clocks = [op["clock"] for part in (first, second, third) for op in part["operations"]]
    assert clocks == sorted(clocks)
    assert third["syncClock"] == 6
    bad = await client.post(
        f"/library/{lib}/sync/pull", json={"cursor": "eyJ"}, headers=team.human.headers
    )
    error(bad, 400, "invalid_sync_cursor")


async def test_a_pull_is_scoped_and_leaves_out_what_the_client_holds(
    client: httpx2.AsyncClient, team: Team
) -> None:
    lib = (await new_library(client, team.human, defaults=True))["id"]
    kept = await put_page(
        client, team.human, lib, "decisions/a", 201, collection="decisions", body="a"
    )
    await put_page(client, team.human, lib, "decisions/b", 201, collection="decisions", body="b")
    await put_page(client, team.human, lib, "drafts/c", 201, collection="decisions", body="c")
    await put_page(client, team.human, lib, "lessons/d", 201, collection="lessons", body="d" * 500)
    gone = await put_page(client, team.human, lib, "misc/e", 201, body="e")
    data(await client.delete(f"/library/{lib}/pages/misc/e", headers=team.human.headers))
    scoped = await pull(
        client, team.human, lib, scope={"collections": ["decisions"], "excludePaths": ["drafts/"]}
    )
    assert [op["path"] for op in scoped["operations"]] == ["decisions/a", "decisions/b"]
    prefixed = await pull(client, team.human, lib, scope={"paths": ["lessons/", "misc/"]})
    assert [op["path"] for op in prefixed["operations"]] == ["lessons/d"]
    small = await pull(client, team.human, lib, scope={"maxPageSize": 300})
    assert "lessons/d" not in [op["path"] for op in small["operations"]]
    held = await pull(
        client, team.human, lib,
        vector={kept["id"]: kept["sha"], gone["id"]: gone["sha"]},
        scope={"paths": ["decisions/", "misc/"]},
    )  # fmt: skip
    assert [(op["kind"], op["path"]) for op in held["operations"]] == [
        ("upsert", "decisions/b"),
        ("delete", "misc/e"),
    ]


async def test_a_push_reports_each_operation_and_applies_the_good_ones(
    client: httpx2.AsyncClient, team: Team
) -> None:
    lib = (await new_library(client, team.human))["id"]
    page = await put_page(client, team.human, lib, "a", 201, body="a")
    await put_page(client, team.human, lib, "taken", 201, body="t")
    await put_page(client, team.human, lib, "a", 200, body="a, edited")
    pushed = await push(
        client, team.human, lib,
        [
            upsert("a", "stale", "1", expectedSha=page["sha"]),
            upsert("b", "B", "2"),
            {"kind": "rename", "path": "b", "newPath": "taken", "clientOpId": "3"},
            {"kind": "binaryUpsert", "path": "img.png", "clientOpId": "4"},
            {"kind": "upsert", "path": "c", "clientOpId": "5"},
            upsert("a", "parent", "6", expectedParentSha=page["sha"]),
            upsert("b", "B", "7"),
            {"kind": "delete", "path": "nowhere", "clientOpId": "8"},
            upsert("x/../y", "bad path", "9"),
            upsert("a", "unparented", "10", expectedParentSha="0" * 64),
            {"kind": "delete", "path": "b", "clientOpId": "11"},
            {"kind": "delete", "path": "b", "clientOpId": "12"},
            {"kind": "rename", "path": "b", "newPath": "c", "clientOpId": "13"},
        ],
    )  # fmt: skip
    outcome = [(r["clientOpId"], r["status"], r["code"]) for r in pushed["results"]]
    assert outcome == [
        ("1", "conflict", "sha_mismatch"),
        ("2", "ok", None),
        ("3", "conflict", "page_path_taken"),
        ("4", "error", "invalid_sync_operation"),
        ("5", "error", "invalid_sync_operation"),
        ("6", "ok", None),
        ("7", "ok", None),
        ("8", "error", "invalid_sync_operation"),
        ("9", "error", "invalid_page_path"),
        ("10", "conflict", "parent_sha_mismatch"),
        ("11", "ok", None),
        ("12", "ok", None),
        ("13", "error", "invalid_sync_operation"),
    ]
    changed = [r["changed"] for r in pushed["results"] if r["status"] == "ok"]
    assert changed == [True, True, False, True, False]
    assert pushed["applied"] == 5
    deleted = await client.get(f"/library/{lib}/pages/b", headers=team.human.headers)
    error(deleted, 404)
    assert (await get_page(client, team.human, lib, "a"))["title"] == "parent"


async def test_too_many_operations_are_refused_whole(
    client: httpx2.AsyncClient, team: Team
) -> None:
    lib = (await new_library(client, team.human))["id"]
    ops = [upsert(f"p/{n}", "x", str(n)) for n in range(1001)]
    response = await client.post(
        f"/library/{lib}/sync/push", json={"operations": ops}, headers=team.human.headers
    )
    error(response, 400, "too_many_sync_operations")
    assert (await pull(client, team.human, lib))["operations"] == []


async def test_pushing_needs_write_and_pulling_read(client: httpx2.AsyncClient, team: Team) -> None:
    lib = (await new_library(client, team.human))["id"]
    member = {"principalId": team.bot.id, "role": "viewer"}
    data(await client.post(f"/library/{lib}/members", json=member, headers=team.human.headers), 201)
    await put_page(client, team.human, lib, "a", 201, body="a")
    assert len((await pull(client, team.bot, lib))["operations"]) == 1
    response = await client.post(
        f"/library/{lib}/sync/push", json={"operations": [upsert("b", "B", "1")]},
        headers=team.bot.headers,
    )  # fmt: skip
    error(response, 403, "forbidden")
    outsider = await client.post(
        f"/library/{lib}/sync/pull", json={}, headers=team.other_bot.headers
    )
    error(outsider, 404)


@pytest.mark.both_engines
async def test_an_atomic_push_with_one_bad_operation_applies_nothing(
    client: httpx2.AsyncClient, team: Team
) -> None:
    lib = (await new_library(client, team.human))["id"]
    await put_page(client, team.human, lib, "keep", 201, body="keep")
    clock = (await pull(client, team.human, lib))["syncClock"]
    pushed = await push(
        client, team.human, lib,
        [
            upsert("new/1", "One", "1"),
            {"kind": "delete", "path": "keep", "clientOpId": "2"},
            upsert("keep", "Two", "3", expectedSha="0" * 64),
            upsert("new/2", "Three", "4"),
        ],
        atomic=True,
    )  # fmt: skip
    statuses = [(r["clientOpId"], r["status"]) for r in pushed["results"]]
    assert statuses == [("1", "aborted"), ("2", "aborted"), ("3", "conflict"), ("4", "aborted")]
    assert (pushed["applied"], pushed["syncClock"]) == (0, clock)
    assert (await pull(client, team.human, lib, syncClock=clock))["operations"] == []
    assert (await get_page(client, team.human, lib, "keep"))["body"] == "keep"
    missing = await client.get(f"/library/{lib}/pages/new/1", headers=team.human.headers)
    error(missing, 404)


@pytest.mark.both_engines
async def test_racing_atomic_pushes_from_one_sha_one_lands_whole(
    client: httpx2.AsyncClient, team: Team
) -> None:
    lib = (await new_library(client, team.human))["id"]
    base = await put_page(client, team.human, lib, "shared", 201, body="base")
    answers: list[dict[str, Any]] = []

    async def attempt(n: int) -> None:
        answers.append(
            await push(
                client,
                team.human,
                lib,
                [
                    upsert(f"side/{n}", f"Side {n}", "1"),
                    upsert("shared", f"Writer {n}", "2", expectedSha=base["sha"]),
                ],
                atomic=True,
            )
        )

    with anyio.fail_after(60):
        async with anyio.create_task_group() as tasks:
            for n in range(10):
                tasks.start_soon(attempt, n)
    landed = [a for a in answers if a["applied"] == 2]
    assert len(landed) == 1
    assert all(a["applied"] == 0 for a in answers if a is not landed[0])
    pages = data(await client.get(f"/library/{lib}/pages", headers=team.human.headers))
    assert len(pages) == 2
    assert (await get_page(client, team.human, lib, "shared"))["version"] == 2


async def test_a_push_announces_what_it_applied_and_nothing_it_undid(
    client: httpx2.AsyncClient, team: Team, captured_events: Capture
) -> None:
    lib = (await new_library(client, team.human))["id"]
    async with captured_events() as captured:
        await push(
            client, team.human, lib,
            [upsert("a", "A", "1"), upsert("b", "B", "2", expectedSha="0" * 64),
             {"kind": "rename", "path": "a", "newPath": "c", "clientOpId": "3"}],
        )  # fmt: skip
        await push(
            client, team.human, lib,
            [upsert("d", "D", "1"), upsert("e", "E", "2", expectedSha="0" * 64)],
            atomic=True,
        )  # fmt: skip
    events = captured.of(PageChanged)
    assert [(e.action, e.page.path, e.previous_path) for e in events] == [
        ("created", "a", None),
        ("renamed", "c", "a"),
    ]


@pytest.mark.both_engines
async def test_odd_input_is_refused_with_a_400(client: httpx2.AsyncClient, team: Team) -> None:
    lib = (await new_library(client, team.human))["id"]
    refused = [
        ("sync/pull", {"cursor": "²"}, "invalid_sync_cursor"),
        ("sync/pull", {"cursor": "9" * 30}, "invalid_sync_cursor"),
        ("sync/pull", {"syncClock": 2**64}, "validation_error"),
        ("sync/pull", {"limit": 5001}, "validation_error"),
        ("sync/push", {"operations": []}, "validation_error"),
        ("sync/push", {"operations": [{"kind": "move", "path": "a"}]}, "validation_error"),
        (
            "sync/push",
            {"operations": [{"kind": "delete", "pageId": "a\u0000"}]},
            "validation_error",
        ),
        ("lint/batch", {"collection": "a\u0000"}, "validation_error"),
        ("lint/batch", {"paths": ["a"], "collection": "b"}, "invalid_lint_request"),
        ("lint/batch", {"paths": ["/abs"]}, "invalid_page_path"),
        ("lint", {"path": "a\u0000"}, "invalid_page_path"),
    ]
    for route, body, code in refused:
        response = await client.post(
            f"/library/{lib}/{route}", json=body, headers=team.human.headers
        )
        error(response, 400, code)
    unknown = await push(client, team.human, lib, [{"kind": "delete", "pageId": "0" * 36}])
    assert unknown["results"][0]["code"] == "invalid_sync_operation"
