"""A work stream's output: the owner appends batches, each event numbered without gaps;
readers follow with `after`; only the newest events are kept; a finished stream takes no
more; bad batches are refused whole."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from server_core.features.work_streams.events import WorkStreamChanged
from tests.helpers import data, error
from tests.server_core.features.messaging.team import Member, Team
from tests.server_core.features.work_streams.conftest import RETENTION
from tests.server_core.features.work_streams.streams import append, patch, start

pytestmark = [pytest.mark.anyio, pytest.mark.both_engines]


async def read(
    client: httpx2.AsyncClient, who: Member, stream_id: str, **params: Any
) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = data(
        await client.get(f"/work-streams/{stream_id}/events", params=params, headers=who.headers)
    )
    return found


async def test_events_are_numbered_per_stream_and_read_after_a_seq(
    client: httpx2.AsyncClient, team: Team, captured_events: Any
) -> None:
    stream = await start(client, team.bot)
    other = await start(client, team.bot, title="Other")
    async with captured_events() as captured:
        first = await append(client, team.bot, stream["id"], "npm test", "12 passing")
    assert [(e["seq"], e["eventType"], e["content"]) for e in first] == [
        (1, "output", "npm test"),
        (2, "output", "12 passing"),
    ]
    [published] = captured.of(WorkStreamChanged)
    assert published.action == "output"
    assert [e.seq for e in published.events] == [1, 2]
    assert published.work_stream.last_seq == 2
    mixed = [
        {"eventType": "progress", "content": "3/4 steps"},
        {"content": "defaults to output"},
        {"eventType": "error", "content": "lint failed"},
        {"eventType": "log", "content": "retrying"},
    ]
    response = await client.post(
        f"/work-streams/{stream['id']}/events", json={"events": mixed}, headers=team.bot.headers
    )
    assert [(e["seq"], e["eventType"]) for e in data(response, 201)] == [
        (3, "progress"),
        (4, "output"),
        (5, "error"),
        (6, "log"),
    ]
    assert [e["seq"] for e in await append(client, team.bot, other["id"], "x")] == [1]
    after = await read(client, team.human, stream["id"], after=4)
    assert [e["content"] for e in after] == ["lint failed", "retrying"]
    page = await read(client, team.human, stream["id"], after=1, limit=2)
    assert [e["seq"] for e in page] == [2, 3]
    got = data(await client.get(f"/work-streams/{stream['id']}", headers=team.human.headers))
    assert got["lastSeq"] == 6


async def test_only_the_newest_events_are_kept(client: httpx2.AsyncClient, team: Team) -> None:
    stream = await start(client, team.bot)
    await append(client, team.bot, stream["id"], *[f"line {n}" for n in range(1, 4)])
    await append(client, team.bot, stream["id"], *[f"line {n}" for n in range(4, 9)])
    kept = await read(client, team.bot, stream["id"])
    assert [e["seq"] for e in kept] == list(range(9 - RETENTION, 9))
    # A reader behind the window gets the oldest kept event first: its seq shows the gap.
    assert (await read(client, team.bot, stream["id"], after=1))[0]["seq"] == 4
    more = await append(client, team.bot, stream["id"], "line 9")
    assert more[0]["seq"] == 9  # numbering goes on past what was dropped


async def test_only_the_owner_appends_and_only_while_running(
    client: httpx2.AsyncClient, team: Team
) -> None:
    stream = await start(client, team.bot)
    assert (await append(client, team.admin, stream["id"], "x", expect=403))["code"] == "forbidden"
    assert (await append(client, team.other_bot, stream["id"], "x", expect=403))[
        "code"
    ] == "forbidden"
    await patch(client, team.bot, stream["id"], status="completed")
    finished = await append(client, team.bot, stream["id"], "late", expect=409)
    assert finished["code"] == "work_stream_finished"
    assert await read(client, team.bot, stream["id"]) == []
    missing = await append(
        client, team.bot, "00000000-0000-4000-8000-000000000000", "x", expect=404
    )
    assert missing["code"] == "not_found"


async def test_bad_batches_are_refused_whole(client: httpx2.AsyncClient, team: Team) -> None:
    stream = await start(client, team.bot)
    path = f"/work-streams/{stream['id']}/events"
    too_big = "é" * (8 * 1024 + 1)  # 16 KiB + 2 bytes of UTF-8
    for events in (
        [],
        [{"content": "x"}] * 101,
        [{"eventType": "stdout", "content": "x"}],
        [{"eventType": "output"}],
        [{"content": "ok"}, {"content": too_big}],
        [{"content": "NUL \x00"}],
    ):
        response = await client.post(path, json={"events": events}, headers=team.bot.headers)
        assert error(response, 400)["code"] == "validation_error"
    fits = "é" * (8 * 1024)
    assert [e["seq"] for e in await append(client, team.bot, stream["id"], fits)] == [1]
    assert len(await append(client, team.bot, stream["id"], *["x"] * 100)) == 100
    bad_after = await client.get(path, params={"after": -1}, headers=team.bot.headers)
    assert error(bad_after, 400)["code"] == "validation_error"
