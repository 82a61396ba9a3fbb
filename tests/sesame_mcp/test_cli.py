"""`sesame-mcp`'s command line: settings from flags over the environment, one clear line for
each reason it cannot start, a platform given by URL and credential, and the demo."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import anyio
import pytest
from click.testing import CliRunner
from mcp import Client

from sesame_mcp.cli import main
from sesame_mcp.config import DEFAULT_HTTP_PORT
from tests.sesame_mcp.conftest import Workspace, base_url
from tests.sesame_mcp.processes import clean_env, run_to_end, sesame_mcp


def invoke(*args: str, **env: str) -> tuple[int, str]:
    """Run the command in process, without the developer's SESAME_* variables."""
    unset: dict[str, str | None] = {key: None for key in os.environ if key.startswith("SESAME_")}
    runner = CliRunner(env={**unset, **env})
    result = runner.invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_without_a_platform_it_says_how_to_name_one() -> None:
    code, output = invoke()
    assert code == 1
    assert "Error: no platform URL: set SESAME_API_URL (or --api-url)" in output
    assert "--embedded" in output


def test_without_a_credential_it_names_the_variables() -> None:
    code, output = invoke(SESAME_API_URL="http://127.0.0.1:1")
    assert code == 1
    assert "no platform credential: set SESAME_API_KEY" in output


def test_two_credentials_are_refused() -> None:
    code, output = invoke(
        "--api-url", "http://127.0.0.1:1", "--api-key", "k", "--agent-handle", "scout"
    )
    assert code == 1
    assert "give one credential" in output


def test_an_unknown_toolset_is_named_with_the_known_ones() -> None:
    code, output = invoke("--toolsets", "identity,nope", SESAME_API_URL="http://127.0.0.1:1")
    assert code == 1
    assert (
        "unknown toolset nope; known: attention, autonomy, channel_admin, channels, "
        "continuity, discovery, drive, events, identity, library, library_admin, memory, "
        "message_admin, messaging, people, profile, projects, schedule, sessions, tasks, "
        "tasks_admin, toolsets, vault, vault_admin, webhooks, work, work_streams, all, default"
        in output
    )


def test_beyond_loopback_an_http_transport_needs_an_auth_token() -> None:
    args = ["--transport", "streamable-http", "--host", "0.0.0.0", "--api-key", "k"]  # noqa: S104
    code, output = invoke(*args, SESAME_API_URL="http://127.0.0.1:1")
    assert code == 1
    assert "set an auth token (--auth-token or SESAME_MCP_AUTH_TOKEN)" in output


def test_a_short_auth_token_is_refused() -> None:
    code, output = invoke("--auth-token", "short")
    assert code == 1
    assert "at least 16 characters" in output


def test_an_unreachable_platform_is_one_line_without_traceback() -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    code, output = invoke("--api-url", url, "--api-key", "sk_live_x")
    assert code == 1
    assert f"Error: cannot reach the platform at {url}" in output
    assert "Traceback" not in output


def test_a_busy_platform_port_is_one_line_without_traceback(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        code, output = invoke("--embedded", "--data-dir", str(tmp_path), "--platform-port", port)
    assert code == 1
    assert f"Error: cannot start the embedded platform on 127.0.0.1:{port}" in output
    assert "Traceback" not in output


@pytest.mark.anyio
@pytest.mark.slow
async def test_a_refused_credential_is_one_line_without_traceback(workspace: Workspace) -> None:
    code, stderr = await run_to_end("--api-url", workspace.url, "--api-key", "sk_live_wrong")
    assert code == 1
    assert f"Error: the platform at {workspace.url} refused the credential" in stderr
    assert "Traceback" not in stderr


@pytest.mark.anyio
@pytest.mark.slow
async def test_it_serves_a_platform_named_by_the_environment(workspace: Workspace) -> None:
    account = await workspace.agent("scout")
    env = clean_env(SESAME_API_URL=workspace.url, SESAME_API_KEY=account.api_key)
    async with sesame_mcp("--transport", "streamable-http", "--port", "0", env=env) as running:
        with anyio.fail_after(30):
            async with Client(running.url) as client:
                result = await client.call_tool("whoami", {})
    assert result.structured_content is not None
    assert result.structured_content["principal"]["id"] == account.id
    assert f"acting as @scout (scout) on {base_url(workspace.live)}" in "\n".join(running.stderr)


@pytest.mark.anyio
@pytest.mark.slow
async def test_the_demo_runs_a_two_agent_exchange(tmp_path: Path) -> None:
    from sesame_mcp.demo import run_demo

    lines: list[str] = []
    with anyio.fail_after(60):
        await run_demo(tmp_path / "data", lines.append)
    output = "\n".join(lines)
    assert "Alice -> create_channel(" in output
    assert "Bob -> read_messages(" in output
    assert "Hi Bob, can you check the launch checklist?" in output
    assert "Checked: all green" in output
    assert output.endswith("Alice read the answer.")


CONFIGS = Path(__file__).parents[2] / "configs"


@pytest.mark.parametrize(
    ("name", "servers"),
    [
        ("claude-desktop.json", "mcpServers"),
        ("claude-desktop-http.json", "mcpServers"),
        ("cursor-mcp.json", "mcpServers"),
        ("cursor-mcp-stdio.json", "mcpServers"),
        ("vscode-mcp.json", "servers"),
        ("vscode-mcp-stdio.json", "servers"),
    ],
)
def test_host_configs_name_the_server_in_the_host_format(name: str, servers: str) -> None:
    config = json.loads((CONFIGS / name).read_text())
    server = config[servers]["sesame"]
    if "command" in server:
        assert server["command"] == "npx" or server["args"][:1] == ["--embedded"]
    if "url" in server or "mcp-remote" in server.get("args", []):
        named = [server.get("url"), *server.get("args", [])]
        assert f"http://127.0.0.1:{DEFAULT_HTTP_PORT}/mcp" in named
