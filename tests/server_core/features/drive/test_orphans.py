"""Uploads never registered are removed after a day, bytes and all; registered ones stay."""

from __future__ import annotations

from datetime import timedelta

import httpx2
import pytest

from server_core.config import Settings
from server_core.features.drive.orphans import remove_orphans
from server_core.kernel.clock import utcnow
from server_core.kernel.platform import Platform
from tests.helpers import data, error
from tests.server_core.blob_stores import stored_bytes
from tests.server_core.features.drive.conftest import download, put, upload, upload_url
from tests.server_core.features.messaging.team import Team

pytestmark = [pytest.mark.anyio, pytest.mark.both_engines]


async def test_orphaned_uploads_are_removed_after_a_day(
    client: httpx2.AsyncClient, team: Team, platform: Platform, settings: Settings
) -> None:
    kept = await upload(client, team.bot, b"kept!")
    issued = await upload_url(client, team.bot)
    assert (await put(client, issued["uploadUrl"], b"%PDF-")).status_code == 200
    assert await stored_bytes(settings, issued["s3Key"]) == b"%PDF-"
    assert await remove_orphans(platform) == 0  # not a day old yet
    assert await remove_orphans(platform, utcnow() + timedelta(days=1, seconds=1)) == 1
    assert await stored_bytes(settings, issued["s3Key"]) is None
    body = {
        "fileId": issued["fileId"],
        "s3Key": issued["s3Key"],
        "fileName": "report.pdf",
        "contentType": "application/pdf",
        "size": 5,
    }
    error(
        await client.post("/drive/files", json=body, headers=team.bot.headers),
        404,
        "upload_not_found",
    )
    assert await download(client, team.bot, kept["id"]) == b"kept!"
    assert (
        data(await client.get(f"/drive/files/{kept['id']}", headers=team.bot.headers))["size"] == 5
    )
