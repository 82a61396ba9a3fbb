"""Every file operation on both engines: register, list with filters and sorts, get with
channels and activity, update, soft delete, tag and untag, save from a channel."""

from __future__ import annotations

import httpx2
import pytest

from server_core.config import Settings
from tests.helpers import data, error
from tests.server_core.blob_stores import stored_bytes
from tests.server_core.features.drive.conftest import download, put, upload, upload_url
from tests.server_core.features.messaging.team import Team, send

pytestmark = [pytest.mark.anyio, pytest.mark.both_engines]


async def test_the_upload_flow_registers_a_file_with_the_spec_fields(
    client: httpx2.AsyncClient, team: Team
) -> None:
    issued = await upload_url(client, team.bot, "Report.PDF", 5)
    assert issued["s3Key"] == f"drive/{issued['s3Key'].split('/')[1]}/{issued['fileId']}/Report.PDF"
    assert (await put(client, issued["uploadUrl"], b"%PDF-")).status_code == 200
    body = {
        "fileId": issued["fileId"],
        "s3Key": issued["s3Key"],
        "fileName": "Report.PDF",
        "contentType": "application/pdf",
        "size": 5,
    }
    file = data(await client.post("/drive/files", json=body, headers=team.bot.headers), 201)
    assert file["id"] == issued["fileId"]
    assert file["name"] == "Report.PDF"
    assert file["uploadedBy"] == team.bot.id
    assert file["tags"] == ["pdf", "application"]
    assert file["isDeleted"] is False
    assert file["folderId"] is None
    assert file["description"] is None
    assert set(file) >= {"workspaceId", "s3Key", "contentType", "size", "createdAt", "updatedAt"}
    again = data(await client.post("/drive/files", json=body, headers=team.bot.headers), 200)
    assert again["id"] == file["id"]
    listed = data(await client.get("/drive/files", headers=team.bot.headers))
    assert [f["id"] for f in listed] == [file["id"]]


async def test_the_registered_file_is_answered_as_a_later_read_shows_it(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client)
    folder = data(
        await client.post("/drive/folders", json={"name": "Specs"}, headers=team.bot.headers), 201
    )
    for extra in ({}, {"channelId": channel["id"], "folderId": folder["id"]}):
        registered = await upload(client, team.bot, b"spec", "spec.md", "text/markdown", **extra)
        read = data(await client.get(f"/drive/files/{registered['id']}", headers=team.bot.headers))
        assert {key: read[key] for key in registered} == registered


async def test_files_list_by_channel_and_folder_and_sort(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client)
    folder = data(
        await client.post("/drive/folders", json={"name": "Assets"}, headers=team.bot.headers), 201
    )
    a = await upload(client, team.bot, b"aaaa", "b-file.txt", "text/plain", channelId=channel["id"])
    b = await upload(client, team.bot, b"a", "a-file.png", "image/png", folderId=folder["id"])
    c = await upload(client, team.bot, b"aa", "c-file.json", "application/json")

    async def ids(**query: str) -> list[str]:
        files = data(await client.get("/drive/files", params=query, headers=team.bot.headers))
        return [f["id"] for f in files]

    assert await ids() == [c["id"], b["id"], a["id"]]  # newest first
    assert await ids(sortBy="name", sortOrder="asc") == [b["id"], a["id"], c["id"]]
    assert await ids(sortBy="size", sortOrder="desc") == [a["id"], c["id"], b["id"]]
    assert await ids(sortBy="contentType", sortOrder="asc") == [c["id"], b["id"], a["id"]]
    assert await ids(sortBy="createdAt", sortOrder="asc") == [a["id"], b["id"], c["id"]]
    assert await ids(channelId=channel["id"]) == [a["id"]]
    assert await ids(folderId=folder["id"]) == [b["id"]]
    assert sorted(await ids(folderId="root")) == sorted([a["id"], c["id"]])
    tagged = data(
        await client.get(
            "/drive/files", params={"channelId": channel["id"]}, headers=team.human.headers
        )
    )
    assert tagged[0]["channels"] == [{"id": channel["id"], "name": "general"}]


