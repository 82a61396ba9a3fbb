"""Who may read and change a file, from a table: its uploader, workspace admins, and members
of a channel it is tagged to or attached in; nobody else (404, as if it did not exist)."""

from __future__ import annotations

import httpx2
import pytest

from tests.helpers import data
from tests.server_core.features.drive.conftest import upload
from tests.server_core.features.messaging.team import Member, Team, send

pytestmark = pytest.mark.anyio

# (how the file is shared, who asks) → may read, may change
ACCESS = [
    ("private", "bot", True, True),
    ("private", "admin", True, True),
    ("private", "human", False, False),
    ("private", "other_bot", False, False),
    ("tagged", "human", True, False),
    ("tagged", "other_bot", False, False),
    ("attached", "human", True, False),
    ("attached", "other_bot", False, False),
]


def member(team: Team, name: str) -> Member:
    found: Member = getattr(team, name)
    return found


@pytest.mark.parametrize(("shared", "who", "reads", "changes"), ACCESS)
async def test_access_to_a_file(
    client: httpx2.AsyncClient, team: Team, shared: str, who: str, reads: bool, changes: bool
) -> None:
    channel = await team.channel(client, members=(team.admin, team.bot, team.human))
    file = await upload(client, team.bot)
    if shared == "tagged":
        body = {"channelId": channel["id"]}
        data(
            await client.post(
                f"/drive/files/{file['id']}/channels", json=body, headers=team.bot.headers
            )
        )
    if shared == "attached":
        data(await send(client, channel["id"], team.bot, "see", attachmentIds=[file["id"]]), 201)
    asker = member(team, who).headers
    fid = file["id"]
    expected = 200 if reads else 404
    assert (await client.get(f"/drive/files/{fid}", headers=asker)).status_code == expected
    link = await client.get(f"/drive/files/{fid}/download-url", headers=asker)
    assert link.status_code == expected
    listed = data(await client.get("/drive/files", headers=asker))
    assert (fid in [f["id"] for f in listed]) is reads
    if reads:
        assert (await client.get(link.json()["data"]["downloadUrl"])).content == b"%PDF-"
    change = await client.patch(f"/drive/files/{fid}", json={"description": "x"}, headers=asker)
    assert change.status_code == (200 if changes else 403 if reads else 404)
    remove = await client.delete(f"/drive/files/{fid}", headers=asker)
    assert remove.status_code == (200 if changes else 403 if reads else 404)


async def test_tagging_needs_the_file_to_be_yours_and_the_channel_to_be_yours(
    client: httpx2.AsyncClient, team: Team
) -> None:
    outside = await team.channel(client, owner=team.admin, members=(team.admin, team.human))
    inside = await team.channel(client, members=(team.admin, team.bot, team.human))
    file = await upload(client, team.bot, channelId=inside["id"])
    # The bot is not in `outside`; the human may read the file but it is not theirs.
    response = await client.post(
        f"/drive/files/{file['id']}/channels",
        json={"channelId": outside["id"]},
        headers=team.bot.headers,
    )
    assert response.status_code == 403
    response = await client.post(
        f"/drive/files/{file['id']}/channels",
        json={"channelId": outside["id"]},
        headers=team.human.headers,
    )
    assert response.status_code == 403
    response = await client.delete(
        f"/drive/files/{file['id']}/channels/{inside['id']}", headers=team.human.headers
    )
    assert response.status_code == 403
    listed = data(
        await client.get(
            "/drive/files", params={"channelId": outside["id"]}, headers=team.human.headers
        )
    )
    assert listed == []
    response = await client.get(
        "/drive/files", params={"channelId": outside["id"]}, headers=team.bot.headers
    )
    assert response.status_code == 403
