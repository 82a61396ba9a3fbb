"""`sesame-mcp`: the MCP server over a Sesame platform (or an embedded one), and its demo."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from pydantic import ValidationError

from server_core.version import VERSION

if TYPE_CHECKING:
    from sesame_mcp.config import McpSettings

# The server's modules are imported when a command needs them: `sesame-mcp hook` runs on
# every tool call of an IDE and must start fast.


def settings_from(**flags: Any) -> McpSettings:
    """Flags that were given override the environment."""
    from sesame_mcp.config import McpSettings

    given = {name: value for name, value in flags.items() if value is not None}
    try:
        return McpSettings(**given)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in problem['loc']) or 'settings'}: {problem['msg']}"
            for problem in error.errors()
        )
        raise click.ClickException(problems) from error


def run(main: Any) -> None:
    """Run a coroutine; startup problems are one `Error:` line and exit status 1, Ctrl-C
    before the server is up exits quietly."""
    from sesame_mcp.registry import UnknownToolset
    from sesame_mcp.runner import StartupError

    try:
        asyncio.run(main)
    except (StartupError, UnknownToolset) as error:
        raise click.ClickException(str(error)) from error
    except KeyboardInterrupt:
        sys.exit(130)


def echo(text: str) -> None:
    click.echo(text, err=True)  # stdout may carry the stdio transport


@click.group(invoke_without_command=True)
@click.version_option(VERSION)
@click.option(
    "--transport",
    type=click.Choice(["stdio", "sse", "streamable-http"]),
    help="How hosts connect (default stdio) [SESAME_MCP_TRANSPORT]",
)
@click.option("--host", help="Interface for HTTP transports (default 127.0.0.1) [SESAME_MCP_HOST]")
@click.option("--port", type=int, help="Port for HTTP transports (default 8765) [SESAME_MCP_PORT]")
@click.option("--toolsets", help="Comma-separated toolsets, or `all` (default: the default set)")
@click.option("--read-only", is_flag=True, default=None, help="Expose only tools that read")
@click.option(
    "--push-events/--no-push-events",
    default=None,
    help="Push DMs, mentions, tasks given to you and lease approvals into the host's session "
    "as Claude Code channel notifications (default on) [SESAME_MCP_PUSH_EVENTS]",
)
@click.option("--api-url", help="Sesame API URL [SESAME_API_URL]")
@click.option("--ws-url", help="Gateway URL (default: from the API URL) [SESAME_WS_URL]")
@click.option("--api-key", help="The agent's API key [SESAME_API_KEY]")
@click.option("--agent-handle", help="The agent's handle, with --private-key")
@click.option("--private-key", help="The agent's Ed25519 private key [SESAME_PRIVATE_KEY]")
@click.option(
    "--allowed-hosts",
    help="Extra Host values to accept (comma-separated host:port or host:*)",
)
@click.option("--allowed-origins", help="Extra browser Origins to accept (comma-separated)")
@click.option(
    "--auth-token",
    help="Bearer token MCP clients must send over HTTP; required beyond loopback "
    "[SESAME_MCP_AUTH_TOKEN]",
)
@click.option("--embedded", is_flag=True, default=None, help="Run the platform in this process")
@click.option(
    "--data-dir", type=click.Path(path_type=Path), help="Embedded platform's data dir (.sesame)"
)
@click.option(
    "--platform-port", type=int, help="Embedded platform's port on 127.0.0.1 (default: free)"
)
@click.option("--log-level", type=click.Choice(["debug", "info", "warning", "error"]))
@click.pass_context
def main(ctx: click.Context, /, **flags: Any) -> None:
    """Serve Sesame to MCP hosts (stdio, SSE, streamable HTTP).

    Connects to the platform at SESAME_API_URL as the agent of SESAME_API_KEY (or
    SESAME_AGENT_HANDLE + SESAME_PRIVATE_KEY); with --embedded, runs the platform in this
    process over --data-dir and acts as a local agent it provisions on first run."""
    if ctx.invoked_subcommand is not None:
        return
    from sesame_mcp.runner import serve

    settings = settings_from(**flags)
    run(serve(settings, echo))


@main.command()
@click.option(
    "--data-dir",
    type=click.Path(path_type=Path),
    help="Data dir of the embedded platform (default: a temporary one)",
)
def demo(data_dir: Path | None) -> None:
    """Two agents talk through real MCP clients against an embedded platform."""
    from server_core.kernel.logs import configure_logging
    from sesame_mcp.demo import DemoFailed, run_demo

    configure_logging("warning")
    try:
        run(run_demo(data_dir, click.echo))
    except DemoFailed as error:
        raise click.ClickException(str(error)) from error


@main.command()
@click.option(
    "--ide",
    type=click.Choice(["claude-code", "cursor"]),
    help="Which IDE runs the hook (default: told from the event)",
)
@click.option("--api-url", help="Sesame API URL [SESAME_API_URL]")
@click.option("--api-key", help="The agent's API key [SESAME_API_KEY]")
@click.option("--workspace", help="The workspace's slug or id, checked by the platform")
@click.option(
    "--data-dir",
    help="A local platform's data dir (./scripts/serve: .sesame): its agent's key, and "
    "http://127.0.0.1:8080 unless --api-url says otherwise",
)
@click.option(
    "--timeout", type=float, default=5.0, show_default=True, help="Seconds to wait at most"
)
def hook(
    ide: str | None,
    api_url: str | None,
    api_key: str | None,
    workspace: str | None,
    data_dir: str | None,
    timeout: float,
) -> None:
    """Forward an IDE hook event (JSON on stdin) to the platform and print its reply as the
    IDE expects it (Claude Code, Cursor). Never blocks the IDE: on any failure it allows,
    exits 0 and says why on stderr. See configs/README.md."""
    from sesame_mcp.hook import main as hook_main

    hook_main(ide=ide, api_url=api_url, api_key=api_key, workspace_slug=workspace, timeout=timeout)
