"""The notifier: a due event wakes its owner (and assignees) once, records the occurrence and
moves on; a cancelled occurrence is skipped but still advances; after downtime it fires once;
two notifiers racing fire each event once. Time is a clock the tests hold."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2
import pytest

from server_core.features.schedule.notifier import ScheduleNotifier
from server_core.kernel.platform import Platform
from tests.helpers import data
from tests.server_core.features.messaging.team import Member, Team
from tests.server_core.features.schedule.test_events import create

pytestmark = pytest.mark.anyio

AT = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)  # a Monday
DAILY: dict[str, Any] = {
    "title": "Morning standup",
    "description": "Daily team sync — review active tasks and blockers.",
    "cronExpression": "0 9 * * *",
    "timezone": "UTC",
    "metadata": {"project": "sesame"},
    "nextOccurrenceAt": "2030-01-07T09:00:00Z",
}


def notifier(platform: Platform, moment: datetime) -> ScheduleNotifier:
    return ScheduleNotifier(platform, now=lambda: moment)


async def wakes(client: httpx2.AsyncClient, who: Member) -> list[dict[str, Any]]:
    """The wake messages addressed to `who`, in every channel it belongs to."""
    channels = data(await client.get("/channels", headers=who.headers))
    found = []
    for channel in channels:
        page = data(await client.get(f"/channels/{channel['id']}/messages", headers=who.headers))
        found += [m for m in page if m["intent"] == "wake" and m["metadata"]["wakeFor"] == who.id]
    return found


async def event_of(client: httpx2.AsyncClient, who: Member, event_id: str) -> dict[str, Any]:
    listed = data(await client.get("/schedule/workspace", headers=who.headers))
    found: list[dict[str, Any]] = [e for e in listed if e["id"] == event_id]
    assert len(found) == 1
    return found[0]


@pytest.mark.both_engines
async def test_a_due_event_wakes_its_owner_and_assignees_and_moves_on(
    client: httpx2.AsyncClient, platform: Platform, team: Team
) -> None:
    event = await create(client, team.bot, **DAILY, assigneeIds=[team.other_bot.id])
    assert await notifier(platform, AT - timedelta(seconds=1)).run_once() == 0
    assert await wakes(client, team.bot) == []
    assert await notifier(platform, AT + timedelta(seconds=1)).run_once() == 1
    [woke] = await wakes(client, team.bot)
    assert woke["plaintext"] == (
        "📅 Schedule: Morning standup\n\n"
        "Daily team sync — review active tasks and blockers.\n\n"
        "Context: project: sesame\n\n"
        "Recurring: `0 9 * * *` (UTC)"
    )
    assert woke["metadata"]["scheduleEventId"] == event["id"]
    assert woke["metadata"]["occurrenceTime"] == "2030-01-07T09:00:00Z"
    assert woke["metadata"]["wake"] is True
    [assigned] = await wakes(client, team.other_bot)
    assert assigned["plaintext"] == woke["plaintext"]
    after = await event_of(client, team.bot, event["id"])
    assert after["occurrenceCount"] == 1
    assert after["lastOccurrenceAt"] == "2030-01-07T09:00:00.000Z"
    assert after["nextOccurrenceAt"] == "2030-01-08T09:00:00.000Z"
    log = data(await client.get(f"/schedule/{event['id']}/occurrences", headers=team.bot.headers))
    assert [o["status"] for o in log] == ["completed"]
    # Run again at the same moment: nothing more is due.
    assert await notifier(platform, AT + timedelta(seconds=2)).run_once() == 0
    assert len(await wakes(client, team.bot)) == 1


@pytest.mark.both_engines
async def test_the_lead_time_the_named_channel_and_a_one_shot_event(
    client: httpx2.AsyncClient, platform: Platform, team: Team
) -> None:
    channel = await team.channel(client, name="ops")
    event = await create(
        client,
        team.bot,
        title="Release",
        nextOccurrenceAt="2030-01-07T09:00:00Z",
        notifyMinutesBefore=15,
        notifyChannelId=channel["id"],
    )
    assert await notifier(platform, AT - timedelta(minutes=16)).run_once() == 0
    assert await notifier(platform, AT - timedelta(minutes=15)).run_once() == 1
    [woke] = await wakes(client, team.bot)
    assert woke["channelId"] == channel["id"]
    assert woke["plaintext"] == "📅 Schedule: Release"
    after = await event_of(client, team.bot, event["id"])
    assert (after["status"], after["nextOccurrenceAt"]) == ("completed", None)


@pytest.mark.both_engines
async def test_a_cancelled_occurrence_is_skipped_but_the_event_advances(
    client: httpx2.AsyncClient, platform: Platform, team: Team
) -> None:
    event = await create(client, team.bot, **DAILY)
    data(
        await client.post(
            f"/schedule/{event['id']}/exceptions",
            json={"originalDate": "2030-01-07T09:00:00Z", "kind": "cancelled"},
            headers=team.bot.headers,
        ),
        201,
    )
    assert await notifier(platform, AT).run_once() == 1
    assert await wakes(client, team.bot) == []
    after = await event_of(client, team.bot, event["id"])
    assert after["nextOccurrenceAt"] == "2030-01-08T09:00:00.000Z"
    log = data(await client.get(f"/schedule/{event['id']}/occurrences", headers=team.bot.headers))
    assert [o["status"] for o in log] == ["skipped"]


async def test_after_downtime_a_missed_event_fires_once_and_skips_ahead(
    client: httpx2.AsyncClient, platform: Platform, team: Team
) -> None:
    event = await create(client, team.bot, **{**DAILY, "cronExpression": "*/5 * * * *"})
    later = AT + timedelta(days=3, minutes=2)
    assert await notifier(platform, later).run_once() == 1
    assert len(await wakes(client, team.bot)) == 1
    after = await event_of(client, team.bot, event["id"])
    assert after["nextOccurrenceAt"] == "2030-01-10T09:05:00.000Z"


async def test_mirrored_cron_jobs_notify_only_with_a_channel(
    client: httpx2.AsyncClient, platform: Platform, team: Team
) -> None:
    channel = await team.channel(client, name="ops")
    jobs = [
        {**DAILY, "externalId": "quiet", "title": "Quiet job"},
        {**DAILY, "externalId": "loud", "title": "Loud job", "notifyChannelId": channel["id"]},
    ]
    data(await client.put("/schedule/sync", json={"events": jobs}, headers=team.bot.headers))
    assert await notifier(platform, AT).run_once() == 1
    [woke] = await wakes(client, team.bot)
    assert woke["metadata"]["scheduleEventTitle"] == "Loud job"


@pytest.mark.both_engines
async def test_two_notifiers_racing_fire_each_event_once(
    client: httpx2.AsyncClient, platform: Platform, team: Team
) -> None:
    for number in range(30):
        await create(client, team.bot, **{**DAILY, "title": f"Job {number}"})
    first, second = notifier(platform, AT), notifier(platform, AT)
    fired = await asyncio.gather(first.run_once(), second.run_once())
    assert sum(fired) == 30
    found = await wakes(client, team.bot)
    assert sorted(m["metadata"]["scheduleEventTitle"] for m in found) == sorted(
        f"Job {number}" for number in range(30)
    )


@pytest.mark.both_engines
async def test_wake_lists_the_events_due_in_the_next_day_owned_or_assigned(
    client: httpx2.AsyncClient, team: Team
) -> None:
    soon = datetime.now(UTC) + timedelta(hours=1)
    later = datetime.now(UTC) + timedelta(days=3)
    own = await create(client, team.bot, title="Soon", nextOccurrenceAt=soon.isoformat())
    await create(client, team.bot, title="Later", nextOccurrenceAt=later.isoformat())
    given = await create(
        client,
        team.admin,
        title="Handed",
        nextOccurrenceAt=(soon + timedelta(minutes=5)).isoformat(),
        assigneeIds=[team.bot.id],
    )
    await create(client, team.admin, title="Not mine", nextOccurrenceAt=soon.isoformat())
    wake = data(await client.get(f"/agents/{team.bot.id}/wake", headers=team.bot.headers))
    upcoming = wake["schedule"]["upcoming"]
    assert [e["id"] for e in upcoming] == [own["id"], given["id"]]
    assert upcoming[1]["assigneeIds"] == [team.bot.id]
