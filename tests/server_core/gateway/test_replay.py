"""Replay: the messages after each cursor, in seq order, then `replay.done`; with live traffic
during a replay or a reconnect, nothing is lost or sent twice."""

from __future__ import annotations

import anyio
import pytest

from tests.server_core.gateway.conftest import Agent, Live, World, peer

pytestmark = pytest.mark.anyio


async def _post_many(world: World, channel_id: str, texts: list[str]) -> None:
    """Post concurrently (a few at a time), so sends share commits."""
    for start in range(0, len(texts), 10):
        async with anyio.create_task_group() as group:
            for text in texts[start : start + 10]:
                group.start_soon(world.post, channel_id, text)


async def test_replay_sends_what_each_cursor_missed_then_done(live: Live, world: World) -> None:
    agent = await world.agent("catcher")
    long = await world.channel("long", [agent.id])
    short = await world.channel("short", [agent.id])
    other = await world.channel("not-mine", [])
    await _post_many(world, long, [f"long {n}" for n in range(1, 131)])
    for n in range(1, 4):
        await world.post(short, f"short {n}")
    await world.post(other, "private")

    async with peer(live, agent.auth) as client:
        # `short` is absent from the cursors: replayed from the beginning.
        await client.send({"type": "replay", "cursors": {long: 5, other: 0}})
        got: dict[str, list[int]] = {long: [], short: []}
        while (frame := await client.expect_any("message", "replay.done"))["type"] == "message":
            got[frame["message"]["channelId"]].append(frame["message"]["seq"])
        assert got == {long: list(range(6, 131)), short: [1, 2, 3]}

        # Replay again from the last message: nothing.
        await client.send({"type": "replay", "cursors": {long: 130, short: 3}})
        assert await client.expect_any("message", "replay.done") == {"type": "replay.done"}

        await client.send({"type": "replay", "cursors": {long: "x"}})
        error = await client.expect("error")
        assert (error["code"], error["errorCode"], error["frame"]) == (
            4000,
            "validation_error",
            "replay",
        )


async def _session(
    live: Live, agent: Agent, channel_id: str, cursor: int | None, until: int
) -> tuple[list[int], list[int]]:
    """Connect, replay after `cursor`, read until `until` messages of the channel arrived (and
    the replay is done). The seqs received before and after `replay.done`."""
    before: list[int] = []
    after: list[int] = []
    async with peer(live, agent.auth) as client:
        cursors = {} if cursor is None else {channel_id: cursor}
        await client.send({"type": "replay", "cursors": cursors})
        done = False
        while not done or len(before) + len(after) < until:
            frame = await client.expect_any("message", "replay.done")
            if frame["type"] == "replay.done":
                done = True
            elif frame["message"]["channelId"] == channel_id:
                (after if done else before).append(frame["message"]["seq"])
    return before, after


@pytest.mark.both_engines
async def test_reconnecting_with_replay_during_sends_loses_and_repeats_nothing(
    live: Live, world: World
) -> None:
    agent = await world.agent("roamer")
    channel_id = await world.channel("busy", [agent.id])
    total = 120

    async def send_all() -> None:
        for n in range(1, total + 1):
            await world.post(channel_id, f"message {n}")

    async with anyio.create_task_group() as group:
        group.start_soon(send_all)
        with anyio.fail_after(60):
            # First connection: from the beginning; leave after 30 messages.
            before, after = await _session(live, agent, channel_id, None, 30)
            first = before + after
            assert sorted(first) == list(range(1, len(first) + 1)), first
            assert after == sorted(after)
            # Reconnect: replay after what the first connection saw, read to the end.
            cursor = len(first)
            before, after = await _session(live, agent, channel_id, cursor, total - cursor)
            second = before + after
            assert sorted(second) == list(range(cursor + 1, total + 1)), second
            assert after == sorted(after)
