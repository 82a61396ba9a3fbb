"""Running `sesame-mcp`: connect to the platform (or start it embedded), build the MCP server
over the shared state, serve it on the chosen transport until stopped, then close in order:
the MCP server first, then the platform client, then the embedded platform."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import anyio

from server_core.kernel.logs import configure_logging
from sesame_mcp.client import SesameClient, SesameError
from sesame_mcp.client.in_process import InProcessTransport
from sesame_mcp.config import McpSettings
from sesame_mcp.registry import select
from sesame_mcp.server import build_server
from sesame_mcp.state import Sesame, open_sesame
from sesame_mcp.toolsets import ALL_TOOLSETS
from sesame_mcp.transports import bind, serve_stdio, serving_mcp

if TYPE_CHECKING:
    from sesame_mcp.embedded import LocalPlatform

log = logging.getLogger(__name__)
Echo = Callable[[str], None]


class StartupError(Exception):
    """Why the server could not start, in a sentence for the person who started it."""


@dataclass
class Connected:
    """The platform client and who it acts as; `local` when the platform is embedded."""

    state: Sesame
    local: LocalPlatform | None


@contextlib.asynccontextmanager
async def connected(settings: McpSettings) -> AsyncIterator[Connected]:
    """The shared state over the configured platform (started here when embedded)."""
    async with contextlib.AsyncExitStack() as stack:
        local = None
        ws_url: str | None
        if settings.embedded:
            # The platform's app and storage are imported only when it runs here.
            from sesame_mcp.embedded import running_platform

            platform = running_platform(
                settings.data_dir, port=settings.platform_port, admin_email=settings.admin_email
            )
            try:
                local = await stack.enter_async_context(platform)
            except OSError as error:
                raise StartupError(
                    f"cannot start the embedded platform on 127.0.0.1:{settings.platform_port}"
                    f" (data dir {settings.data_dir}): {error.strerror or error}"
                ) from error
            api_url, ws_url = local.url, local.ws_url
            # REST calls go straight to the app; events still come over the gateway's socket.
            client_options: dict[str, Any] = {
                "api_key": local.agent.api_key,
                "transport": InProcessTransport(local.app),
            }
        else:
            if not settings.api_url:
                raise StartupError(
                    "no platform URL: set SESAME_API_URL (or --api-url), or run "
                    "`sesame-mcp --embedded` for a local platform"
                )
            try:
                client_options = settings.credentials()
            except ValueError as error:
                raise StartupError(str(error)) from error
            api_url, ws_url = settings.api_url, settings.ws_url
        try:
            client = SesameClient(api_url, ws_url=ws_url, **client_options)
        except ValueError as error:  # e.g. a private key that does not parse
            raise StartupError(f"bad credential: {error}") from error
        await stack.enter_async_context(client)
        try:
            state = await stack.enter_async_context(
                open_sesame(
                    client,
                    data_dir=settings.data_dir if settings.embedded else None,
                    remote=settings.transport != "stdio" and settings.beyond_loopback,
                )
            )
        except SesameError as error:
            raise StartupError(_unreachable(api_url, error)) from error
        yield Connected(state, local)


def _unreachable(url: str, error: SesameError) -> str:
    if error.status in (401, 403):
        return f"the platform at {url} refused the credential: {error.message}"
    if error.status is None:
        return f"cannot reach the platform at {url}: {error.message}"
    return f"the platform at {url} answered {error.status} {error.code}: {error.message}"


async def serve(settings: McpSettings, echo: Echo) -> None:
    """Serve until SIGINT/SIGTERM (or, on stdio, until the host closes the stream)."""
    if settings.is_http and settings.beyond_loopback and settings.auth_token is None:
        raise StartupError(
            f"binding {settings.host} exposes the server beyond this machine: set an auth "
            "token (--auth-token or SESAME_MCP_AUTH_TOKEN) that MCP clients send as a bearer "
            "token"
        )
    select(ALL_TOOLSETS, settings.toolsets, read_only=settings.read_only)  # fail fast
    # JSON lines on stderr, as the platform logs (stdout may carry the stdio transport).
    configure_logging(settings.log_level)
    stopping = anyio.Event()
    with _stop_on_signals(stopping):
        async with connected(settings) as conn:
            try:
                server = await build_server(
                    conn.state,
                    toolsets=settings.toolsets,
                    read_only=settings.read_only,
                    push_events=settings.push_events,
                    transport=settings.transport,
                )
            except SesameError as error:
                raise StartupError(_unreachable(conn.state.client.api_url, error)) from error
            tools = len(await server.list_tools())
            if settings.transport == "stdio":
                echo(banner(settings, conn, None, tools))
                await _until(stopping, serve_stdio(server))
            else:
                try:
                    sock = bind(settings.host, settings.port)
                except OSError as error:
                    raise StartupError(
                        f"cannot listen on {settings.host}:{settings.port}: {error.strerror}"
                    ) from error
                async with serving_mcp(server, settings, sock) as url:
                    echo(banner(settings, conn, url, tools))
                    await stopping.wait()
    log.info("stopped")


async def _until(stopping: anyio.Event, work: Any) -> None:
    """Run `work` until it ends or `stopping` is set."""
    async with anyio.create_task_group() as group:

        async def stop_when_asked() -> None:
            await stopping.wait()
            group.cancel_scope.cancel()

        group.start_soon(stop_when_asked)
        await work
        group.cancel_scope.cancel()


@contextlib.contextmanager
def _stop_on_signals(stopping: anyio.Event) -> Any:
    loop = asyncio.get_running_loop()
    handled = (signal.SIGINT, signal.SIGTERM)
    for sig in handled:
        loop.add_signal_handler(sig, stopping.set)
    try:
        yield
    finally:
        for sig in handled:
            loop.remove_signal_handler(sig)


def banner(settings: McpSettings, conn: Connected, url: str | None, tools: int) -> str:
    """What the person who started the server needs: where it is, how hosts add it, and
    (embedded) how to log in to the platform."""
    me = conn.state.me
    mode = " (read-only)" if settings.read_only else ""
    lines = [
        f"Sesame MCP server over {settings.transport}: {url or 'stdin/stdout'}",
        f"  acting as @{me.handle} ({me.display_name}) on {conn.state.client.api_url}; "
        f"tools: {tools}{mode}",
    ]
    if url is not None:
        header = ""
        if settings.auth_token is not None:
            header = ' --header "Authorization: Bearer $SESAME_MCP_AUTH_TOKEN"'
        kind = "sse" if settings.transport == "sse" else "http"
        lines += [
            "Add it to an MCP host:",
            f"  Claude Code:     claude mcp add --transport {kind} sesame {url}{header}",
            "  Claude Desktop:  configs/claude-desktop-http.json (or the stdio variant, "
            "configs/claude-desktop.json)",
            "  Cursor:          configs/cursor-mcp.json   -> ~/.cursor/mcp.json",
            "  VS Code:         configs/vscode-mcp.json   -> .vscode/mcp.json",
        ]
    if conn.local is not None:
        local = conn.local
        where = local.admin_password_file or "(set when the data dir was created)"
        lines += [
            f"Platform (embedded, data in {local.data_dir}): REST API {local.url}/api/v1, "
            f"docs {local.url}/docs",
            f"  console {local.url}/ (admin login: {local.admin_email}, password in {where})",
        ]
    return "\n".join(lines)
