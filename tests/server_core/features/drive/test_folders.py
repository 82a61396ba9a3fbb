"""Folders: each principal's own, nested without cycles, deleted only when empty."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from tests.helpers import data, error
from tests.server_core.features.drive.conftest import upload
from tests.server_core.features.messaging.team import Member, Team

pytestmark = pytest.mark.anyio


async def folder(
    client: httpx2.AsyncClient, who: Member, name: str, parent: str | None = None
) -> dict[str, Any]:
    body = {"name": name, **({"parentId": parent} if parent else {})}
    made: dict[str, Any] = data(
        await client.post("/drive/folders", json=body, headers=who.headers), 201
    )
    return made


@pytest.mark.both_engines
async def test_folders_nest_list_rename_move_and_delete(
    client: httpx2.AsyncClient, team: Team
) -> None:
    top = await folder(client, team.bot, "Projects")
    child = await folder(client, team.bot, "Alpha", top["id"])
    assert child["parentId"] == top["id"]
    assert child["ownerId"] == team.bot.id

    async def names(**query: str) -> list[str]:
        found = data(await client.get("/drive/folders", params=query, headers=team.bot.headers))
        return [f["name"] for f in found]

    assert await names() == ["Alpha", "Projects"]
    assert await names(parentId="root") == ["Projects"]
    assert await names(parentId=top["id"]) == ["Alpha"]
    assert data(await client.get("/drive/folders", headers=team.human.headers)) == []
    renamed = data(
        await client.patch(
            f"/drive/folders/{child['id']}", json={"name": "Beta"}, headers=team.bot.headers
        )
    )
    assert (renamed["name"], renamed["parentId"]) == ("Beta", top["id"])
    moved = data(
        await client.patch(
            f"/drive/folders/{child['id']}", json={"parentId": None}, headers=team.bot.headers
        )
    )
    assert moved["parentId"] is None
    data(await client.delete(f"/drive/folders/{top['id']}", headers=team.bot.headers))
    assert await names() == ["Beta"]


async def test_a_folder_cannot_move_under_itself_or_its_descendants(
    client: httpx2.AsyncClient, team: Team
) -> None:
    a = await folder(client, team.bot, "A")
    b = await folder(client, team.bot, "B", a["id"])
    c = await folder(client, team.bot, "C", b["id"])
    for target in (a, b, c):
        response = await client.patch(
            f"/drive/folders/{a['id']}", json={"parentId": target["id"]}, headers=team.bot.headers
        )
        error(response, 400, "folder_cycle")
    # Sideways is fine.
    d = await folder(client, team.bot, "D")
    data(
        await client.patch(
            f"/drive/folders/{d['id']}", json={"parentId": c["id"]}, headers=team.bot.headers
        )
    )


async def test_a_folder_with_files_or_folders_is_not_deleted(
    client: httpx2.AsyncClient, team: Team
) -> None:
    parent = await folder(client, team.bot, "Parent")
    child = await folder(client, team.bot, "Child", parent["id"])
    error(
        await client.delete(f"/drive/folders/{parent['id']}", headers=team.bot.headers),
        409,
        "folder_not_empty",
    )
    file = await upload(client, team.bot, folderId=child["id"])
    error(
        await client.delete(f"/drive/folders/{child['id']}", headers=team.bot.headers),
        409,
        "folder_not_empty",
    )
    data(await client.delete(f"/drive/files/{file['id']}", headers=team.bot.headers))
    data(await client.delete(f"/drive/folders/{child['id']}", headers=team.bot.headers))
    data(await client.delete(f"/drive/folders/{parent['id']}", headers=team.bot.headers))


async def test_someone_elses_folder_is_not_found(client: httpx2.AsyncClient, team: Team) -> None:
    mine = await folder(client, team.bot, "Mine")
    theirs = team.other_bot.headers
    error(
        await client.patch(f"/drive/folders/{mine['id']}", json={"name": "x"}, headers=theirs), 404
    )
    error(await client.delete(f"/drive/folders/{mine['id']}", headers=theirs), 404)
    error(
        await client.post(
            "/drive/folders", json={"name": "x", "parentId": mine["id"]}, headers=theirs
        ),
        404,
    )
    error(await client.get("/drive/folders", params={"parentId": mine["id"]}, headers=theirs), 404)
    their_file = await upload(client, team.other_bot)
    moved = {"folderId": mine["id"]}
    error(await client.patch(f"/drive/files/{their_file['id']}", json=moved, headers=theirs), 404)


@pytest.mark.parametrize("name", ["", "a/b", "..", ".", "a\x00b", "x" * 256])
async def test_bad_folder_names_are_refused(
    client: httpx2.AsyncClient, team: Team, name: str
) -> None:
    error(
        await client.post("/drive/folders", json={"name": name}, headers=team.bot.headers),
        400,
        "validation_error",
    )
