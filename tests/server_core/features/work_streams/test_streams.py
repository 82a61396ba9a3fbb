"""Work streams over REST: starting one (its status message posted to its channel), who may
see it, listing with filters, renaming, and bad input refused with the spec's error shape."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from server_core.features.work_streams.events import WorkStreamChanged
from tests.helpers import data, error
from tests.server_core.features.messaging.team import Team
from tests.server_core.features.work_streams.streams import (
    messages,
    patch,
    start,
    status_message,
    task,
)

pytestmark = [pytest.mark.anyio, pytest.mark.both_engines]


async def test_a_stream_starts_running_and_posts_its_status_to_the_channel(
    client: httpx2.AsyncClient, team: Team, captured_events: Any
) -> None:
    channel = await team.channel(client)
    linked = await task(client, team.admin, assigneeIds=[team.bot.id])
    async with captured_events() as captured:
        stream = await start(
            client,
            team.bot,
            taskId=linked["key"],
            channelId=channel["id"],
            onComplete={"autoAdvance": True, "notify": True},
        )
    assert (stream["status"], stream["principalId"], stream["runnerType"]) == (
        "running",
        team.bot.id,
        "claude-code",
    )
    assert (stream["taskId"], stream["channelId"]) == (linked["id"], channel["id"])
    assert stream["onComplete"] == {"autoAdvance": True, "notify": True}
    assert (stream["lastSeq"], stream["resultSummary"], stream["finishedAt"]) == (0, None, None)
    posted = await status_message(client, team.human, channel["id"])
    assert posted["kind"] == "system"
    assert posted["id"] == stream["messageId"]
    assert posted["senderId"] == team.bot.id
    assert posted["metadata"]["workStreamId"] == stream["id"]
    assert posted["metadata"]["status"] == "running"
    assert posted["plaintext"].startswith("▶️ Work stream started: Implement auth middleware")
    assert f"Task: {linked['key']} Auth middleware" in posted["plaintext"]
    [published] = captured.of(WorkStreamChanged)
    assert published.action == "created"
    assert published.route.channel_id == channel["id"]
    assert published.work_stream.message_id == posted["id"]


async def test_the_workspace_sees_streams_without_a_channel_and_members_see_a_channels(
    client: httpx2.AsyncClient, team: Team
) -> None:
    private = await team.channel(client, members=(team.admin, team.bot), name="private")
    open_stream = await start(client, team.bot, title="Open work")
    hidden = await start(client, team.bot, title="Private work", channelId=private["id"])
    seen = data(await client.get("/work-streams", headers=team.human.headers))
    assert [s["title"] for s in seen] == ["Open work"]
    refused = await client.get(f"/work-streams/{hidden['id']}", headers=team.human.headers)
    assert error(refused, 404)["code"] == "not_found"
    everything = data(await client.get("/work-streams", headers=team.admin.headers))
    assert [s["title"] for s in everything] == ["Private work", "Open work"]  # newest first
    got = data(await client.get(f"/work-streams/{open_stream['id']}", headers=team.human.headers))
    assert got == open_stream


async def test_listing_filters_by_status_task_and_channel(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client)
    linked = await task(client, team.admin)
    first = await start(client, team.bot, title="First", taskId=linked["id"])
    await start(client, team.bot, title="Second", channelId=channel["id"])
    await patch(client, team.bot, first["id"], status="failed")

    async def titles(**params: Any) -> list[str]:
        listed = data(await client.get("/work-streams", params=params, headers=team.human.headers))
        return [s["title"] for s in listed]

    assert await titles(status="failed") == ["First"]
    assert await titles(status="running") == ["Second"]
    assert await titles(taskId=linked["key"]) == ["First"]
    assert await titles(channelId=channel["id"]) == ["Second"]
    assert await titles(taskId="T-999") == []
    assert await titles(limit=1) == ["Second"]
    bad = await client.get("/work-streams", params={"status": "paused"}, headers=team.bot.headers)
    assert error(bad, 400)["code"] == "validation_error"


async def test_starting_needs_a_visible_task_and_membership_of_the_channel(
    client: httpx2.AsyncClient, team: Team
) -> None:
    private = await team.channel(client, members=(team.admin, team.human), name="humans")
    outsider = await start(client, team.bot, 403, channelId=private["id"])
    assert outsider["code"] == "not_channel_member"
    missing = await start(client, team.bot, 404, taskId="T-404")
    assert missing["code"] == "not_found"
    stranger = await start(
        client,
        team.bot,
        404,
        onComplete={"notify": {"principalIds": ["00000000-0000-4000-8000-000000000000"]}},
    )
    assert stranger["code"] == "not_found"
    no_task = await start(client, team.bot, 400, onComplete={"autoAdvance": True})
    assert no_task["code"] == "validation_error"
    archived = await team.channel(client, name="old")
    url = f"/channels/{archived['id']}"
    data(await client.patch(url, json={"isArchived": True}, headers=team.admin.headers))
    closed = await start(client, team.bot, 409, channelId=archived["id"])
    assert closed["code"] == "channel_archived"
    assert data(await client.get("/work-streams", headers=team.admin.headers)) == []
    shown = await messages(client, team.admin, private["id"])
    assert [m for m in shown if "workStreamId" in m["metadata"]] == []  # nothing half-made


async def test_bad_input_is_refused(client: httpx2.AsyncClient, team: Team) -> None:
    for body in (
        {"title": "No runner"},
        {"runnerType": "x"},
        {"runnerType": "x", "title": "   "},
        {"runnerType": "x" * 65, "title": "Too long a runner"},
        {"runnerType": "x", "title": "NUL \x00"},
        {"runnerType": "x", "title": "t", "onComplete": {"notify": {"principalIds": []}}},
        {"runnerType": "x", "title": "t", "onComplete": {"notify": "everyone"}},
    ):
        response = await client.post("/work-streams", json=body, headers=team.bot.headers)
        assert error(response, 400)["code"] == "validation_error", body
    anonymous = await client.post("/work-streams", json={"runnerType": "x", "title": "t"})
    assert error(anonymous, 401)["code"] == "unauthorized"
    assert error(await client.get("/work-streams/nope", headers=team.bot.headers), 404)


async def test_the_owner_or_an_admin_renames_a_stream_and_its_message_follows(
    client: httpx2.AsyncClient, team: Team, captured_events: Any
) -> None:
    channel = await team.channel(client)
    stream = await start(client, team.bot, channelId=channel["id"])
    refused = await patch(client, team.other_bot, stream["id"], 403, title="Mine")
    assert refused["code"] == "forbidden"
    async with captured_events() as captured:
        renamed = await patch(client, team.admin, stream["id"], title="Auth middleware, take 2")
    assert (renamed["title"], renamed["status"]) == ("Auth middleware, take 2", "running")
    assert [e.action for e in captured.of(WorkStreamChanged)] == ["updated"]
    posted = await status_message(client, team.bot, channel["id"])
    assert posted["plaintext"].startswith("▶️ Work stream started: Auth middleware, take 2")
    assert posted["isEdited"] is True
    unchanged = await patch(client, team.bot, stream["id"])
    assert unchanged == renamed
