"""Recurring tasks: the occurrence arithmetic across DST changes (on the pure function, with
chosen times), then over REST: rules validated, the next occurrence spawned once when the
series is done (also under concurrent completions), skip, the series listed, stopping."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import anyio
import httpx2
import pytest

from server_core.features.tasks.errors import InvalidRecurrenceRule
from server_core.features.tasks.events import TaskChanged
from server_core.features.tasks.recurrence import next_occurrence
from server_core.kernel.errors import InvalidTimezone
from tests.helpers import data, error
from tests.server_core.features.messaging.team import Team
from tests.server_core.features.tasks.test_tasks import create, patch

pytestmark = pytest.mark.anyio

NEW_YORK = "America/New_York"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def wire(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def test_nine_in_new_york_follows_the_clock_across_the_spring_change() -> None:
    # EST (UTC-5) until 2027-03-14 02:00 local, EDT (UTC-4) from then on.
    assert next_occurrence("0 9 * * *", NEW_YORK, at("2027-03-12T15:00:00")) == at(
        "2027-03-13T14:00:00"
    )
    assert next_occurrence("0 9 * * *", NEW_YORK, at("2027-03-13T14:00:00")) == at(
        "2027-03-14T13:00:00"
    )
    assert next_occurrence("0 9 * * *", NEW_YORK, at("2027-03-14T13:00:00")) == at(
        "2027-03-15T13:00:00"
    )


def test_nine_in_new_york_follows_the_clock_across_the_autumn_change() -> None:
    # EDT until 2027-11-07 02:00 local, EST after.
    assert next_occurrence("0 9 * * *", NEW_YORK, at("2027-11-06T14:00:00")) == at(
        "2027-11-07T14:00:00"
    )


def test_a_skipped_local_time_runs_after_the_gap_and_a_repeated_one_runs_once() -> None:
    # 02:30 does not exist on 2027-03-14 in New York: it runs at 03:00 EDT (07:00 UTC).
    assert next_occurrence("30 2 * * *", NEW_YORK, at("2027-03-13T12:00:00")) == at(
        "2027-03-14T07:00:00"
    )
    # 01:30 happens twice on 2027-11-07: once at 05:30 UTC (EDT), not again at 06:30 UTC.
    first = next_occurrence("30 1 * * *", NEW_YORK, at("2027-11-06T12:00:00"))
    assert first == at("2027-11-07T05:30:00")
    assert next_occurrence("30 1 * * *", NEW_YORK, first) == at("2027-11-08T06:30:00")
    # Counted from inside the repeated hour, the first pass is not named again.
    assert next_occurrence("30 1 * * *", NEW_YORK, at("2027-11-07T06:15:00")) == at(
        "2027-11-08T06:30:00"
    )


def test_occurrences_are_strictly_after_the_given_time_in_utc_by_default() -> None:
    assert next_occurrence("0 9 * * 1", "UTC", at("2027-03-15T09:00:00")) == at(
        "2027-03-22T09:00:00"
    )
    assert next_occurrence("*/15 * * * *", "UTC", at("2027-03-15T09:00:00.500")) == at(
        "2027-03-15T09:15:00"
    )


@pytest.mark.parametrize(
    "rule",
    ["0 9 * *", "0 0 9 * * *", "61 * * * *", "0 9 * * 8", "every day", "0 0 30 2 *"],
)
def test_malformed_or_impossible_rules_are_refused(rule: str) -> None:
    with pytest.raises(InvalidRecurrenceRule):
        next_occurrence(rule, "UTC", at("2027-01-01T00:00:00"))


@pytest.mark.parametrize("zone", ["Mars/Olympus", "../etc/passwd", "", "America/New York"])
def test_unknown_zones_are_refused(zone: str) -> None:
    with pytest.raises(InvalidTimezone):
        next_occurrence("0 9 * * *", zone, at("2027-01-01T00:00:00"))


async def test_a_recurring_task_gets_its_next_occurrence_from_the_rule_in_its_zone(
    client: httpx2.AsyncClient, team: Team
) -> None:
    before = datetime.now(UTC)
    task = await create(
        client,
        team.bot,
        "Weekly standup notes",
        recurrenceRule="0 9 * * 1",
        recurrenceTimezone=NEW_YORK,
    )
    after = datetime.now(UTC)
    assert (task["recurrenceRule"], task["recurrenceTimezone"]) == ("0 9 * * 1", NEW_YORK)
    assert (task["recurrenceTemplateId"], task["recurrenceIndex"]) == (None, None)
    expected = {wire(next_occurrence("0 9 * * 1", NEW_YORK, t)) for t in (before, after)}
    assert task["nextRecurrenceAt"] in expected
    utc = await create(client, team.bot, "Daily", recurrenceRule="  30 6 * * *  ")
    assert (utc["recurrenceRule"], utc["recurrenceTimezone"]) == ("30 6 * * *", "UTC")
    assert utc["nextRecurrenceAt"].endswith("T06:30:00.000Z")
    plain = await create(client, team.bot, "Once")
    assert (plain["recurrenceRule"], plain["recurrenceTimezone"], plain["nextRecurrenceAt"]) == (
        None,
        None,
        None,
    )


async def test_recurrence_fields_are_validated(client: httpx2.AsyncClient, team: Team) -> None:
    for body, code in (
        ({"recurrenceRule": "0 9 * *"}, "invalid_recurrence_rule"),
        ({"recurrenceRule": "0 25 * * *"}, "invalid_recurrence_rule"),
        ({"recurrenceRule": "0 0 30 2 *"}, "invalid_recurrence_rule"),
        ({"recurrenceRule": "0 9 * * *", "recurrenceTimezone": "Nowhere/City"}, "invalid_timezone"),
        ({"recurrenceRule": "0 " * 64 + "9"}, "validation_error"),
        ({"recurrenceRule": "0 9 * * *", "recurrenceTimezone": "A" * 65}, "validation_error"),
        ({"recurrenceTimezone": "UTC"}, "not_recurring"),
    ):
        refused = await client.post("/tasks", json={"title": "x", **body}, headers=team.bot.headers)
        error(refused, 400, code)
    task = await create(client, team.bot, "Daily", recurrenceRule="0 9 * * *")
    for body, code in (
        ({"recurrenceRule": "0 9 * * * *"}, "invalid_recurrence_rule"),
        ({"recurrenceTimezone": "Europe/Atlantis"}, "invalid_timezone"),
    ):
        error(
            await client.patch(f"/tasks/{task['id']}", json=body, headers=team.bot.headers),
            400,
            code,
        )
    assert data(await client.get("/tasks/T-1", headers=team.bot.headers)) == task
    assert data(await client.get("/tasks", headers=team.bot.headers))[0]["key"] == "T-1"


@pytest.mark.both_engines
async def test_completing_a_recurring_task_spawns_the_next_occurrence_once(
    client: httpx2.AsyncClient, team: Team, captured_events: Any
) -> None:
    template = await create(
        client,
        team.human,
        "Weekly report",
        description="Numbers for the week",
        priority="high",
        labels=["ops"],
        assigneeIds=[team.bot.id],
        context={"background": "Not copied"},
        recurrenceRule="0 9 * * 1",
        recurrenceTimezone=NEW_YORK,
    )
    async with captured_events() as captured:
        completed = await patch(client, team.bot, "T-1", status="done")
    spawned = data(await client.get("/tasks/T-2", headers=team.bot.headers))
    assert (spawned["title"], spawned["description"]) == ("Weekly report", "Numbers for the week")
    assert (spawned["priority"], spawned["labels"], spawned["assigneeIds"]) == (
        "high",
        ["ops"],
        [team.bot.id],
    )
    assert (spawned["status"], spawned["context"]) == ("todo", None)
    assert (spawned["recurrenceTemplateId"], spawned["recurrenceIndex"]) == (template["id"], 1)
    # Only the template carries the rule.
    assert (spawned["recurrenceRule"], spawned["nextRecurrenceAt"]) == (None, None)
    assert spawned["dueDate"] == template["nextRecurrenceAt"]
    following = next_occurrence("0 9 * * 1", NEW_YORK, at(template["nextRecurrenceAt"][:-1]))
    assert completed["nextRecurrenceAt"] == wire(following)
    assert [(e.task.key, e.action) for e in captured.of(TaskChanged)] == [
        ("T-2", "created"),
        ("T-1", "completed"),
    ]
    # Reopened and done again: the series already has its open occurrence.
    await patch(client, team.bot, "T-1", status="active")
    await patch(client, team.bot, "T-1", status="done")
    assert data(await client.get("/tasks?limit=10", headers=team.bot.headers))[0]["key"] == "T-2"

    async with captured_events() as captured:
        await patch(client, team.bot, "T-2", status="done")
    third = data(await client.get("/tasks/T-3", headers=team.bot.headers))
    assert (third["recurrenceTemplateId"], third["recurrenceIndex"]) == (template["id"], 2)
    assert third["dueDate"] == completed["nextRecurrenceAt"]
    assert [(e.task.key, e.action) for e in captured.of(TaskChanged)] == [
        ("T-3", "created"),
        ("T-1", "updated"),
        ("T-2", "completed"),
    ]
    # A cancelled occurrence spawns nothing.
    await patch(client, team.bot, "T-3", status="cancelled")
    assert len(data(await client.get("/tasks", headers=team.bot.headers))) == 3


@pytest.mark.both_engines
async def test_concurrent_completions_spawn_one_occurrence(
    client: httpx2.AsyncClient, team: Team
) -> None:
    await create(client, team.bot, "Daily", recurrenceRule="0 9 * * *")

    async def complete(ref: str) -> None:
        response = await client.patch(
            f"/tasks/{ref}", json={"status": "done"}, headers=team.bot.headers
        )
        assert response.status_code == 200, response.text

    async with anyio.create_task_group() as group:
        for _ in range(4):
            group.start_soon(complete, "T-1")
    series = data(await client.get("/tasks/T-1/recurrences", headers=team.bot.headers))
    assert [(t["key"], t["recurrenceIndex"]) for t in series] == [("T-1", None), ("T-2", 1)]
    # Two open tasks of one series completed at once: only the last to finish spawns.
    await patch(client, team.bot, "T-1", status="todo")
    async with anyio.create_task_group() as group:
        group.start_soon(complete, "T-1")
        group.start_soon(complete, "T-2")
    series = data(await client.get("/tasks/T-2/recurrences", headers=team.bot.headers))
    assert [(t["key"], t["recurrenceIndex"], t["status"]) for t in series] == [
        ("T-1", None, "done"),
        ("T-2", 1, "done"),
        ("T-3", 2, "todo"),
    ]


async def test_a_batch_update_to_done_spawns_as_a_patch_does(
    client: httpx2.AsyncClient, team: Team
) -> None:
    await create(client, team.bot, "Daily", recurrenceRule="0 9 * * *")
    await create(client, team.bot, "Plain")
    results = data(
        await client.post(
            "/tasks/batch",
            json={
                "operations": [{"op": "update", "ids": ["T-1", "T-2"], "data": {"status": "done"}}]
            },
            headers=team.bot.headers,
        )
    )
    assert results[0]["ok"] is True
    spawned = data(await client.get("/tasks/T-3", headers=team.bot.headers))
    assert (spawned["title"], spawned["recurrenceIndex"]) == ("Daily", 1)
    error(await client.get("/tasks/T-4", headers=team.bot.headers), 404)


async def test_skip_moves_the_next_occurrence_on_without_creating_a_task(
    client: httpx2.AsyncClient, team: Team, captured_events: Any
) -> None:
    template = await create(
        client, team.bot, "Standup", recurrenceRule="0 9 * * 1", recurrenceTimezone=NEW_YORK
    )
    async with captured_events() as captured:
        skipped = data(await client.post("/tasks/T-1/skip", headers=team.bot.headers))
    following = next_occurrence("0 9 * * 1", NEW_YORK, at(template["nextRecurrenceAt"][:-1]))
    assert skipped["nextRecurrenceAt"] == wire(following)
    assert [(e.task.key, e.action) for e in captured.of(TaskChanged)] == [("T-1", "updated")]
    assert len(data(await client.get("/tasks", headers=team.bot.headers))) == 1
    # Completing now spawns the occurrence after the skipped one.
    await patch(client, team.bot, "T-1", status="done")
    assert data(await client.get("/tasks/T-2", headers=team.bot.headers))["dueDate"] == wire(
        following
    )
    # An occurrence's id skips for its series.
    again = data(await client.post("/tasks/T-2/skip", headers=team.bot.headers))
    assert again["id"] == template["id"]
    assert again["nextRecurrenceAt"] > skipped["nextRecurrenceAt"]
    await create(client, team.bot, "Plain")
    error(await client.post("/tasks/T-3/skip", headers=team.bot.headers), 400, "not_recurring")
    error(await client.post("/tasks/T-9/skip", headers=team.bot.headers), 404)


async def test_the_series_is_listed_from_the_template_or_any_occurrence(
    client: httpx2.AsyncClient, team: Team
) -> None:
    await create(client, team.bot, "Daily", recurrenceRule="0 9 * * *")
    await create(client, team.bot, "Plain")
    await patch(client, team.bot, "T-1", status="done")  # T-3, index 1
    await patch(client, team.bot, "T-3", status="done")  # T-4, index 2
    for ref in ("T-1", "T-3", "T-4"):
        series = data(await client.get(f"/tasks/{ref}/recurrences", headers=team.bot.headers))
        assert [(t["key"], t["recurrenceIndex"]) for t in series] == [
            ("T-1", None),
            ("T-3", 1),
            ("T-4", 2),
        ]
    error(
        await client.get("/tasks/T-2/recurrences", headers=team.bot.headers), 400, "not_recurring"
    )


async def test_changing_and_stopping_the_rule(client: httpx2.AsyncClient, team: Team) -> None:
    await create(client, team.bot, "Report", recurrenceRule="0 9 * * *")
    changed = await patch(
        client, team.bot, "T-1", recurrenceRule="0 9 * * 1-5", recurrenceTimezone="Europe/Paris"
    )
    assert (changed["recurrenceRule"], changed["recurrenceTimezone"]) == (
        "0 9 * * 1-5",
        "Europe/Paris",
    )
    in_paris = at(changed["nextRecurrenceAt"][:-1]).astimezone(ZoneInfo("Europe/Paris"))
    assert (in_paris.hour, in_paris.minute) == (9, 0)
    assert in_paris.weekday() < 5
    await patch(client, team.bot, "T-1", status="done")
    instance = data(await client.get("/tasks/T-2", headers=team.bot.headers))
    error(
        await client.patch(
            "/tasks/T-2", json={"recurrenceRule": "0 8 * * *"}, headers=team.bot.headers
        ),
        400,
        "recurrence_on_instance",
    )
    stopped = await patch(client, team.bot, "T-1", recurrenceRule=None)
    assert (stopped["recurrenceRule"], stopped["recurrenceTimezone"]) == (None, None)
    assert stopped["nextRecurrenceAt"] is None
    await patch(client, team.bot, "T-2", status="done")
    error(await client.get("/tasks/T-3", headers=team.bot.headers), 404)
    # The occurrences stay in the series' listing.
    series = data(await client.get("/tasks/T-2/recurrences", headers=team.bot.headers))
    assert [t["key"] for t in series] == ["T-1", "T-2"]
    assert series[1]["id"] == instance["id"]
    error(await client.post("/tasks/T-1/skip", headers=team.bot.headers), 400, "not_recurring")


async def test_a_rule_and_done_in_one_patch_spawn_at_once(
    client: httpx2.AsyncClient, team: Team
) -> None:
    await create(client, team.bot, "Was once")
    completed = await patch(client, team.bot, "T-1", recurrenceRule="0 9 * * *", status="done")
    spawned = data(await client.get("/tasks/T-2", headers=team.bot.headers))
    assert (spawned["recurrenceTemplateId"], spawned["recurrenceIndex"]) == (completed["id"], 1)
    assert completed["nextRecurrenceAt"] > spawned["dueDate"]
