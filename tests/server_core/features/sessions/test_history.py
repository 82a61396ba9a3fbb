"""A session's history: messages in order after its clear point, paging by seq and by time,
a sync send answered by the agent's reply (or timing out), and sends to an ended session
refused (reply webhooks: `test_reply_hooks`)."""

from __future__ import annotations

from typing import Any

import anyio
import httpx2
import pytest

from tests.helpers import data, error
from tests.server_core.features.messaging.team import Team
from tests.server_core.features.sessions.conftest import say, start

pytestmark = [pytest.mark.anyio, pytest.mark.both_engines]


async def test_history_pages_after_its_clear_point(client: httpx2.AsyncClient, team: Team) -> None:
    await start(client, team.bot, externalId="chat", userId=team.human.id)
    for n in range(5):
        await say(client, "chat", team.human if n % 2 == 0 else team.bot, f"m{n}")
    h = team.human.headers
    page = (await client.get("/sessions/chat/messages?limit=2", headers=h)).json()
    assert [m["plaintext"] for m in page["data"]] == ["m0", "m1"]
    assert page["pagination"] == {"cursor": 2, "hasMore": True}
    after = data(await client.get("/sessions/chat/messages?after=2", headers=h))
    assert [m["plaintext"] for m in after] == ["m2", "m3", "m4"]
    by_id = data(await client.get(f"/sessions/chat/messages?after={after[0]['id']}", headers=h))
    assert [m["plaintext"] for m in by_id] == ["m3", "m4"]
    newest = data(await client.get("/sessions/chat/messages?order=desc&limit=2", headers=h))
    assert [m["plaintext"] for m in newest] == ["m4", "m3"]
    until = data(
        await client.get(
            "/sessions/chat/messages", params={"until": after[0]["createdAt"]}, headers=h
        )
    )
    assert all(m["seq"] < 3 or m["createdAt"] < after[0]["createdAt"] for m in until)
    session = data(await client.get("/sessions/chat", headers=h))
    assert session["preview"] == {"messageCount": 5, "firstUserMessage": "m0"}
    cleared = data(await client.post("/sessions/chat/clear", headers=h))
    assert cleared["clearedThroughSeq"] == 5
    assert data(await client.get("/sessions/chat/messages", headers=h)) == []
    fresh = await say(client, "chat", team.human, "after the clear")
    assert fresh["message"]["seq"] == 6  # seqs stay continuous
    shown = data(await client.get("/sessions/chat/messages", headers=h))
    assert [m["plaintext"] for m in shown] == ["after the clear"]
    error(await client.get("/sessions/chat/messages?after=nope", headers=h), 400)
    error(await client.get("/sessions/chat/messages?since=yesterday", headers=h), 400)


async def test_a_sync_send_returns_the_agents_reply(client: httpx2.AsyncClient, team: Team) -> None:
    made = await start(client, team.bot, externalId="sync", userId=team.human.id)
    result: dict[str, Any] = {}

    async def ask() -> None:
        result.update(await say(client, "sync", team.human, "ping?", mode="sync", timeout=10))

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(ask)
        for _ in range(200):  # the agent answers once the question is in its channel
            seen = data(await client.get("/sessions/sync/messages", headers=team.bot.headers))
            if seen:
                break
            await anyio.sleep(0.02)
        await client.post(
            f"/channels/{made['channelId']}/messages",
            json={"content": "pong"},
            headers=team.bot.headers,
        )
    assert result["message"]["plaintext"] == "ping?"
    assert result["reply"]["plaintext"] == "pong"
    assert result["reply"]["senderId"] == team.bot.id
    assert result["timedOut"] is False


async def test_a_sync_send_without_a_reply_times_out_with_its_message(
    client: httpx2.AsyncClient, team: Team
) -> None:
    await start(client, team.bot, externalId="quiet", userId=team.human.id)
    result = await say(client, "quiet", team.human, "anyone?", mode="sync", timeout=0.3)
    assert (result["message"]["plaintext"], result["reply"], result["timedOut"]) == (
        "anyone?",
        None,
        True,
    )
    error(
        await client.post(
            "/sessions/quiet/messages",
            json={"content": "x", "mode": "sync", "timeout": 500},
            headers=team.human.headers,
        ),
        400,
    )


async def test_an_ended_session_refuses_sends_until_resumed(
    client: httpx2.AsyncClient, team: Team
) -> None:
    await start(client, team.bot, externalId="done", userId=team.human.id)
    data(await client.post("/sessions/done/end", headers=team.bot.headers))
    refused = await client.post(
        "/sessions/done/messages", json={"content": "hello?"}, headers=team.human.headers
    )
    error(refused, 409, "session_ended")
    await start(client, team.bot, status=200, externalId="done")
    await say(client, "done", team.human, "hello again")
