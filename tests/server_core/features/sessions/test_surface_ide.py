"""The enagrams IDE surface at `/workspaces/…`, driven as an IDE's hook configuration drives
it: snake_case bodies, bare replies, `{error, code}` errors."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from tests.helpers import data
from tests.server_core.features.messaging.team import Member, Team

pytestmark = pytest.mark.anyio
ROOT = "http://test/workspaces"


async def ide_hook(
    client: httpx2.AsyncClient, who: Member, event: str, status: int = 200, **body: Any
) -> Any:
    response = await client.post(
        f"{ROOT}/sessions/hook", json={"event": event, **body}, headers=who.headers
    )
    assert response.status_code == status, response.text
    return response.json()


async def workspace_of(client: httpx2.AsyncClient, who: Member, session_id: str) -> str:
    session = data(await client.get(f"/sessions/{session_id}", headers=who.headers))
    workspace: str = session["workspaceId"]
    return workspace


async def test_a_conversation_from_start_to_end(client: httpx2.AsyncClient, team: Team) -> None:
    started = await ide_hook(
        client,
        team.bot,
        "sessionStart",
        agent_type="cursor",
        conversation_id="conv_abc123",
        task="Build user authentication",
        cwd="/repo",
    )
    assert set(started) == {"session_id", "additional_context"}
    assert started["additional_context"].startswith("Team briefing:")
    session_id = started["session_id"]
    workspace = await workspace_of(client, team.bot, session_id)

    edit = {"tool_name": "Edit", "tool_input": {"file_path": "/repo/src/auth/login.ts"}}
    allowed = await ide_hook(client, team.bot, "PreToolUse", conversation_id="conv_abc123", **edit)
    assert allowed == {"session_id": session_id, "permission": "allow"}
    posted = await ide_hook(client, team.bot, "postToolUse", conversation_id="conv_abc123", **edit)
    assert posted["reserved"] == ["src/auth/login.ts"]

    # Another conversation is denied the file, in the seed's words.
    await ide_hook(
        client, team.other_bot, "SessionStart", conversation_id="conv_other", cwd="/repo"
    )
    denied = await ide_hook(
        client, team.other_bot, "preToolUse", conversation_id="conv_other", **edit
    )
    assert denied["permission"] == "deny"
    assert denied["message"].startswith("File src/auth/login.ts is reserved by ")
    assert "Build user authentication" in denied["message"]

    listed = (await client.get(f"{ROOT}/{workspace}/sessions", headers=team.bot.headers)).json()
    assert isinstance(listed, list)
    mine = next(row for row in listed if row["id"] == session_id)
    assert mine["agent_type"] == "cursor"
    assert mine["conversation_id"] == "conv_abc123"
    assert mine["current_task"] == "Build user authentication"
    assert mine["current_file"] == "src/auth/login.ts"
    assert mine["reserved_files"] == ["src/auth/login.ts"]
    assert set(mine) >= {"user_name", "branch", "last_heartbeat"}

    beat = await client.post(
        f"{ROOT}/sessions/heartbeat",
        json={"workspace_slug": workspace, "session_id": session_id},
        headers=team.bot.headers,
    )
    assert beat.status_code == 200, beat.text
    assert beat.json()["session_id"] == session_id

    ended = await client.post(
        f"{ROOT}/sessions/end",
        json={"workspace_slug": workspace, "session_id": session_id},
        headers=team.bot.headers,
    )
    assert ended.json() == {"session_id": session_id, "ended": True}
    allowed_now = await ide_hook(
        client, team.other_bot, "preToolUse", conversation_id="conv_other", **edit
    )
    assert allowed_now["permission"] == "allow"
    listed = (await client.get(f"{ROOT}/{workspace}/sessions", headers=team.bot.headers)).json()
    assert session_id not in {row["id"] for row in listed}


def assert_ide_error(response: httpx2.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["error"], str)
    assert body["error"]


async def test_bad_input_is_answered_in_the_ide_error_shape(
    client: httpx2.AsyncClient, team: Team
) -> None:
    hook_url = f"{ROOT}/sessions/hook"
    unknown = await client.post(hook_url, json={"event": "nope"}, headers=team.bot.headers)
    assert_ide_error(unknown, 400, "validation_error")
    wrong_slug = await client.post(
        hook_url,
        json={"event": "sessionStart", "workspace_slug": "not-ours", "conversation_id": "c1"},
        headers=team.bot.headers,
    )
    assert_ide_error(wrong_slug, 403, "forbidden")
    not_json = await client.post(hook_url, content=b"{", headers=team.bot.headers)
    assert_ide_error(not_json, 400, "invalid_json")
    no_event = await client.post(hook_url, json={"task": "x"}, headers=team.bot.headers)
    assert_ide_error(no_event, 400, "validation_error")
    no_key = await client.post(hook_url, json={"event": "sessionStart"})
    assert_ide_error(no_key, 401, "unauthorized")
    bad_key = await client.post(
        hook_url, json={"event": "sessionStart"}, headers={"Authorization": "Bearer sk_live_x"}
    )
    assert_ide_error(bad_key, 401, "invalid_credentials")
    ending_nothing = await client.post(
        f"{ROOT}/sessions/end", json={"session_id": "sess_missing"}, headers=team.bot.headers
    )
    assert_ide_error(ending_nothing, 404, "not_found")
    no_session_id = await client.post(
        f"{ROOT}/sessions/heartbeat", json={"workspace_slug": "x"}, headers=team.bot.headers
    )
    assert_ide_error(no_session_id, 400, "validation_error")
    other_workspace = await client.get(f"{ROOT}/elsewhere/sessions", headers=team.bot.headers)
    assert_ide_error(other_workspace, 403, "forbidden")
