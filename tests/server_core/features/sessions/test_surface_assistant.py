"""The assistant Sessions Plugin surface, driven as its HTTP operation clients drive it:
`POST /api/plugins/sessions/operations/<op>`, `{ok, result}` answers, `{error, code}` errors."""

from __future__ import annotations

from typing import Any

import anyio
import httpx2
import pytest

from server_core.features.messaging.events import MessageCreated
from server_core.kernel.platform import Platform
from tests.server_core.features.messaging.team import Member, Team

pytestmark = pytest.mark.anyio
OPERATIONS = "http://test/api/plugins/sessions/operations"


async def call(
    client: httpx2.AsyncClient, who: Member, op: str, status: int = 200, **args: Any
) -> Any:
    response = await client.post(f"{OPERATIONS}/{op}", json=args, headers=who.headers)
    assert response.status_code == status, response.text
    body = response.json()
    assert body["ok"] is True
    return body["result"]


async def refused(
    client: httpx2.AsyncClient, who: Member | None, op: str, status: int, code: str, **args: Any
) -> None:
    headers = who.headers if who else {}
    response = await client.post(f"{OPERATIONS}/{op}", json=args, headers=headers)
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code, body
    assert body["error"]
    assert "ok" not in body


async def test_a_session_through_every_operation(client: httpx2.AsyncClient, team: Team) -> None:
    created = await call(client, team.admin, "create", 201, agentId=team.bot.id, sessionId="chat-1")
    assert created["sessionId"] == "chat-1"
    assert created["agentId"] == team.bot.id
    listed = await call(client, team.admin, "list")
    assert "chat-1" in {session["sessionId"] for session in listed["sessions"]}

    renamed = await call(
        client, team.admin, "update", sessionId="chat-1", name="Planning", pinnedAt=None
    )
    assert renamed["name"] == "Planning"
    assert renamed["pinnedAt"] is None
    pinned = await call(
        client, team.admin, "update", sessionId="chat-1", pinnedAt="2026-01-02T03:04:05Z"
    )
    assert pinned["pinnedAt"].startswith("2026-01-02T03:04:05")
    assert pinned["name"] == "Planning"
    patched = await call(
        client, team.admin, "update-attributes", sessionId="chat-1", patch={"core": {"a": 1}}
    )
    assert patched["attributes"] == {"core": {"a": 1}}
    aliased = await call(
        client, team.admin, "update-attributes", sessionId="chat-1", attributes={"b": True}
    )
    assert aliased["attributes"] == {"core": {"a": 1}, "b": True}

    sent = await call(client, team.admin, "message", sessionId="chat-1", content="first")
    assert sent["status"] == "started"
    assert sent["message"]["content"] == "first"
    events = await call(client, team.admin, "events", sessionId="chat-1")
    assert [event["content"] for event in events["events"]] == ["first"]
    after = await call(
        client, team.admin, "events", sessionId="chat-1", after=events["events"][0]["id"]
    )
    assert after["events"] == []

    cleared = await call(client, team.admin, "clear", sessionId="chat-1")
    assert cleared["cleared"] is True
    assert (await call(client, team.admin, "events", sessionId="chat-1"))["events"] == []

    deleted = await call(client, team.admin, "delete", sessionId="chat-1")
    assert deleted == {"sessionId": "chat-1", "deleted": True}
    await refused(client, team.admin, "events", 404, "session_not_found", sessionId="chat-1")


async def test_a_sync_message_waits_for_the_agents_reply(
    client: httpx2.AsyncClient, team: Team, platform: Platform
) -> None:
    created = await call(client, team.admin, "create", 201, agentId=team.bot.id)
    session_id = created["sessionId"]
    answer: dict[str, Any] = {}

    async def ask() -> None:
        answer.update(
            await call(
                client,
                team.admin,
                "message",
                sessionId=session_id,
                content="ping?",
                mode="sync",
                timeout=10,
            )
        )

    async def reply_once_asked() -> None:
        while True:  # the agent answers once the question is posted
            event = await subscription.get()
            if isinstance(event, MessageCreated) and event.message.sender_id == team.admin.id:
                break
        sent = await client.post(
            f"/sessions/{session_id}/messages", json={"content": "pong"}, headers=team.bot.headers
        )
        assert sent.is_success, sent.text

    subscription = platform.bus.subscribe()
    try:
        with anyio.fail_after(10):
            async with anyio.create_task_group() as group:
                group.start_soon(ask)
                group.start_soon(reply_once_asked)
    finally:
        subscription.close()
    assert answer["status"] == "completed"
    assert answer["response"] == "pong"
    assert answer["reply"]["authorId"] == team.bot.id
    assert answer["reply"]["type"] == "agent_message"


async def test_bad_input_is_answered_in_the_plugins_error_shape(
    client: httpx2.AsyncClient, team: Team
) -> None:
    await refused(client, team.admin, "rename-all", 404, "tool_not_found")
    await refused(client, team.admin, "create", 400, "invalid_arguments")
    await refused(client, team.admin, "update", 400, "invalid_arguments", sessionId="x")
    await refused(client, team.admin, "events", 400, "invalid_arguments")
    await refused(client, team.admin, "events", 400, "invalid_arguments", sessionId="a\x00")
    await refused(client, team.admin, "events", 404, "session_not_found", sessionId="missing")
    await refused(client, team.admin, "create", 404, "session_not_found", agentId="no-such-agent")
    created = await call(client, team.admin, "create", 201, agentId=team.bot.id)
    sid = created["sessionId"]
    await refused(
        client, team.admin, "message", 400, "invalid_arguments", sessionId=sid, content=""
    )
    await refused(
        client,
        team.admin,
        "message",
        400,
        "invalid_arguments",
        sessionId=sid,
        content="x",
        mode="later",
    )
    await refused(
        client,
        team.admin,
        "update-attributes",
        400,
        "invalid_arguments",
        sessionId=sid,
        patch=[1],
    )
    await refused(client, None, "list", 401, "unauthorized")
    not_json = await client.post(f"{OPERATIONS}/list", content=b"{", headers=team.admin.headers)
    assert not_json.status_code == 400
    assert not_json.json()["code"] == "invalid_arguments"
