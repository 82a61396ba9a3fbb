"""Two agents, each with its own `sesame-mcp` process, talk through real MCP clients on one
platform (server_core, live): what A sends with `send_message` reaches B's
`wait_for_events`, labelled with A's handle and the channel; over stdio and over streamable
HTTP."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client, StdioServerParameters

from tests.sesame_mcp.conftest import AgentAccount, Workspace
from tests.sesame_mcp.processes import BIN, STARTUP, clean_env, sesame_mcp

pytestmark = [pytest.mark.anyio, pytest.mark.slow]
WAIT = 30

Connect = Callable[[Workspace, AgentAccount], contextlib.AbstractAsyncContextManager[Client]]


def env_for(workspace: Workspace, account: AgentAccount) -> dict[str, str]:
    return clean_env(SESAME_API_URL=workspace.url, SESAME_API_KEY=account.api_key)


@contextlib.asynccontextmanager
async def over_stdio(workspace: Workspace, account: AgentAccount) -> AsyncIterator[Client]:
    params = StdioServerParameters(command=str(BIN), env=env_for(workspace, account))
    async with Client(params, mode="legacy") as client:
        yield client


@contextlib.asynccontextmanager
async def over_http(workspace: Workspace, account: AgentAccount) -> AsyncIterator[Client]:
    args = ("--transport", "streamable-http", "--port", "0")
    async with (
        sesame_mcp(*args, env=env_for(workspace, account)) as running,
        Client(running.url) as client,
    ):
        yield client
    assert running.process.returncode == 0, "\n".join(running.stderr)


async def call(client: Client, tool: str, **arguments: Any) -> dict[str, Any]:
    with anyio.fail_after(WAIT + arguments.get("timeout_seconds", 0)):
        result = await client.call_tool(tool, arguments)
    assert not result.is_error, result.content
    assert result.structured_content is not None
    return result.structured_content


@pytest.mark.parametrize("connect", [over_stdio, over_http], ids=["stdio", "streamable-http"])
async def test_what_a_sends_reaches_b_waiting_for_events_labelled(
    workspace: Workspace, connect: Connect
) -> None:
    alice = await workspace.agent("alice")
    bob = await workspace.agent("bob")
    plans = await workspace.group("plans", alice, bob)
    # Both servers start (and stop) within the bound, each call within its own.
    with anyio.fail_after(2 * STARTUP + 4 * WAIT):
        async with connect(workspace, alice) as a, connect(workspace, bob) as b:
            # Where B's events start: nothing has happened in #plans since B's server started.
            start = await call(b, "wait_for_events", channel_id=plans, timeout_seconds=1)
            assert start["events"] == []
            sent = await call(a, "send_message", channel=plans, content="Launch at noon?")
            answer = await call(
                b,
                "wait_for_events",
                cursor=start["next_cursor"],
                channel_id=plans,
                timeout_seconds=30,
            )
    [event] = answer["events"]
    assert (event["type"], event["author"], event["channel"], event["channel_id"]) == (
        "message",
        "alice",
        "#plans",
        plans,
    )
    assert event["author_text"] == "Launch at noon?"
    assert event["message_id"] == sent["message_id"]
    assert answer["timed_out"] is False


async def test_a_leased_secret_reaches_a_file_not_the_model_and_cannot_be_posted(
    workspace: Workspace,
) -> None:
    """A use_only agent's `sesame-mcp` process leases a secret a human approves: the value is
    in a private file, not in the tool result; posting it is refused; the file goes when the
    process stops."""
    canary = "canary-e2e-7Q2xLm"
    scout = await workspace.agent("scout")
    plans = await workspace.group("plans", scout)
    admin = workspace.admin
    vault = await admin.vault.create_vault("Prod")
    item = await admin.vault.create_item(vault.id, "db", "login", {"password": canary})
    await admin.vault.add_member(vault.id, scout.id, "use_only")

    async def approve() -> None:
        with anyio.fail_after(WAIT):
            while not (pending := await admin.vault.list_leases(status="pending")):  # noqa: ASYNC110
                await anyio.sleep(0.05)
        await admin.vault.approve_lease(pending[0].id)

    params = StdioServerParameters(
        command=str(BIN), args=["--toolsets", "all"], env=env_for(workspace, scout)
    )
    with anyio.fail_after(STARTUP + 3 * WAIT):
        async with Client(params, mode="legacy") as client:
            async with anyio.create_task_group() as group:
                group.start_soon(approve)
                result = await client.call_tool(
                    "lease_secret", {"item": "db", "reason": "deploy", "wait_seconds": WAIT}
                )
            assert not result.is_error, result.content
            assert canary not in str(result.content) + str(result.structured_content)
            leased = result.structured_content
            assert leased is not None
            assert leased["item_id"] == item.item.id
            file = Path(leased["file"])
            assert read_secret(file) == {"password": canary}
            posted = await client.call_tool(
                "send_message", {"channel": plans, "content": f"pw {canary}"}
            )
            assert posted.is_error
            assert (await admin.messages.history(plans)).items == []
    assert not exists(file)


def read_secret(file: Path) -> Any:
    return json.loads(file.read_text())


def exists(file: Path) -> bool:
    return file.exists()
