"""The workspace's drive quota: issued uploads and live files count, deleted ones do not,
and a file that would not fit gets no upload URL and is not saved from a channel."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from tests.helpers import data, error
from tests.server_core.features.drive.conftest import upload, upload_url
from tests.server_core.features.messaging.team import Team, send

pytestmark = pytest.mark.anyio

QUOTA = 20


@pytest.fixture
def settings_overrides(settings_overrides: dict[str, Any]) -> dict[str, Any]:
    return {**settings_overrides, "drive_workspace_quota_bytes": QUOTA}


async def test_issued_uploads_and_live_files_count_and_deleted_files_do_not(
    client: httpx2.AsyncClient, team: Team
) -> None:
    await upload_url(client, team.bot, size=12)  # issued, bytes not sent: still counts
    body = {"fileName": "b.txt", "contentType": "text/plain", "size": 9}
    refused = await client.post("/drive/files/upload-url", json=body, headers=team.bot.headers)
    assert "12 of its 20 bytes" in error(refused, 413, "quota_exceeded")["error"]
    body["size"] = 8
    data(await client.post("/drive/files/upload-url", json=body, headers=team.human.headers))
    body["size"] = 1  # the whole workspace shares the quota, whoever uploads
    error(
        await client.post("/drive/files/upload-url", json=body, headers=team.human.headers),
        413,
        "quota_exceeded",
    )


async def test_deleting_a_file_makes_room(client: httpx2.AsyncClient, team: Team) -> None:
    stored = await upload(client, team.bot, b"0123456789" * 2, name="full.bin")
    body = {"fileName": "next.bin", "contentType": "application/octet-stream", "size": 1}
    error(
        await client.post("/drive/files/upload-url", json=body, headers=team.bot.headers),
        413,
        "quota_exceeded",
    )
    data(await client.delete(f"/drive/files/{stored['id']}", headers=team.bot.headers))
    data(await client.post("/drive/files/upload-url", json=body, headers=team.bot.headers))


async def test_a_copy_from_a_channel_that_would_not_fit_is_not_saved(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client)
    file = await upload(client, team.bot, b"twelve bytes", "notes.txt", "text/plain")
    data(await send(client, channel["id"], team.bot, "see", attachmentIds=[file["id"]]), 201)
    body = {"attachmentId": file["id"], "channelId": channel["id"]}
    error(
        await client.post("/drive/files/save-from-channel", json=body, headers=team.human.headers),
        413,
        "quota_exceeded",
    )
    listed = data(await client.get("/drive/files", headers=team.human.headers))
    assert [each for each in listed if each["uploadedBy"] == team.human.id] == []
