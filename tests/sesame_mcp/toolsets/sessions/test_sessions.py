"""Toolset `sessions` through a real MCP client session, in both protocol eras: the agent
reserves the files it edits for this connection's session, checks paths another session
holds, lists its sessions, releases and ends; it writes into a chat session and reads its
history back."""

from __future__ import annotations

import pytest
from mcp import Client

from server_core.features import NAMES
from tests.sesame_mcp.conftest import Agent
from tests.sesame_mcp.toolsets.conftest import ok, text

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.skipif(
        "sessions" not in NAMES, reason="the platform's /sessions routes are not on this branch yet"
    ),
]


async def test_an_agent_reserves_checks_releases_and_ends_for_its_connection(
    mcp_all: Client, agent: Agent
) -> None:
    reserved = ok(
        await mcp_all.call_tool("reserve_files", {"paths": ["src/app.py"], "reason": "refactor"})
    )
    [granted] = reserved["granted"]
    own = granted["session_id"]
    assert (granted["path"], reserved["conflicts"]) == ("src/app.py", [])
    other = await agent.client.sessions.create(kind="ide", external_id="other-ide")
    await agent.client.sessions.reserve(other.id, ["README.md"], reason="docs")
    clash = ok(await mcp_all.call_tool("reserve_files", {"paths": ["README.md"]}))
    assert clash["granted"] == []
    assert clash["conflicts"][0]["holder"]["session_id"] == other.id
    checked = await mcp_all.call_tool("check_files", {"paths": ["src/app.py", "README.md"]})
    assert [(c["path"], c["allowed"]) for c in ok(checked)["paths"]] == [
        ("src/app.py", True),
        ("README.md", False),
    ]
    assert "- README.md: do not write" in text(checked)
    listed = ok(await mcp_all.call_tool("list_sessions", {"kind": "mcp"}))
    assert listed["own_session_id"] == own
    [mine] = [s for s in listed["sessions"] if s["id"] == own]
    assert mine["reserved_files"] == ["src/app.py"]
    assert "(this connection)" in text(await mcp_all.call_tool("list_sessions", {}))
    released = await mcp_all.call_tool("release_files", {})
    assert text(released) == "Released 1 reservations."
    ended = ok(await mcp_all.call_tool("end_session", {"session": other.id}))
    assert ended["session"]["status"] == "closed"
    assert ok(await mcp_all.call_tool("check_files", {"paths": ["README.md"]}))["paths"][0][
        "allowed"
    ]


async def test_an_agent_writes_into_a_session_and_reads_its_history(
    mcp_all: Client, agent: Agent
) -> None:
    chat = await agent.client.sessions.create(kind="chat", external_id="chat-1", title="Triage")
    sent = ok(
        await mcp_all.call_tool("send_to_session", {"session": "chat-1", "content": "status?"})
    )
    assert (sent["reply"], sent["timed_out"]) == (None, False)
    waited = await mcp_all.call_tool(
        "send_to_session", {"session": chat.id, "content": "anyone?", "mode": "sync", "timeout": 1}
    )
    assert ok(waited)["timed_out"] is True
    assert text(waited).endswith("No reply in time.")
    read = ok(await mcp_all.call_tool("read_session", {"session": chat.id}))
    assert [m["sender_text"] for m in read["messages"]] == ["status?", "anyone?"]
    after = ok(
        await mcp_all.call_tool(
            "read_session", {"session": chat.id, "after": read["messages"][0]["seq"]}
        )
    )
    assert [m["sender_text"] for m in after["messages"]] == ["anyone?"]
    missing = await mcp_all.call_tool("read_session", {"session": "nope"})
    assert missing.is_error
    assert "list_sessions" in text(missing)
