"""Bad input to the upload flow: odd file names, the wrong field names, too large, and a
registration that does not match its upload, comes first or is someone else's."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from tests.helpers import data, error
from tests.server_core.features.drive.conftest import put, upload_url
from tests.server_core.features.messaging.team import Team

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    "name",
    ["a/b.txt", "../etc/passwd", "..", ".", "a\x00.txt", "a\\b", "line\nbreak", "", "x" * 256],
)
async def test_file_names_that_are_not_one_plain_name_are_refused(
    client: httpx2.AsyncClient, team: Team, name: str
) -> None:
    body = {"fileName": name, "contentType": "text/plain", "size": 1}
    response = await client.post("/drive/files/upload-url", json=body, headers=team.bot.headers)
    error(response, 400, "validation_error")


@pytest.mark.parametrize(
    "body",
    [
        {"name": "a.txt", "contentType": "text/plain", "size": 1},
        {"fileName": "a.txt", "mimeType": "text/plain", "size": 1},
        {"fileName": "a.txt", "contentType": "not a type", "size": 1},
        {"fileName": "a.txt", "contentType": "text/plain", "size": -1},
        {"fileName": "a.txt", "contentType": "text/plain"},
    ],
)
async def test_upload_url_bodies_the_spec_does_not_allow_are_refused(
    client: httpx2.AsyncClient, team: Team, body: dict[str, Any]
) -> None:
    response = await client.post("/drive/files/upload-url", json=body, headers=team.bot.headers)
    error(response, 400, "validation_error")


async def test_files_above_the_size_limit_get_no_upload_url(
    client: httpx2.AsyncClient, team: Team
) -> None:
    body = {
        "fileName": "big.iso",
        "contentType": "application/octet-stream",
        "size": 100 * 2**20 + 1,
    }
    response = await client.post("/drive/files/upload-url", json=body, headers=team.bot.headers)
    error(response, 413, "file_too_large")
    body["size"] = 100 * 2**20
    data(await client.post("/drive/files/upload-url", json=body, headers=team.bot.headers))


def registration(issued: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {
        "fileId": issued["fileId"],
        "s3Key": issued["s3Key"],
        "fileName": "report.pdf",
        "contentType": "application/pdf",
        "size": 5,
        **changes,
    }


async def test_registering_needs_the_callers_complete_matching_upload(
    client: httpx2.AsyncClient, team: Team
) -> None:
    issued = await upload_url(client, team.bot)
    body = registration(issued)
    error(
        await client.post("/drive/files", json=body, headers=team.bot.headers),
        409,
        "upload_incomplete",
    )
    assert (await put(client, issued["uploadUrl"], b"%PDF-")).status_code == 200
    error(
        await client.post("/drive/files", json=body, headers=team.other_bot.headers),
        403,
        "not_your_upload",
    )
    for changes in (
        {"size": 6},
        {"fileName": "other.pdf"},
        {"contentType": "text/plain"},
        {"s3Key": "drive/x/y/z"},
    ):
        response = await client.post(
            "/drive/files", json=registration(issued, **changes), headers=team.bot.headers
        )
        error(response, 400, "upload_mismatch")
    unknown = registration(issued, fileId="01912345-abcd-7000-8000-000000000009")
    error(
        await client.post("/drive/files", json=unknown, headers=team.bot.headers),
        404,
        "upload_not_found",
    )
    error(
        await client.post(
            "/drive/files", json=registration(issued, fileId="nope"), headers=team.bot.headers
        ),
        404,
    )
    not_mine = registration(issued, folderId="01912345-abcd-7000-8000-000000000009")
    error(await client.post("/drive/files", json=not_mine, headers=team.bot.headers), 404)
    data(await client.post("/drive/files", json=body, headers=team.bot.headers), 201)
    assert data(await client.get("/drive/files", headers=team.other_bot.headers)) == []


async def test_registering_into_a_channel_needs_membership(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client, members=(team.admin, team.human))
    issued = await upload_url(client, team.bot)
    assert (await put(client, issued["uploadUrl"], b"%PDF-")).status_code == 200
    body = registration(issued, channelId=channel["id"])
    error(await client.post("/drive/files", json=body, headers=team.bot.headers), 403)
    # Refused as a whole: the upload can still be registered.
    data(
        await client.post("/drive/files", json=registration(issued), headers=team.bot.headers), 201
    )


@pytest.mark.parametrize(
    "query", [{"sortBy": "owner"}, {"sortOrder": "up"}, {"limit": "0"}, {"channelId": "a\x00"}]
)
async def test_bad_list_queries_are_refused(
    client: httpx2.AsyncClient, team: Team, query: dict[str, str]
) -> None:
    error(await client.get("/drive/files", params=query, headers=team.bot.headers), 400)
