"""Toolset `work_streams` through a real MCP client session, in both protocol eras: an agent
starts a stream for its task in #plans, appends output, reads it back, finishes it (the task
is done, the channel's status message says so) and is told what to do about a second finish."""

from __future__ import annotations

import pytest
from mcp import Client

from tests.sesame_mcp.conftest import Workspace
from tests.sesame_mcp.toolsets.conftest import ok, text

pytestmark = pytest.mark.anyio


async def test_an_agent_streams_its_work_and_finishing_advances_the_task(
    mcp_all: Client, workspace: Workspace, plans: str
) -> None:
    task = await workspace.admin.tasks.create("Implement auth middleware", status="active")
    started = await mcp_all.call_tool(
        "start_work_stream",
        {
            "title": "Auth middleware (T-1)",
            "runner_type": "claude-code",
            "task": task.key,
            "channel": "#plans",
            "auto_advance": True,
            "notify": True,
        },
    )
    stream = ok(started)["work_stream"]
    assert (stream["status"], stream["task_id"], stream["channel_id"]) == (
        "running",
        task.id,
        plans,
    )
    appended = await mcp_all.call_tool(
        "append_work_stream_output",
        {"work_stream": stream["id"], "output": ["npm test", "12 passing"]},
    )
    assert text(appended) == "Appended 2 events (seq 1 to 2)."
    read = ok(
        await mcp_all.call_tool("read_work_stream", {"work_stream": stream["id"], "after": 1})
    )
    assert [(e["seq"], e["content"]) for e in read["events"]] == [(2, "12 passing")]
    finished = await mcp_all.call_tool(
        "finish_work_stream",
        {"work_stream": stream["id"], "result_summary": "Done. All tests passing."},
    )
    assert ok(finished)["work_stream"]["status"] == "completed"
    assert "Done. All tests passing." in text(finished)
    assert (await workspace.admin.tasks.get(task.id)).status == "done"
    history = await workspace.admin.messages.history(plans)
    [status] = [m for m in history.items if m.metadata.get("workStreamId") == stream["id"]]
    assert status.plaintext is not None
    assert status.plaintext.startswith("✅ Work stream completed: Auth middleware (T-1)")
    listed = ok(await mcp_all.call_tool("list_work_streams", {"task": task.key}))
    assert [s["id"] for s in listed["work_streams"]] == [stream["id"]]
    again = await mcp_all.call_tool("finish_work_stream", {"work_stream": stream["id"]})
    assert again.is_error
    assert "start_work_stream starts a new one" in text(again)
