"""The run log and bulk sync: recording a run counts it and moves the next occurrence on
(completing the event at its maximum, or a one-shot event); sync creates, updates and cancels
an agent's cron jobs by external id, never a manual one."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from server_core.features.schedule.events import ScheduleChanged
from tests.helpers import data, error
from tests.server_core.features.messaging.team import Member, Team
from tests.server_core.features.schedule.test_events import create

pytestmark = pytest.mark.anyio


async def record(
    client: httpx2.AsyncClient, who: Member, event_id: str, expect: int = 201, **body: Any
) -> Any:
    response = await client.post(
        f"/schedule/{event_id}/occurrences", json=body, headers=who.headers
    )
    return data(response, 201) if expect == 201 else error(response, expect)


@pytest.mark.both_engines
async def test_a_recorded_run_counts_and_the_event_completes_at_its_maximum(
    client: httpx2.AsyncClient, team: Team, captured_events: Any
) -> None:
    event = await create(
        client, team.bot, title="Backup", cronExpression="0 3 * * *", maxOccurrences=2
    )
    first = await record(
        client,
        team.bot,
        event["id"],
        scheduledAt="2030-01-01T03:00:00Z",
        status="completed",
        result="Backed up 3 GB",
        metadata={"tokens": 1200},
    )
    assert first["occurrence"]["result"] == "Backed up 3 GB"
    assert first["occurrence"]["metadata"] == {"tokens": 1200}
    assert (first["event"]["occurrenceCount"], first["event"]["status"]) == (1, "active")
    assert first["event"]["lastOccurrenceAt"] == "2030-01-01T03:00:00.000Z"
    assert first["event"]["nextOccurrenceAt"] == "2030-01-02T03:00:00.000Z"
    async with captured_events() as captured:
        second = await record(
            client, team.bot, event["id"], scheduledAt="2030-01-02T03:00:00Z", status="failed"
        )
    assert (second["event"]["occurrenceCount"], second["event"]["status"]) == (2, "completed")
    assert second["event"]["nextOccurrenceAt"] is None
    assert [e.action for e in captured.of(ScheduleChanged)] == ["completed"]
    log = data(await client.get(f"/schedule/{event['id']}/occurrences", headers=team.human.headers))
    assert [o["status"] for o in log] == ["failed", "completed"]
    other = await record(client, team.human, event["id"], 403, scheduledAt="2030-01-03T03:00:00Z")
    assert other["code"] == "forbidden"


@pytest.mark.both_engines
async def test_a_given_next_occurrence_wins_and_a_one_shot_event_completes(
    client: httpx2.AsyncClient, team: Team
) -> None:
    job = await create(client, team.bot, title="Report", cronExpression="0 6 * * *")
    recorded = await record(
        client,
        team.bot,
        job["id"],
        scheduledAt="2030-01-01T06:00:00Z",
        nextOccurrenceAt="2030-02-01T06:00:00Z",
    )
    assert recorded["event"]["nextOccurrenceAt"] == "2030-02-01T06:00:00.000Z"
    once = await create(client, team.bot, title="Deploy", nextOccurrenceAt="2030-01-01T12:00:00Z")
    done = await record(client, team.bot, once["id"], scheduledAt="2030-01-01T12:00:00Z")
    assert (done["event"]["status"], done["event"]["nextOccurrenceAt"]) == ("completed", None)


@pytest.mark.both_engines
async def test_sync_creates_updates_and_cancels_by_external_id_but_never_a_manual_event(
    client: httpx2.AsyncClient, team: Team
) -> None:
    await create(
        client, team.bot, title="By hand", externalId="hand-1", metadata={"source": "manual"}
    )
    await create(client, team.bot, title="No external id")
    jobs = [
        {
            "externalId": "cron-a",
            "title": "Morning briefing",
            "cronExpression": "0 6 * * *",
            "timezone": "America/Los_Angeles",
            "metadata": {"source": "openclaw", "jobId": "a"},
        },
        {"externalId": "cron-b", "title": "Weekly review", "cronExpression": "0 17 * * 5"},
    ]
    first = data(
        await client.put("/schedule/sync", json={"events": jobs}, headers=team.bot.headers)
    )
    assert (first["created"], first["updated"], first["removed"]) == (2, 0, 0)
    assert len(first["events"]) == 4  # all the caller's events
    again = data(
        await client.put("/schedule/sync", json={"events": jobs}, headers=team.bot.headers)
    )
    assert (again["created"], again["updated"], again["removed"]) == (0, 2, 0)
    renamed = [{**jobs[0], "title": "Briefing"}]
    third = data(
        await client.put("/schedule/sync", json={"events": renamed}, headers=team.bot.headers)
    )
    assert (third["created"], third["updated"], third["removed"]) == (0, 1, 1)
    status = {e["title"]: e["status"] for e in third["events"]}
    assert status == {
        "Briefing": "active",
        "Weekly review": "cancelled",
        "By hand": "active",
        "No external id": "active",
    }
    back = data(await client.put("/schedule/sync", json={"events": jobs}, headers=team.bot.headers))
    assert (back["created"], back["updated"]) == (0, 2)
    assert {e["title"]: e["status"] for e in back["events"]}["Weekly review"] == "active"
    # Another agent's external ids are its own.
    theirs = data(
        await client.put("/schedule/sync", json={"events": jobs}, headers=team.other_bot.headers)
    )
    assert (theirs["created"], theirs["removed"]) == (2, 0)


@pytest.mark.both_engines
async def test_a_bad_sync_changes_nothing(client: httpx2.AsyncClient, team: Team) -> None:
    good = {"externalId": "cron-a", "title": "Fine", "cronExpression": "0 6 * * *"}
    bad = {"externalId": "cron-b", "title": "Broken", "cronExpression": "every day"}
    refused = await client.put(
        "/schedule/sync", json={"events": [good, bad]}, headers=team.bot.headers
    )
    assert error(refused, 400)["code"] == "invalid_cron_expression"
    missing = await client.put(
        "/schedule/sync", json={"events": [{"title": "x"}]}, headers=team.bot.headers
    )
    assert error(missing, 400)["code"] == "validation_error"
    twice = await client.put(
        "/schedule/sync", json={"events": [good, good]}, headers=team.bot.headers
    )
    assert error(twice, 400)["code"] == "validation_error"
    too_many = [{"externalId": f"j{n}", "title": "x"} for n in range(1_001)]
    big = await client.put("/schedule/sync", json={"events": too_many}, headers=team.bot.headers)
    assert error(big, 400)["code"] == "validation_error"
    assert data(await client.get("/schedule", headers=team.bot.headers)) == []
