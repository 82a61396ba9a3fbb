"""`sesame-mcp hook`: an IDE event in (Claude Code, Cursor), the platform's hook body out, and
the platform's reply printed as each IDE reads it; run as a real process, it never blocks the
IDE when the platform is unreachable or refuses, and against a real platform it carries a
session from start to end: what it wrote is reserved, and another session's write of it is
denied."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import anyio
import pytest

from server_core.features import NAMES
from sesame_mcp.hook import CLAUDE_CODE, CURSOR, ide_of, payload, reply
from tests.sesame_mcp.conftest import Agent, Workspace
from tests.sesame_mcp.processes import BIN, STARTUP, clean_env

HAS_SESSIONS = "sessions" in NAMES
needs_sessions = pytest.mark.skipif(
    not HAS_SESSIONS, reason="the platform's /sessions routes are not on this branch yet"
)

CLAUDE_PRE = {
    "hook_event_name": "PreToolUse",
    "session_id": "cc-1",
    "transcript_path": "/tmp/t.jsonl",
    "cwd": "/repo",
    "tool_name": "Edit",
    "tool_input": {"file_path": "/repo/src/app.py", "old_string": "a", "new_string": "b"},
}
CURSOR_PRE = {
    "hook_event_name": "preToolUse",
    "conversation_id": "conv-1",
    "generation_id": "gen-1",
    "workspace_roots": ["/repo"],
    "cursor_version": "2.0.77",
    "user_email": "ada@example.com",
    "tool_name": "edit_file",
    "tool_input": json.dumps({"target_file": "src/app.py"}),
}


def test_a_claude_code_event_becomes_the_platform_hook_body() -> None:
    assert ide_of(CLAUDE_PRE) == CLAUDE_CODE
    assert payload(CLAUDE_PRE, CLAUDE_CODE, "acme") == {
        "event": "PreToolUse",
        "agent_type": "claude-code",
        "conversation_id": "cc-1",
        "workspace_slug": "acme",
        "tool_input": CLAUDE_PRE["tool_input"],
        "tool_name": "Edit",
        "file_path": "/repo/src/app.py",
        "cwd": "/repo",
    }


def test_a_cursor_event_becomes_the_platform_hook_body() -> None:
    assert ide_of(CURSOR_PRE) == CURSOR
    assert payload(CURSOR_PRE, CURSOR, None) == {
        "event": "preToolUse",
        "agent_type": "cursor",
        "conversation_id": "conv-1",
        "tool_input": {"target_file": "src/app.py"},
        "tool_name": "edit_file",
        "file_path": "src/app.py",
        "cwd": "/repo",
        "user_name": "ada@example.com",
    }
    read = {"hook_event_name": "beforeReadFile", "conversation_id": "c", "file_path": "/r/a"}
    assert payload(read, CURSOR, None)["tool_name"] == "Read"  # a read is never refused


def test_replies_are_printed_as_each_ide_reads_them() -> None:
    denied = {"session_id": "s", "permission": "deny", "message": "File a.py is reserved by B"}
    assert reply("PreToolUse", CLAUDE_CODE, denied) == {
        "hookSpecificOutput": {
            "hookEventName": "PreToolUse",
            "permissionDecision": "deny",
            "permissionDecisionReason": "File a.py is reserved by B",
        }
    }
    assert reply("PreToolUse", CLAUDE_CODE, {"permission": "allow"}) is None
    assert reply("PreToolUse", CLAUDE_CODE, None) is None
    started = {"session_id": "s", "additional_context": "Team: @bob on a.py"}
    assert reply("SessionStart", CLAUDE_CODE, started) == {
        "hookSpecificOutput": {
            "hookEventName": "SessionStart",
            "additionalContext": "Team: @bob on a.py",
        }
    }
    assert reply("SessionEnd", CLAUDE_CODE, {"ended": True}) is None
    assert reply("preToolUse", CURSOR, denied) == {
        "permission": "deny",
        "user_message": "File a.py is reserved by B",
        "agent_message": "File a.py is reserved by B",
    }
    assert reply("preToolUse", CURSOR, None) == {"permission": "allow"}
    assert reply("sessionStart", CURSOR, started) == {"additional_context": "Team: @bob on a.py"}
    assert reply("beforeSubmitPrompt", CURSOR, None) == {"continue": True}
    assert reply("afterFileEdit", CURSOR, {"reserved": ["a.py"]}) == {}


async def run_hook(event: dict[str, Any], *args: str, **env: str) -> tuple[int, str, str]:
    """`sesame-mcp hook ARGS` with the event on stdin: exit status, stdout, stderr."""
    with anyio.fail_after(STARTUP):
        result = await anyio.run_process(
            [str(BIN), "hook", *args],
            input=json.dumps(event).encode(),
            env=clean_env(**env),
            check=False,
            stderr=subprocess.PIPE,
        )
    return result.returncode, result.stdout.decode(), result.stderr.decode()


@pytest.mark.anyio
@pytest.mark.slow
async def test_an_unreachable_platform_never_blocks_the_ide() -> None:
    down = {"SESAME_API_URL": "http://127.0.0.1:1", "SESAME_API_KEY": "sk_live_x"}
    code, out, err = await run_hook(CLAUDE_PRE, **down)
    assert (code, out) == (0, "")
    assert err.startswith("sesame-mcp hook: cannot reach http://127.0.0.1:1")
    assert err.rstrip().endswith("allowed")
    code, out, err = await run_hook(CURSOR_PRE, "--ide", "cursor", **down)
    assert (code, json.loads(out)) == (0, {"permission": "allow"})
    code, out, err = await run_hook(CLAUDE_PRE)  # no platform configured at all
    assert (code, out) == (0, "")
    assert "no platform URL" in err


@pytest.mark.anyio
@pytest.mark.slow
async def test_a_refused_key_allows_and_says_why(workspace: Workspace) -> None:
    env = {"SESAME_API_URL": workspace.url, "SESAME_API_KEY": "sk_live_not_a_key"}
    code, out, err = await run_hook(CURSOR_PRE, **env)
    assert (code, json.loads(out)) == (0, {"permission": "allow"})
    expected = 401 if HAS_SESSIONS else 404  # without the route, it is not found first
    assert f"the platform answered {expected}" in err


@needs_sessions
@pytest.mark.anyio
@pytest.mark.slow
async def test_a_conversation_reserves_what_it_writes_and_another_is_denied(
    workspace: Workspace, agent: Agent
) -> None:
    bob = await workspace.agent("bob")

    def as_(account_key: str, event: dict[str, Any]) -> Any:
        return run_hook(event, SESAME_API_URL=workspace.url, SESAME_API_KEY=account_key)

    start = {"hook_event_name": "SessionStart", "session_id": "cc-a", "cwd": "/repo"}
    code, out, _ = await as_(agent.account.api_key, start)
    assert code == 0
    if out:
        assert json.loads(out)["hookSpecificOutput"]["hookEventName"] == "SessionStart"
    pre = {**CLAUDE_PRE, "session_id": "cc-a"}
    code, out, err = await as_(agent.account.api_key, pre)
    assert (code, out) == (0, ""), err  # allowed: nothing printed
    post = {**pre, "hook_event_name": "PostToolUse", "tool_response": {"success": True}}
    code, out, err = await as_(agent.account.api_key, post)
    assert code == 0, err
    [session] = (await agent.client.sessions.list(external_id="cc-a")).items
    assert "src/app.py" in session.reserved_files
    other = {**CLAUDE_PRE, "session_id": "cc-b"}
    await as_(bob.api_key, {**start, "session_id": "cc-b"})
    code, out, err = await as_(bob.api_key, other)
    assert code == 0, err
    decision = json.loads(out)["hookSpecificOutput"]
    assert decision["permissionDecision"] == "deny"
    assert "src/app.py" in decision["permissionDecisionReason"]
    end = {"hook_event_name": "SessionEnd", "session_id": "cc-a", "reason": "exit"}
    code, out, err = await as_(agent.account.api_key, end)
    assert code == 0, err
    ended = await agent.client.sessions.get("cc-a")
    assert (ended.status, ended.reserved_files) == ("closed", [])
    code, out, err = await as_(bob.api_key, other)
    assert (code, out) == (0, ""), err  # released: bob may write it now