async def test_get_shows_channels_and_the_activity_newest_first(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client)
    file = await upload(client, team.bot, channelId=channel["id"])
    folder = data(
        await client.post("/drive/folders", json={"name": "F"}, headers=team.bot.headers), 201
    )
    changes = {
        "name": "final.pdf",
        "description": "Q4",
        "tags": ["finance"],
        "folderId": folder["id"],
    }
    updated = data(
        await client.patch(f"/drive/files/{file['id']}", json=changes, headers=team.bot.headers)
    )
    assert (updated["name"], updated["description"], updated["tags"], updated["folderId"]) == (
        "final.pdf",
        "Q4",
        ["finance"],
        folder["id"],
    )
    data(
        await client.delete(
            f"/drive/files/{file['id']}/channels/{channel['id']}", headers=team.bot.headers
        )
    )
    detail = data(await client.get(f"/drive/files/{file['id']}", headers=team.bot.headers))
    assert detail["channels"] == []
    actions = [entry["action"] for entry in detail["activity"]]
    assert actions == ["untagged", "updated", "moved", "renamed", "shared_to_channel", "uploaded"]
    assert detail["activity"][3]["details"] == {"from": "report.pdf", "to": "final.pdf"}
    assert all(entry["actorId"] == team.bot.id for entry in detail["activity"])
    moved_back = data(
        await client.patch(
            f"/drive/files/{file['id']}", json={"folderId": None}, headers=team.bot.headers
        )
    )
    assert moved_back["folderId"] is None


async def test_activity_shows_the_latest_fifty(client: httpx2.AsyncClient, team: Team) -> None:
    file = await upload(client, team.bot)
    for n in range(52):
        body = {"description": f"v{n}"}
        data(await client.patch(f"/drive/files/{file['id']}", json=body, headers=team.bot.headers))
    detail = data(await client.get(f"/drive/files/{file['id']}", headers=team.bot.headers))
    assert len(detail["activity"]) == 50
    assert detail["activity"][-1]["action"] == "updated"


async def test_delete_is_soft_and_hides_the_file(
    client: httpx2.AsyncClient, team: Team, settings: Settings
) -> None:
    file = await upload(client, team.bot)
    deleted = data(await client.delete(f"/drive/files/{file['id']}", headers=team.bot.headers))
    assert deleted["isDeleted"] is True
    assert await stored_bytes(settings, file["s3Key"]) == b"%PDF-"
    assert data(await client.get("/drive/files", headers=team.bot.headers)) == []
    error(await client.get(f"/drive/files/{file['id']}", headers=team.bot.headers), 404)
    error(
        await client.get(f"/drive/files/{file['id']}/download-url", headers=team.bot.headers), 404
    )
    error(await client.delete(f"/drive/files/{file['id']}", headers=team.bot.headers), 404)


async def test_tagging_shares_with_the_channel_and_untagging_stops_it(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client, members=(team.admin, team.bot, team.human))
    file = await upload(client, team.bot)
    error(await client.get(f"/drive/files/{file['id']}", headers=team.human.headers), 404)
    body = {"channelId": channel["id"]}
    tagged = data(
        await client.post(
            f"/drive/files/{file['id']}/channels", json=body, headers=team.bot.headers
        )
    )
    assert [c["id"] for c in tagged["channels"]] == [channel["id"]]
    again = data(
        await client.post(
            f"/drive/files/{file['id']}/channels", json=body, headers=team.bot.headers
        )
    )
    assert len(again["channels"]) == 1
    assert await download(client, team.human, file["id"]) == b"%PDF-"
    error(await client.get(f"/drive/files/{file['id']}", headers=team.other_bot.headers), 404)
    data(
        await client.delete(
            f"/drive/files/{file['id']}/channels/{channel['id']}", headers=team.bot.headers
        )
    )
    error(await client.get(f"/drive/files/{file['id']}", headers=team.human.headers), 404)
    error(
        await client.delete(
            f"/drive/files/{file['id']}/channels/{channel['id']}", headers=team.bot.headers
        ),
        404,
    )


async def test_save_from_channel_copies_an_attachment_into_the_callers_drive(
    client: httpx2.AsyncClient, team: Team, settings: Settings
) -> None:
    channel = await team.channel(client)
    file = await upload(client, team.bot, b"shared bytes", "notes.txt", "text/plain")
    data(await send(client, channel["id"], team.bot, "see", attachmentIds=[file["id"]]), 201)
    body = {"attachmentId": file["id"], "channelId": channel["id"]}
    saved = data(
        await client.post("/drive/files/save-from-channel", json=body, headers=team.human.headers),
        201,
    )
    assert saved["id"] != file["id"]
    assert saved["uploadedBy"] == team.human.id
    assert (saved["name"], saved["size"]) == ("notes.txt", 12)
    assert saved["s3Key"] != file["s3Key"]
    assert await download(client, team.human, saved["id"]) == b"shared bytes"
    detail = data(await client.get(f"/drive/files/{saved['id']}", headers=team.human.headers))
    assert detail["activity"][0]["action"] == "saved_from_channel"
    # The copy is the saver's: deleting the original leaves it.
    data(await client.delete(f"/drive/files/{file['id']}", headers=team.bot.headers))
    assert await download(client, team.human, saved["id"]) == b"shared bytes"
