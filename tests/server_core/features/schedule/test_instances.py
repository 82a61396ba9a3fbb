"""The calendar's view of the schedule: `/schedule/expanded` walks each event's cron in its
zone over a window (across a DST change), applies per-occurrence exceptions (modified and
cancelled), keeps an event within its start and end, caps each event at 366 instances and
filters by principal; exceptions are refused for times the event does not occur at."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from server_core.features.schedule.schemas import ScheduleInstance
from tests.helpers import data, error
from tests.server_core.features.messaging.team import Member, Team
from tests.server_core.features.schedule.test_events import create

pytestmark = pytest.mark.anyio


async def expanded(
    client: httpx2.AsyncClient, who: Member, start: str, end: str, **params: str
) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = data(
        await client.get(
            "/schedule/expanded", params={"from": start, "to": end, **params}, headers=who.headers
        )
    )
    return found


@pytest.mark.both_engines
async def test_a_daily_event_keeps_its_local_time_across_the_dst_change(
    client: httpx2.AsyncClient, team: Team
) -> None:
    await create(
        client, team.bot, title="Standup", cronExpression="0 9 * * *", timezone="America/New_York"
    )
    # New York springs forward on 2027-03-14: 9:00 is 14:00 UTC before, 13:00 UTC after.
    found = await expanded(client, team.human, "2027-03-12T00:00:00Z", "2027-03-16T00:00:00Z")
    assert [i["startsAt"] for i in found] == [
        "2027-03-12T14:00:00.000Z",
        "2027-03-13T14:00:00.000Z",
        "2027-03-14T13:00:00.000Z",
        "2027-03-15T13:00:00.000Z",
    ]
    assert found[0]["instanceDate"] == found[0]["startsAt"]
    assert (found[0]["isException"], found[0]["exceptionKind"]) == (False, None)
    assert found[0]["event"]["owner"]["handle"] == team.bot.handle
    # Encoded by hand for speed: still exactly the declared wire model, key for key.
    for instance in found:
        model = ScheduleInstance.model_validate(instance)
        assert model.model_dump(mode="json", by_alias=True) == instance


@pytest.mark.parametrize(
    ("zone", "window", "expected"),
    [
        # Berlin springs forward at 02:00 on 2027-03-28: 02:30 does not exist, it runs at 03:00.
        (
            "Europe/Berlin",
            ("2027-03-27", "2027-03-30"),
            ["2027-03-27T01:30", "2027-03-28T01:00", "2027-03-29T00:30"],
        ),
        # Berlin falls back at 03:00 on 2027-10-31: 02:30 happens twice, it runs the first time.
        (
            "Europe/Berlin",
            ("2027-10-30", "2027-11-02"),
            ["2027-10-30T00:30", "2027-10-31T00:30", "2027-11-01T01:30"],
        ),
        # New York springs forward at 02:00 on 2027-03-14.
        (
            "America/New_York",
            ("2027-03-13", "2027-03-16"),
            ["2027-03-13T07:30", "2027-03-14T07:00", "2027-03-15T06:30"],
        ),
        # New York falls back at 02:00 on 2027-11-07 (to 01:00): 02:30 happens once, in EST.
        (
            "America/New_York",
            ("2027-11-06", "2027-11-09"),
            ["2027-11-06T06:30", "2027-11-07T07:30", "2027-11-08T07:30"],
        ),
    ],
)
async def test_a_daily_0230_job_runs_once_a_day_across_spring_forward_and_fall_back(
    client: httpx2.AsyncClient, team: Team, zone: str, window: tuple[str, str], expected: list[str]
) -> None:
    await create(client, team.bot, title="Backup", cronExpression="30 2 * * *", timezone=zone)
    start, end = (f"{day}T00:00:00Z" for day in window)
    found = await expanded(client, team.human, start, end)
    assert [i["startsAt"] for i in found] == [f"{at}:00.000Z" for at in expected]


@pytest.mark.both_engines
async def test_exceptions_move_one_occurrence_and_cancel_another(
    client: httpx2.AsyncClient, team: Team
) -> None:
    event = await create(client, team.bot, title="Standup", cronExpression="0 17 * * *")
    path = f"/schedule/{event['id']}/exceptions"
    cancelled = data(
        await client.post(
            path,
            json={"originalDate": "2027-03-17T17:00:00Z", "kind": "cancelled"},
            headers=team.bot.headers,
        ),
        201,
    )
    moved = data(
        await client.post(
            path,
            json={
                "originalDate": "2027-03-18T17:00:00Z",
                "kind": "modified",
                "title": "Standup (moved to 11am)",
                "startsAt": "2027-03-18T19:00:00Z",
            },
            headers=team.bot.headers,
        ),
        201,
    )
    found = await expanded(client, team.bot, "2027-03-16T00:00:00Z", "2027-03-19T23:59:59Z")
    assert [(i["startsAt"], i["title"], i["exceptionKind"]) for i in found] == [
        ("2027-03-16T17:00:00.000Z", "Standup", None),
        ("2027-03-18T19:00:00.000Z", "Standup (moved to 11am)", "modified"),
        ("2027-03-19T17:00:00.000Z", "Standup", None),
    ]
    assert found[1]["exceptionId"] == moved["id"]
    assert found[1]["instanceDate"] == "2027-03-18T17:00:00.000Z"
    listed = data(await client.get(path, headers=team.human.headers))
    assert [e["id"] for e in listed] == [cancelled["id"], moved["id"]]
    # The cancelled one back: the occurrence is as the event says again.
    data(await client.delete(f"{path}/{cancelled['id']}", headers=team.bot.headers))
    again = await expanded(client, team.bot, "2027-03-17T00:00:00Z", "2027-03-17T23:59:59Z")
    assert [i["startsAt"] for i in again] == ["2027-03-17T17:00:00.000Z"]
    renamed = data(
        await client.patch(
            f"{path}/{moved['id']}", json={"title": "Late"}, headers=team.bot.headers
        )
    )
    assert (renamed["title"], renamed["startsAt"]) == ("Late", "2027-03-18T19:00:00.000Z")


@pytest.mark.both_engines
async def test_an_exception_must_name_an_occurrence_once(
    client: httpx2.AsyncClient, team: Team
) -> None:
    event = await create(client, team.bot, title="Standup", cronExpression="0 17 * * *")
    path = f"/schedule/{event['id']}/exceptions"
    off = {"originalDate": "2027-03-17T17:30:00Z", "kind": "cancelled"}
    refused = await client.post(path, json=off, headers=team.bot.headers)
    assert error(refused, 400)["code"] == "not_an_occurrence"
    body = {"originalDate": "2027-03-17T17:00:00Z", "kind": "cancelled"}
    data(await client.post(path, json=body, headers=team.bot.headers), 201)
    twice = await client.post(path, json=body, headers=team.bot.headers)
    assert error(twice, 409)["code"] == "exception_exists"
    other = await client.post(path, json=body, headers=team.human.headers)
    assert error(other, 403)["code"] == "forbidden"
    kind = await client.post(path, json={**body, "kind": "moved"}, headers=team.bot.headers)
    assert error(kind, 400)["code"] == "validation_error"


@pytest.mark.both_engines
async def test_the_window_the_event_period_the_cap_and_the_principal_filter(
    client: httpx2.AsyncClient, team: Team
) -> None:
    await create(
        client,
        team.bot,
        title="Bounded",
        cronExpression="0 12 * * *",
        startsAt="2027-01-10T00:00:00Z",
        expiresAt="2027-01-12T23:00:00Z",
    )
    await create(client, team.human, title="Every minute", cronExpression="* * * * *")
    await create(client, team.admin, title="Once", nextOccurrenceAt="2027-01-11T08:00:00Z")
    found = await expanded(client, team.admin, "2027-01-01T00:00:00Z", "2027-02-01T00:00:00Z")
    titles = [i["title"] for i in found]
    assert titles.count("Bounded") == 3  # the 10th, 11th and 12th only
    assert titles.count("Every minute") == 366  # capped per event
    assert titles.count("Once") == 1
    mine = await expanded(
        client, team.admin, "2027-01-01T00:00:00Z", "2027-02-01T00:00:00Z", principalIds=team.bot.id
    )
    assert {i["title"] for i in mine} == {"Bounded"}
    backwards = await client.get(
        "/schedule/expanded",
        params={"from": "2027-02-01T00:00:00Z", "to": "2027-01-01T00:00:00Z"},
        headers=team.admin.headers,
    )
    assert error(backwards, 400)["code"] == "invalid_window"
    missing = await client.get("/schedule/expanded", headers=team.admin.headers)
    assert error(missing, 400)["code"] == "validation_error"
