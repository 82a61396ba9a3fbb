"""Toolset `autonomy` through a real MCP client session, in both protocol eras: an agent sets,
lists and cancels timers on its task and is told what to do about a time in the past; it
subscribes to GitHub CI, and a delivery signed as GitHub signs it, POSTed over real HTTP to
the inbound URL, reaches it through `wait_for_events`, as does a timer the running server's
worker fires."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import anyio
import httpx2
import orjson
import pytest
from mcp import Client

from sesame_mcp.server import build_server
from sesame_mcp.state import Sesame, open_sesame
from tests.sesame_mcp.client.test_events import QUICK
from tests.sesame_mcp.conftest import WAIT, Agent, Workspace
from tests.sesame_mcp.toolsets.conftest import ok, text

pytestmark = pytest.mark.anyio

RUN: dict[str, Any] = {
    "action": "completed",
    "workflow_run": {
        "name": "CI",
        "head_branch": "main",
        "conclusion": "failure",
        "html_url": "https://github.com/org/sesame/actions/runs/7",
    },
    "repository": {"full_name": "org/sesame"},
}


async def test_an_agent_sets_lists_and_cancels_timers_on_its_task(
    mcp_all: Client, workspace: Workspace, agent: Agent
) -> None:
    task = await workspace.admin.tasks.create("Fix the build", assignee_ids=[agent.account.id])
    fire_at = (datetime.now(UTC) + timedelta(minutes=20)).replace(microsecond=0)
    set_ = await mcp_all.call_tool(
        "set_timer",
        {"task": task.key, "fire_at": fire_at.isoformat(), "message": "Check CI"},
    )
    timer = ok(set_)["timer"]
    assert (timer["status"], timer["message"]) == ("pending", "Check CI")
    assert text(set_) == (
        f"Timer set: you will be woken at {fire_at:%Y-%m-%d %H:%M} UTC [{timer['id']}]."
    )
    listed = await mcp_all.call_tool("list_timers", {"task": task.key})
    assert [t["id"] for t in ok(listed)["timers"]] == [timer["id"]]
    assert "Check CI" in text(listed)
    cancelled = await mcp_all.call_tool("cancel_timer", {"task": task.key, "timer_id": timer["id"]})
    assert ok(cancelled)["timer"]["status"] == "cancelled"
    again = await mcp_all.call_tool("cancel_timer", {"task": task.key, "timer_id": timer["id"]})
    assert again.is_error
    assert "list_timers shows which timers are still pending" in text(again)
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    refused = await mcp_all.call_tool(
        "set_timer", {"task": task.key, "fire_at": past, "message": "too late"}
    )
    assert refused.is_error
    assert "give fire_at in the future" in text(refused)


async def test_an_agent_subscribes_lists_and_unsubscribes(mcp_all: Client) -> None:
    made = await mcp_all.call_tool(
        "subscribe_wake",
        {"source": "github", "event": "workflow_run.completed", "filter": {"repo": "org/sesame"}},
    )
    subscription = ok(made)["subscription"]
    secret = ok(made)["secret"]
    assert secret.startswith("whsec_")
    assert f"Secret: {secret}" in text(made)
    assert subscription["inbound_url"].endswith(f"/inbound/github/{subscription['id']}")
    listed = await mcp_all.call_tool("list_wake_subscriptions", {})
    assert [s["id"] for s in ok(listed)["subscriptions"]] == [subscription["id"]]
    assert "github workflow_run.completed where repo=org/sesame" in text(listed)
    assert secret not in text(listed)
    gone = await mcp_all.call_tool("unsubscribe_wake", {"subscription_id": subscription["id"]})
    assert "Unsubscribed from github workflow_run.completed" in text(gone)
    assert ok(await mcp_all.call_tool("list_wake_subscriptions", {}))["subscriptions"] == []


async def wake_messages_while_waiting(
    state: Sesame, mcp: Client, act: Callable[[], Awaitable[None]]
) -> list[dict[str, Any]]:
    """Call wait_for_events (messages only); once it blocks on the server, `await act()`; the
    events it returns."""
    answer: dict[str, Any] = {}

    async def wait() -> None:
        arguments = {"timeout_seconds": 30, "types": ["message"]}
        with anyio.fail_after(WAIT + 30):
            answer.update(ok(await mcp.call_tool("wait_for_events", arguments)))

    async with anyio.create_task_group() as group:
        group.start_soon(wait)
        with anyio.fail_after(WAIT):
            await state.feed.log.settle(1)
        await act()
    events: list[dict[str, Any]] = answer["events"]
    return events


async def test_a_github_delivery_wakes_the_agent_through_wait_for_events(
    workspace: Workspace, agent: Agent, era: str
) -> None:
    async with open_sesame(agent.client, listener_options=QUICK) as state:
        server = await build_server(state, toolsets=["all"])
        async with Client(server, mode=era) as mcp:
            watch = {
                "source": "github",
                "event": "workflow_run.completed",
                "filter": {"repo": "org/sesame", "conclusion": "failure"},
            }
            made = ok(await mcp.call_tool("subscribe_wake", watch))
            # The URL names the configured origin; the test server listens on its own port.
            url = workspace.url + urlsplit(made["subscription"]["inbound_url"]).path
            body = orjson.dumps(RUN)
            digest = hmac.new(made["secret"].encode(), body, hashlib.sha256).hexdigest()
            headers = {
                "Content-Type": "application/json",
                "X-GitHub-Event": "workflow_run",
                "X-Hub-Signature-256": f"sha256={digest}",
            }

            async def deliver() -> None:
                async with httpx2.AsyncClient() as http:
                    sent = await http.post(url, content=body, headers=headers)
                assert sent.status_code == 200, sent.text
                assert sent.json()["data"]["matched"] is True

            [event] = await wake_messages_while_waiting(state, mcp, deliver)
    assert event["author_text"] == (
        "🔔 GitHub workflow_run.completed in org/sesame\n"
        "CI, branch main, failure\n"
        "https://github.com/org/sesame/actions/runs/7"
    )


async def test_a_timer_set_over_mcp_fires_on_the_running_server(
    workspace: Workspace, agent: Agent
) -> None:
    """The server's own timer worker fires it (polling every second): no clock is held."""
    task = await workspace.admin.tasks.create("Watch the deploy", assignee_ids=[agent.account.id])
    async with open_sesame(agent.client, listener_options=QUICK) as state:
        server = await build_server(state, toolsets=["all"])
        async with Client(server) as mcp:

            async def set_timer() -> None:
                fire_at = datetime.now(UTC) + timedelta(seconds=1)
                arguments = {"task": task.key, "fire_at": fire_at.isoformat(), "message": "Look"}
                ok(await mcp.call_tool("set_timer", arguments))

            [event] = await wake_messages_while_waiting(state, mcp, set_timer)
    assert event["author_text"] == f"⏰ Timer on {task.key} “Watch the deploy” (todo): Look"
