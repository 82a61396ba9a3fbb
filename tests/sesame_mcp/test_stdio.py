"""`sesame-mcp` over stdio as a real process, spoken to line by line: stdout carries JSON-RPC
messages and nothing else, through startup, calls, errors and shutdown; a line that is not a
JSON-RPC message gets the JSON-RPC error for it, and the server carries on."""

from __future__ import annotations

import contextlib
import json
import subprocess
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import anyio
import pytest
from anyio.abc import Process
from anyio.streams.text import TextReceiveStream
from mcp.types import jsonrpc_message_adapter

from tests.sesame_mcp.conftest import Agent, Workspace
from tests.sesame_mcp.processes import BIN, STARTUP, clean_env

pytestmark = [pytest.mark.anyio, pytest.mark.slow]
WAIT = 30
INITIALIZE = {
    "protocolVersion": "2025-11-25",
    "capabilities": {},
    "clientInfo": {"name": "tests", "version": "1"},
}


@dataclass
class Host:
    """The host's end of a `sesame-mcp` stdio process: every stdout line it wrote, and the
    answers not yet taken."""

    process: Process
    stdout: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)
    arrived: anyio.Event = field(default_factory=anyio.Event)
    next_id: int = 100

    async def write(self, line: str) -> None:
        assert self.process.stdin is not None
        await self.process.stdin.send(line.encode() + b"\n")

    async def notify(self, method: str) -> None:
        await self.write(json.dumps({"jsonrpc": "2.0", "method": method}))

    async def request(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """Send a request; its answer."""
        self.next_id += 1
        request: dict[str, Any] = {"jsonrpc": "2.0", "id": self.next_id, "method": method}
        if params is not None:
            request["params"] = params
        await self.write(json.dumps(request))
        return await self.answer(self.next_id)

    async def answer(self, request_id: int | str | None) -> dict[str, Any]:
        """The answer with this id (None: an error the server could not tie to a request)."""
        with anyio.move_on_after(WAIT):
            while True:
                for answer in self.answers:
                    if "method" not in answer and answer.get("id") == request_id:
                        self.answers.remove(answer)
                        return answer
                await self.arrived.wait()
        raise AssertionError(f"no answer with id {request_id!r}; stdout: {self.stdout[-5:]}")

    def received(self, line: str) -> None:
        self.stdout.append(line)
        with contextlib.suppress(ValueError):
            self.answers.append(json.loads(line))
        self.arrived.set()
        self.arrived = anyio.Event()


async def _lines(stream: Any, take: Any) -> None:
    buffer = ""
    async for chunk in TextReceiveStream(stream):
        buffer += chunk
        *complete, buffer = buffer.split("\n")
        for line in complete:
            take(line)
    if buffer:
        take(buffer)


@contextlib.asynccontextmanager
async def stdio_host(workspace: Workspace, agent: Agent, *args: str) -> AsyncIterator[Host]:
    """`sesame-mcp` over stdio acting as `agent`, initialized; when the block ends, stdin is
    closed and the process must exit by itself."""
    env = clean_env(SESAME_API_URL=workspace.url, SESAME_API_KEY=agent.account.api_key)
    process = await anyio.open_process(
        [str(BIN), *args],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    async with process, anyio.create_task_group() as group:
        host = Host(process)
        group.start_soon(_lines, process.stdout, host.received)
        group.start_soon(_lines, process.stderr, host.stderr.append)
        try:
            with anyio.fail_after(STARTUP):
                started = await host.request("initialize", INITIALIZE)
            assert "result" in started, started
            await host.notify("notifications/initialized")
            yield host
        finally:
            assert process.stdin is not None
            await process.stdin.aclose()
            with anyio.fail_after(WAIT):
                exit_status = await process.wait()
            if exit_status is None:
                process.kill()
    assert exit_status == 0, "\n".join(host.stderr)


def assert_only_protocol_messages(host: Host) -> None:
    """Every line on stdout is one JSON-RPC message."""
    assert host.stdout
    for line in host.stdout:
        jsonrpc_message_adapter.validate_json(line)  # raises on anything else


def error_code(answer: dict[str, Any]) -> int:
    assert "error" in answer, answer
    code: int = answer["error"]["code"]
    return code


async def test_stdout_carries_only_protocol_messages_from_start_to_shutdown(
    workspace: Workspace, agent: Agent
) -> None:
    channel = await workspace.group("plans", agent.account)
    async with stdio_host(workspace, agent, "--log-level", "debug") as host:
        tools = await host.request("tools/list")
        assert "send_message" in {tool["name"] for tool in tools["result"]["tools"]}
        me = await host.request("tools/call", {"name": "whoami", "arguments": {}})
        assert me["result"]["isError"] is False
        sent = await host.request(
            "tools/call",
            {"name": "send_message", "arguments": {"channel": channel, "content": "hello"}},
        )
        assert sent["result"]["isError"] is False, sent
        failed = await host.request(
            "tools/call", {"name": "read_messages", "arguments": {"channel": "#no-such-channel"}}
        )
        assert failed["result"]["isError"] is True
        assert error_code(await host.request("no/such/method")) == -32601
    assert_only_protocol_messages(host)
    # The banner and the debug logs went to stderr.
    assert any("Sesame MCP server over stdio" in line for line in host.stderr)
    assert any('"level":"debug"' in line for line in host.stderr)


# Lines a host might send, and the error code and id their answers must have.
UNREADABLE: list[tuple[str, int, int | str | None]] = [
    ("this is not json", -32700, None),
    ('{"jsonrpc": "2.0", "id": 3, "method": "ping"', -32700, None),  # cut short
    ("[1, 2]", -32600, None),
    ('"ping"', -32600, None),
    ('{"jsonrpc": "2.0", "id": 7}', -32600, 7),  # no method
    ('{"id": "eight", "method": "ping"}', -32600, "eight"),  # no jsonrpc
    ('{"jsonrpc": "1.0", "id": 9, "method": "ping"}', -32600, 9),
    ('{"jsonrpc": "2.0", "id": 10, "method": "no/such"}', -32601, 10),
    ('{"jsonrpc": "2.0", "id": 11, "method": "tools/call"}', -32602, 11),  # no params
]


async def test_malformed_messages_get_their_json_rpc_errors_and_the_server_carries_on(
    workspace: Workspace, agent: Agent
) -> None:
    async with stdio_host(workspace, agent) as host:
        for line, code, request_id in UNREADABLE:
            await host.write(line)
            assert error_code(await host.answer(request_id)) == code, line
            assert (await host.request("ping"))["result"] == {}, line
        me = await host.request("tools/call", {"name": "whoami", "arguments": {}})
        assert me["result"]["isError"] is False
        assert host.answers == []  # one answer per line, no more
    assert_only_protocol_messages(host)
    assert any("unreadable message from the host" in line for line in host.stderr)
