"""Binary pages: a page whose content is a drive file. Pushed with `binaryUpsert` (the pusher
must be able to read the file), pulled with `includeBinary` as a signed download link, read with
a `binary` object; the same file again changes nothing, another is a new version; search leaves
them out; a text write makes them text pages again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx2
import pytest

from server_core.features.library.binary import MAX_STORED_SIZE, BinaryFile
from tests.helpers import data, error
from tests.server_core.features.drive.conftest import upload
from tests.server_core.features.library.git_repos import bare, files_of
from tests.server_core.features.library.helpers import get_page, new_library, put_page
from tests.server_core.features.library.test_sync import pull, push, upsert
from tests.server_core.features.messaging.team import Team

pytestmark = pytest.mark.anyio


@pytest.fixture
def settings_overrides(settings_overrides: dict[str, Any]) -> dict[str, Any]:
    return {**settings_overrides, "git_mirror_allow_local": True, "git_mirror_timeout_seconds": 10}


PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))


def binary(path: str, file_id: str, op_id: str, **more: Any) -> dict[str, Any]:
    return {"kind": "binaryUpsert", "path": path, "fileId": file_id, "clientOpId": op_id, **more}


async def png(client: httpx2.AsyncClient, who: Any, content: bytes = PNG) -> dict[str, Any]:
    return await upload(client, who, content, name="diagram.png", content_type="image/png")


@pytest.mark.both_engines
async def test_a_pushed_binary_page_is_pulled_with_include_binary_and_downloads(
    client: httpx2.AsyncClient, team: Team
) -> None:
    lib = (await new_library(client, team.human))["id"]
    await put_page(client, team.human, lib, "notes/text", 201, body="text")
    file = await png(client, team.human)
    pushed = await push(client, team.human, lib, [binary("assets/diagram.png", file["id"], "1")])
    (result,) = pushed["results"]
    assert (result["status"], result["changed"], result["version"]) == ("ok", True, 1)

    without = await pull(client, team.human, lib)
    assert [op["path"] for op in without["operations"]] == ["notes/text"]

    full = await pull(client, team.human, lib, scope={"includeBinary": True})
    ops = {op["path"]: op for op in full["operations"]}
    assert sorted(ops) == ["assets/diagram.png", "notes/text"]
    op = ops["assets/diagram.png"]
    assert op["kind"] == "binaryUpsert"
    assert (op["pageId"], op["sha"]) == (result["pageId"], result["sha"])
    assert (op["fileId"], op["contentType"], op["sizeBytes"]) == (file["id"], "image/png", len(PNG))
    assert op["raw"] is None
    assert ops["notes/text"]["downloadUrl"] is None
    downloaded = await client.get(op["downloadUrl"])
    assert downloaded.status_code == 200, downloaded.text
    assert downloaded.content == PNG

    # Incremental: only what changed since, and a held sha is left out.
    since = await pull(
        client, team.human, lib, syncClock=full["syncClock"], scope={"includeBinary": True}
    )
    assert since["operations"] == []
    held = await pull(
        client, team.human, lib, scope={"includeBinary": True},
        vector={op["pageId"]: op["sha"]},
    )  # fmt: skip
    assert [o["path"] for o in held["operations"]] == ["notes/text"]

    page = await get_page(client, team.human, lib, "assets/diagram.png")
    assert (page["body"], page["sha"], page["title"]) == ("", op["sha"], "diagram.png")
    assert page["binary"]["fileId"] == file["id"]
    assert (page["binary"]["contentType"], page["binary"]["sizeBytes"]) == ("image/png", len(PNG))
    assert (await client.get(page["binary"]["downloadUrl"])).content == PNG
    assert (await get_page(client, team.human, lib, "notes/text"))["binary"] is None


async def test_the_same_file_again_changes_nothing_another_is_a_new_version(
    client: httpx2.AsyncClient, team: Team
) -> None:
    lib = (await new_library(client, team.human))["id"]
    first, second = await png(client, team.human), await png(client, team.human, PNG + b"!")
    one = (await push(client, team.human, lib, [binary("img.png", first["id"], "1")]))["results"]
    again = await push(client, team.human, lib, [binary("img.png", first["id"], "2")])
    (same,) = again["results"]
    assert (same["status"], same["changed"], same["version"]) == ("ok", False, 1)
    assert same["sha"] == one[0]["sha"]

    stale = await push(
        client, team.human, lib, [binary("img.png", second["id"], "3", expectedSha="0" * 64)]
    )
    assert [(r["status"], r["code"]) for r in stale["results"]] == [("conflict", "sha_mismatch")]

    other = await push(
        client, team.human, lib,
        [binary("img.png", second["id"], "4", expectedSha=one[0]["sha"],
                expectedParentSha=None)],
    )  # fmt: skip
    (changed,) = other["results"]
    assert (changed["status"], changed["changed"], changed["version"]) == ("ok", True, 2)
    assert changed["sha"] != one[0]["sha"]
    history_url = f"/library/{lib}/pages/img.png/history"
    history = data(await client.get(history_url, headers=team.human.headers))
    assert [(r["version"], r["binaryFileId"], r["parentSha"]) for r in history] == [
        (2, second["id"], one[0]["sha"]),
        (1, first["id"], None),
    ]
    page = await get_page(client, team.human, lib, "img.png")
    assert page["binary"]["sizeBytes"] == len(PNG) + 1

    # A text write at its path makes it a text page again.
    text = await put_page(client, team.human, lib, "img.png", 200, body="now words")
    assert (text["version"], text["binary"]) == (3, None)
    assert (await get_page(client, team.human, lib, "img.png"))["binary"] is None
    pulled = await pull(client, team.human, lib, scope={"includeBinary": True})
    assert [(op["kind"], op["path"]) for op in pulled["operations"]] == [("upsert", "img.png")]


async def test_a_file_the_pusher_cannot_read_fails_its_operation_and_an_atomic_push(
    client: httpx2.AsyncClient, team: Team
) -> None:
    lib = (await new_library(client, team.human))["id"]
    private = await png(client, team.admin)  # neither tagged nor attached: the human can't read it
    before = await pull(client, team.human, lib, scope={"includeBinary": True})

    atomic = await push(
        client, team.human, lib,
        [upsert("notes/a", "A", "1"), binary("img.png", private["id"], "2")],
        atomic=True,
    )  # fmt: skip
    assert [(r["status"], r["code"]) for r in atomic["results"]] == [
        ("aborted", None),
        ("error", "binary_file_not_found"),
    ]
    assert atomic["applied"] == 0
    assert "may read" in atomic["results"][1]["error"]
    after = await pull(client, team.human, lib, scope={"includeBinary": True})
    assert after["operations"] == []
    assert after["syncClock"] == before["syncClock"]

    loose = await push(
        client, team.human, lib,
        [binary("img.png", private["id"], "1"), binary("other.png", "nope", "2"),
         {"kind": "binaryUpsert", "path": "x.png", "clientOpId": "3"}],
    )  # fmt: skip
    assert [(r["status"], r["code"]) for r in loose["results"]] == [
        ("error", "binary_file_not_found"),
        ("error", "binary_file_not_found"),
        ("error", "invalid_sync_operation"),
    ]

    # Once tagged to a channel the human is in, the human may name it.
    channel = await team.channel(client)
    tagged = await client.post(
        f"/drive/files/{private['id']}/channels",
        json={"channelId": channel["id"]},
        headers=team.admin.headers,
    )
    assert tagged.status_code in (200, 201), tagged.text
    ok = await push(client, team.human, lib, [binary("img.png", private["id"], "1")])
    assert ok["results"][0]["status"] == "ok"


async def test_a_binary_page_is_deleted_and_left_out_of_search(
    client: httpx2.AsyncClient, team: Team
) -> None:
    lib = (await new_library(client, team.human))["id"]
    file = await png(client, team.human)
    await put_page(client, team.human, lib, "guides/deploying", 201, body="deploying often")
    pushed = await push(client, team.human, lib, [binary("deploying-diagram.png", file["id"], "1")])
    page_id = pushed["results"][0]["pageId"]
    url = f"/library/{lib}/search"
    found = data(await client.post(url, json={"query": "deploying"}, headers=team.human.headers))
    assert [hit["path"] for hit in found["results"]] == ["guides/deploying"]
    assert found["total"] == 1

    # A rename keeps the file and the sha.
    renamed = await push(
        client, team.human, lib,
        [{"kind": "rename", "path": "deploying-diagram.png", "newPath": "img/deploying.png"},
         {"kind": "rename", "path": "img/deploying.png", "newPath": "deploying-diagram.png"}],
    )  # fmt: skip
    assert [r["sha"] for r in renamed["results"]] == [pushed["results"][0]["sha"]] * 2

    full = await pull(client, team.human, lib, scope={"includeBinary": True})
    deleted = await push(client, team.human, lib, [{"kind": "delete", "pageId": page_id}])
    assert deleted["results"][0]["status"] == "ok"
    since = await pull(client, team.human, lib, syncClock=full["syncClock"])
    assert [(op["kind"], op["path"]) for op in since["operations"]] == [
        ("delete", "deploying-diagram.png")
    ]
    gone = await client.get(
        f"/library/{lib}/pages/deploying-diagram.png", headers=team.human.headers
    )
    error(gone, 404)

    restored = await client.post(
        f"/library/{lib}/pages/deploying-diagram.png/restore", headers=team.human.headers
    )
    page = data(restored)
    assert page["sha"] == pushed["results"][0]["sha"]
    back = await get_page(client, team.human, lib, "deploying-diagram.png")
    assert back["binary"]["fileId"] == file["id"]


async def test_a_file_deleted_from_the_drive_leaves_the_page_without_a_link(
    client: httpx2.AsyncClient, team: Team
) -> None:
    lib = (await new_library(client, team.human))["id"]
    file = await png(client, team.human)
    await push(client, team.human, lib, [binary("img.png", file["id"], "1")])
    gone = await client.delete(f"/drive/files/{file['id']}", headers=team.human.headers)
    assert gone.status_code == 200, gone.text
    page = await get_page(client, team.human, lib, "img.png")
    assert page["binary"] == {
        "fileId": file["id"], "contentType": None, "sizeBytes": None, "downloadUrl": None
    }  # fmt: skip
    (op,) = (await pull(client, team.human, lib, scope={"includeBinary": True}))["operations"]
    assert (op["kind"], op["fileId"], op["downloadUrl"]) == ("binaryUpsert", file["id"], None)
    # A deleted file cannot be named again.
    again = await push(client, team.human, lib, [binary("other.png", file["id"], "2")])
    assert again["results"][0]["code"] == "binary_file_not_found"


async def test_the_git_mirror_leaves_binary_pages_out_and_a_pull_leaves_them_alone(
    client: httpx2.AsyncClient, team: Team, tmp_path: Path
) -> None:
    remote = bare(tmp_path)
    lib = (await new_library(client, team.admin, "Wiki"))["id"]
    await put_page(client, team.admin, lib, "guides/intro", 201, body="# Intro\n")
    file = await png(client, team.admin)
    await push(client, team.admin, lib, [binary("assets/diagram.png", file["id"], "1")])
    url = f"/library/{lib}/git-mirror"
    configured = await client.put(url, json={"remote": remote}, headers=team.admin.headers)
    assert configured.status_code == 201, configured.text

    pushed = data(await client.post(f"{url}/push", headers=team.admin.headers))
    assert (pushed["pushed"], pushed["pageCount"]) == (True, 1)
    assert sorted(files_of(remote)) == ["guides/intro.md"]
    plan = data(await client.post(f"{url}/pull/plan", headers=team.admin.headers))
    assert (plan["added"], plan["modified"], plan["deleted"]) == ([], [], [])
    page = await get_page(client, team.admin, lib, "assets/diagram.png")
    assert page["binary"]["fileId"] == file["id"]


def test_a_file_larger_than_a_page_size_column_keeps_its_own_sha() -> None:
    huge = BinaryFile.of("f", 3 * 2**31)
    assert huge.size_bytes == MAX_STORED_SIZE
    assert huge.sha != BinaryFile.of("f", MAX_STORED_SIZE).sha
    assert BinaryFile.of("f", 5).sha != BinaryFile.of("g", 5).sha
