"""Drive files attached to messages: the sender's own files only, at most 20, shown in
`metadata.attachments[]` with a download link signed at read time, readable by the channel."""

from __future__ import annotations

import httpx2
import pytest

from tests.helpers import data, error
from tests.server_core.features.drive.conftest import download, upload
from tests.server_core.features.messaging.team import Team, send

pytestmark = pytest.mark.anyio


@pytest.mark.both_engines
async def test_attachments_show_in_history_with_a_working_download_url(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client, members=(team.admin, team.bot, team.human))
    first = await upload(client, team.bot, b"one", "one.txt", "text/plain")
    second = await upload(client, team.bot, b"two!", "two.png", "image/png")
    sent = data(
        await send(
            client,
            channel["id"],
            team.bot,
            "files",
            kind="attachment",
            attachmentIds=[second["id"], first["id"]],
        ),
        201,
    )
    assert [a["id"] for a in sent["metadata"]["attachments"]] == [second["id"], first["id"]]
    history = data(
        await client.get(f"/channels/{channel['id']}/messages", headers=team.human.headers)
    )
    shown = history[-1]["metadata"]["attachments"]
    assert shown[0] == {
        "id": second["id"],
        "fileName": "two.png",
        "name": "two.png",
        "contentType": "image/png",
        "size": 4,
        "s3Key": second["s3Key"],
        "downloadUrl": shown[0]["downloadUrl"],
    }
    assert (await client.get(shown[0]["downloadUrl"])).content == b"two!"
    assert (await client.get(shown[1]["downloadUrl"])).content == b"one"
    # Members of the channel may now read the files through the drive too.
    assert await download(client, team.human, first["id"]) == b"one"
    error(await client.get(f"/drive/files/{first['id']}", headers=team.other_bot.headers), 404)


async def test_a_deleted_file_shows_without_a_download_url(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client)
    file = await upload(client, team.bot)
    data(await send(client, channel["id"], team.bot, "f", attachmentIds=[file["id"]]), 201)
    data(await client.delete(f"/drive/files/{file['id']}", headers=team.bot.headers))
    history = data(
        await client.get(f"/channels/{channel['id']}/messages", headers=team.human.headers)
    )
    assert history[-1]["metadata"]["attachments"][0]["downloadUrl"] is None


async def test_only_the_uploader_attaches_a_file(client: httpx2.AsyncClient, team: Team) -> None:
    channel = await team.channel(client)
    file = await upload(client, team.bot, channelId=channel["id"])
    response = await send(client, channel["id"], team.human, "mine now", attachmentIds=[file["id"]])
    error(response, 403, "not_your_file")
    history = data(
        await client.get(f"/channels/{channel['id']}/messages", headers=team.human.headers)
    )
    assert history == []


async def test_at_most_twenty_attachments(client: httpx2.AsyncClient, team: Team) -> None:
    channel = await team.channel(client)
    files = [await upload(client, team.bot, b"x", f"f{n}.txt", "text/plain") for n in range(21)]
    ids = [file["id"] for file in files]
    error(
        await send(client, channel["id"], team.bot, "too many", attachmentIds=ids),
        400,
        "validation_error",
    )
    sent = data(await send(client, channel["id"], team.bot, "enough", attachmentIds=ids[:20]), 201)
    assert len(sent["metadata"]["attachments"]) == 20


async def test_saving_needs_the_attachment_in_that_channel_and_membership(
    client: httpx2.AsyncClient, team: Team
) -> None:
    here = await team.channel(client, members=(team.admin, team.bot, team.human))
    elsewhere = await team.channel(client, members=(team.admin, team.human, team.other_bot))
    file = await upload(client, team.bot)
    data(await send(client, here["id"], team.bot, "f", attachmentIds=[file["id"]]), 201)
    wrong_channel = {"attachmentId": file["id"], "channelId": elsewhere["id"]}
    error(
        await client.post(
            "/drive/files/save-from-channel", json=wrong_channel, headers=team.human.headers
        ),
        404,
    )
    not_member = {"attachmentId": file["id"], "channelId": here["id"]}
    error(
        await client.post(
            "/drive/files/save-from-channel", json=not_member, headers=team.other_bot.headers
        ),
        403,
    )
    no_message_id = {"messageId": file["id"], "channelId": here["id"]}
    error(
        await client.post(
            "/drive/files/save-from-channel", json=no_message_id, headers=team.human.headers
        ),
        400,
    )
