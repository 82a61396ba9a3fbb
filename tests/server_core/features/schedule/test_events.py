"""Schedule events over REST: creating one-shot and recurring events, listing yours, the
workspace's and a channel's members', changing, pausing and deleting them (owner and admins
only), and the `schedule` events they publish."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from server_core.features.schedule.events import ScheduleChanged
from tests.helpers import data, error
from tests.server_core.features.messaging.team import Member, Team

pytestmark = pytest.mark.anyio

STANDUP = {
    "title": "Daily standup",
    "description": "Review priorities for the day",
    "cronExpression": "0 9 * * 1-5",
    "timezone": "America/Los_Angeles",
    "startsAt": "2027-03-01T00:00:00Z",
    "metadata": {"source": "manual"},
}


async def create(
    client: httpx2.AsyncClient, who: Member, status: int = 201, **body: Any
) -> dict[str, Any]:
    response = await client.post("/schedule", json=body, headers=who.headers)
    found: dict[str, Any] = data(response, 201) if status == 201 else error(response, status)
    return found


@pytest.mark.both_engines
async def test_a_recurring_event_gets_its_next_occurrence_from_the_cron_in_its_zone(
    client: httpx2.AsyncClient, team: Team, captured_events: Any
) -> None:
    async with captured_events() as captured:
        event = await create(client, team.bot, **STANDUP, assigneeIds=[team.admin.id])
    # Monday 2027-03-01, 09:00 in Los Angeles (PST, UTC-8) is 17:00 UTC.
    assert event["nextOccurrenceAt"] == "2027-03-01T17:00:00.000Z"
    assert (event["status"], event["occurrenceCount"], event["principalId"]) == (
        "active",
        0,
        team.bot.id,
    )
    assert event["assigneeIds"] == [team.admin.id]
    assert event["notifyMinutesBefore"] == 0
    assert event["notifyChannelId"] is None
    [published] = captured.of(ScheduleChanged)
    assert published.action == "created"
    assert published.event.owner.handle == team.bot.handle


@pytest.mark.both_engines
async def test_only_a_title_is_needed_and_a_one_shot_event_is_at_its_time(
    client: httpx2.AsyncClient, team: Team
) -> None:
    bare = await create(client, team.bot, title="Think")
    assert (bare["cronExpression"], bare["timezone"], bare["nextOccurrenceAt"]) == (
        None,
        "UTC",
        None,
    )
    once = await create(client, team.bot, title="Deploy", nextOccurrenceAt="2027-05-01T12:00:00Z")
    assert once["nextOccurrenceAt"] == "2027-05-01T12:00:00.000Z"
    mine = data(await client.get("/schedule", headers=team.bot.headers))
    assert [e["title"] for e in mine] == ["Deploy", "Think"]  # soonest first, then the rest
    windowed = data(
        await client.get(
            "/schedule",
            params={"from": "2027-04-30T00:00:00Z", "to": "2027-05-02T00:00:00Z"},
            headers=team.bot.headers,
        )
    )
    assert [e["title"] for e in windowed] == ["Deploy"]
    assert data(await client.get("/schedule", headers=team.human.headers)) == []


@pytest.mark.both_engines
async def test_bad_timing_is_refused_with_its_own_code(
    client: httpx2.AsyncClient, team: Team
) -> None:
    cron = await create(client, team.bot, 400, title="x", cronExpression="0 9 * *")
    assert cron["code"] == "invalid_cron_expression"
    cron = await create(client, team.bot, 400, title="x", cronExpression="61 9 * * *")
    assert cron["code"] == "invalid_cron_expression"
    zone = await create(
        client, team.bot, 400, title="x", cronExpression="0 9 * * *", timezone="Mars/Base"
    )
    assert zone["code"] == "invalid_timezone"
    untitled = await create(client, team.bot, 400, description="no title")
    assert untitled["code"] == "validation_error"
    stranger = await create(
        client, team.bot, 404, title="x", assigneeIds=["00000000-0000-4000-8000-000000000000"]
    )
    assert stranger["code"] == "not_found"
    assert data(await client.get("/schedule", headers=team.bot.headers)) == []  # nothing half-made


@pytest.mark.both_engines
async def test_an_external_id_names_one_event_of_its_owner(
    client: httpx2.AsyncClient, team: Team
) -> None:
    job = {"title": "Nightly", "cronExpression": "0 2 * * *", "externalId": "cron-nightly"}
    first = await create(client, team.bot, **job)
    again = await create(client, team.bot, 409, **job)
    assert again["code"] == "external_id_taken"
    # Another principal's events are its own namespace.
    await create(client, team.human, **job)
    # Renaming another event onto a taken externalId is refused; keeping its own is not.
    other = await create(client, team.bot, title="Other", externalId="cron-other")
    renamed = await client.patch(
        f"/schedule/{other['id']}", json={"externalId": "cron-nightly"}, headers=team.bot.headers
    )
    assert error(renamed, 409)["code"] == "external_id_taken"
    kept = {"externalId": "cron-nightly", "title": "Nightly backup"}
    same = await client.patch(f"/schedule/{first['id']}", json=kept, headers=team.bot.headers)
    assert data(same)["title"] == "Nightly backup"
    mine = data(await client.get("/schedule", headers=team.bot.headers))
    assert sorted(event["externalId"] for event in mine) == ["cron-nightly", "cron-other"]


@pytest.mark.both_engines
async def test_the_owner_or_an_admin_changes_an_event_and_a_pause_is_announced(
    client: httpx2.AsyncClient, team: Team, captured_events: Any
) -> None:
    event = await create(client, team.bot, **STANDUP)
    path = f"/schedule/{event['id']}"
    refused = await client.patch(path, json={"title": "Mine now"}, headers=team.human.headers)
    assert error(refused, 403)["code"] == "forbidden"
    moved = data(
        await client.patch(path, json={"cronExpression": "0 10 * * 1-5"}, headers=team.bot.headers)
    )
    assert moved["nextOccurrenceAt"] == "2027-03-01T18:00:00.000Z"
    assert moved["title"] == "Daily standup"  # what was not sent stays
    async with captured_events() as captured:
        paused = data(
            await client.patch(path, json={"status": "paused"}, headers=team.admin.headers)
        )
    assert paused["status"] == "paused"
    assert [e.action for e in captured.of(ScheduleChanged)] == ["paused"]
    gone = data(await client.delete(path, headers=team.bot.headers))
    assert gone["id"] == event["id"]
    assert error(await client.delete(path, headers=team.bot.headers), 404)["code"] == "not_found"


@pytest.mark.both_engines
async def test_the_workspace_and_a_channel_show_events_with_their_owners(
    client: httpx2.AsyncClient, team: Team
) -> None:
    await create(client, team.bot, title="Bot job", nextOccurrenceAt="2027-01-01T00:00:00Z")
    await create(client, team.human, title="Human meeting", assigneeIds=[team.other_bot.id])
    await create(client, team.admin, title="Admin review")
    everyone = data(await client.get("/schedule/workspace", headers=team.other_bot.headers))
    assert {(e["title"], e["owner"]["handle"]) for e in everyone} == {
        ("Bot job", team.bot.handle),
        ("Human meeting", team.human.handle),
        ("Admin review", team.admin.handle),
    }
    channel = await team.channel(client, members=(team.admin, team.other_bot), name="ops")
    shown = data(await client.get(f"/schedule/channel/{channel['id']}", headers=team.admin.headers))
    # The admin owns one; the other bot is assigned to the human's.
    assert sorted(e["title"] for e in shown) == ["Admin review", "Human meeting"]
    outsider = await client.get(f"/schedule/channel/{channel['id']}", headers=team.bot.headers)
    assert error(outsider, 403)["code"] == "not_channel_member"
