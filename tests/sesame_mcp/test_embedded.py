"""`sesame-mcp --embedded` as a real process: the platform in process, a local agent
provisioned once, served over streamable HTTP, stdio and SSE to the SDK's clients."""

from __future__ import annotations

import json
import signal
import stat
import subprocess
from pathlib import Path

import anyio
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.sse import sse_client
from mcp.types import TextResourceContents

from tests.sesame_mcp.processes import BIN, clean_env, sesame_mcp

pytestmark = [pytest.mark.anyio, pytest.mark.slow]
WAIT = 30


async def whoami(client: Client) -> dict[str, str]:
    """The agent the server acts as, from its `sesame://me` resource."""
    result = await client.read_resource("sesame://me")
    content = result.contents[0]
    assert isinstance(content, TextResourceContents), content
    principal: dict[str, str] = json.loads(content.text)
    return principal


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_first_run_provisions_an_agent_that_later_runs_reuse(tmp_path: Path) -> None:
    data = tmp_path / "data"
    args = ["--embedded", "--data-dir", str(data), "--transport", "streamable-http", "--port", "0"]
    async with sesame_mcp(*args) as first:
        with anyio.fail_after(WAIT):
            async with Client(first.url) as client:
                tools = {tool.name for tool in (await client.list_tools()).tools}
                me = await whoami(client)
    assert first.process.returncode == 0  # SIGTERM: a clean stop
    assert {"send_message", "wake", "save_state", "remember"} <= tools
    assert me["handle"] == "local-agent"
    assert me["kind"] == "agent"
    banner = "\n".join(first.stderr)
    assert "admin login: admin@localhost, password in " + str(data / "admin.json") in banner
    assert "claude mcp add --transport http sesame " + first.url in banner

    saved = json.loads((data / "agent.json").read_text())
    assert saved["id"] == me["id"]
    assert saved["apiKey"].startswith("sk_")
    assert mode(data / "agent.json") == 0o600
    assert mode(data / "admin.json") == 0o600
    admin = json.loads((data / "admin.json").read_text())
    assert admin["email"] == "admin@localhost"

    async with sesame_mcp(*args) as second:
        with anyio.fail_after(WAIT):
            async with Client(second.url) as client:
                assert (await whoami(client))["id"] == me["id"]
    assert json.loads((data / "agent.json").read_text()) == saved
    assert json.loads((data / "admin.json").read_text()) == admin


async def test_stdio_transport_serves_the_sdk_stdio_client(tmp_path: Path) -> None:
    params = StdioServerParameters(
        command=str(BIN),
        args=["--embedded", "--data-dir", str(tmp_path / "data")],
        env=clean_env(),
    )
    with anyio.fail_after(60):
        async with Client(params, mode="legacy") as client:
            assert client.instructions is not None
            assert "@local-agent" in client.instructions
            assert (await whoami(client))["handle"] == "local-agent"


async def test_on_stdio_sigterm_stops_it_while_the_host_keeps_stdin_open(
    tmp_path: Path,
) -> None:
    args = ["--embedded", "--data-dir", str(tmp_path / "data")]
    async with sesame_mcp(*args, stdin=subprocess.PIPE) as running:
        assert running.url == "stdin/stdout"
        running.process.send_signal(signal.SIGTERM)
        with anyio.fail_after(10):
            assert await running.process.wait() == 0


async def test_sse_transport_serves_the_sdk_sse_client(tmp_path: Path) -> None:
    args = ["--embedded", "--data-dir", str(tmp_path / "data"), "--transport", "sse"]
    async with sesame_mcp(*args, "--port", "0") as running:
        assert running.url.endswith("/sse")
        with anyio.fail_after(WAIT):
            async with Client(sse_client(running.url), mode="legacy") as client:
                assert (await whoami(client))["handle"] == "local-agent"
    assert running.process.returncode == 0
