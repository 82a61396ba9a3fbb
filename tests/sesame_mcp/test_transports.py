"""The HTTP transports' guard, on a real uvicorn server in process: Host (421, or 400 when
repeated), Origin (403) and the MCP server's own bearer token (401), in front of the SDK's
streamable HTTP and SSE apps."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.server import MCPServer
from mcp.shared._httpx_utils import create_mcp_http_client
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from sesame_mcp.config import McpSettings
from sesame_mcp.transports import bind, security_settings, serving, serving_mcp

pytestmark = pytest.mark.anyio
WAIT = 10
TOKEN = "a-long-enough-test-token"
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "tests", "version": "1"},
    },
}
MCP_HEADERS = {"accept": "application/json, text/event-stream"}


def settings(**values: Any) -> McpSettings:
    base: dict[str, Any] = {
        "transport": "streamable-http",
        "host": "127.0.0.1",
        "port": 0,
        "auth_token": None,
        "allowed_hosts": [],
        "allowed_origins": [],
    }
    return McpSettings(**{**base, **values})


def echo_server() -> MCPServer[Any]:
    server: MCPServer[Any] = MCPServer("echo")

    @server.tool()
    def ping() -> str:
        """Answer pong."""
        return "pong"

    return server


@contextlib.asynccontextmanager
async def serve(config: McpSettings) -> AsyncIterator[str]:
    async with serving_mcp(echo_server(), config, bind(config.host, 0)) as url:
        yield url


@pytest.fixture
async def url() -> AsyncIterator[str]:
    """A loopback streamable-HTTP server, extra Host and Origin allowed."""
    config = settings(allowed_hosts=["mcp.example:*"], allowed_origins=["https://app.example"])
    async with serve(config) as served:
        yield served


async def post(url: str, **headers: str) -> httpx2.Response:
    async with httpx2.AsyncClient(timeout=WAIT) as http:
        return await http.post(url, json=INITIALIZE, headers={**MCP_HEADERS, **headers})


async def test_a_foreign_origin_is_refused_with_403(url: str) -> None:
    response = await post(url, origin="http://evil.example")
    assert response.status_code == 403


async def test_a_foreign_host_is_refused_with_421(url: str) -> None:
    response = await post(url, host="evil.example")
    assert response.status_code == 421


async def test_its_own_names_and_the_allow_lists_pass(url: str) -> None:
    port = url.split(":")[2].split("/")[0]
    own = await post(url, origin=f"http://localhost:{port}", host=f"localhost:{port}")
    listed = await post(url, origin="https://app.example", host="mcp.example:443")
    assert (own.status_code, listed.status_code) == (200, 200)


async def post_raw(url: str, headers: list[tuple[str, str]]) -> int:
    """POST `initialize` with exactly these headers (an HTTP client would merge or refuse a
    repeated Host); the response's status."""
    _, authority, path = url.split("/", 3)[1:]
    host, port = authority.rsplit(":", 1)
    body = json.dumps(INITIALIZE).encode()
    lines = [f"POST /{path} HTTP/1.1", *(f"{name}: {value}" for name, value in headers)]
    lines += [f"content-length: {len(body)}", "content-type: application/json"]
    lines += [f"accept: {MCP_HEADERS['accept']}", "connection: close"]
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        writer.write("\r\n".join(lines).encode() + b"\r\n\r\n" + body)
        with anyio.fail_after(WAIT):
            status_line = await reader.readline()
    finally:
        writer.close()
    return int(status_line.split()[1])


async def test_a_request_with_more_than_one_host_header_is_refused_with_400(url: str) -> None:
    good = url.split("/")[2]
    assert await post_raw(url, [("host", good)]) == 200
    for hosts in ([good, "evil.example"], ["evil.example", good], [good, good]):
        assert await post_raw(url, [("host", name) for name in hosts]) == 400, hosts


async def test_the_allow_lists_extend_the_loopback_defaults() -> None:
    config = settings(allowed_hosts=["mcp.example:8443"], allowed_origins=["https://a.example"])
    security = security_settings(config, 8765)
    assert security.enable_dns_rebinding_protection
    assert security.allowed_hosts == [
        "127.0.0.1:8765",
        "localhost:8765",
        "[::1]:8765",
        "mcp.example:8443",
    ]
    assert "http://localhost:8765" in security.allowed_origins
    assert "https://a.example" in security.allowed_origins
    assert "http://localhost:9999" not in security.allowed_origins


async def test_sse_has_the_same_guard() -> None:
    async with serve(settings(transport="sse")) as url:
        assert url.endswith("/sse")
        async with httpx2.AsyncClient(timeout=WAIT) as http:
            host = await http.get(url, headers={"host": "evil.example"})
            origin = await http.get(url, headers={"origin": "http://evil.example"})
        assert (host.status_code, origin.status_code) == (421, 403)


@pytest.fixture
async def exposed() -> AsyncIterator[str]:
    """Bound on every interface, with a token."""
    async with serve(settings(host="0.0.0.0", auth_token=TOKEN)) as served:  # noqa: S104
        yield served


async def test_beyond_loopback_a_request_without_the_token_gets_401(exposed: str) -> None:
    missing = await post(exposed)
    wrong = await post(exposed, authorization="Bearer not-the-token-at-all")
    assert (missing.status_code, wrong.status_code) == (401, 401)
    assert missing.headers["www-authenticate"] == "Bearer"
    assert wrong.headers["www-authenticate"].startswith("Bearer")


async def test_beyond_loopback_the_right_token_lets_a_client_in(exposed: str) -> None:
    http = create_mcp_http_client(headers={"authorization": f"Bearer {TOKEN}"})
    async with http:
        with anyio.fail_after(WAIT):
            async with Client(streamable_http_client(exposed, http_client=http)) as client:
                result = await client.call_tool("ping", {})
    assert result.content[0].text == "pong"  # type: ignore[union-attr]


async def test_accepted_connections_have_nagle_off() -> None:
    """With Nagle's algorithm on, a response's body (written after its headers) waits for the
    client's delayed ACK: ~40 ms a request on loopback."""

    async def answer(_: Request) -> PlainTextResponse:
        return PlainTextResponse("ok")

    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    async with (
        serving(Starlette(routes=[Route("/", answer)]), sock) as server,
        httpx2.AsyncClient(timeout=WAIT) as http,
    ):
        response = await http.get(f"http://127.0.0.1:{port}/")
        accepted = [
            connection.transport.get_extra_info("socket")
            for connection in server.server_state.connections
        ]
        nodelay = [s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) for s in accepted]
    assert response.text == "ok"
    assert len(nodelay) == 1  # the client's kept-alive connection
    assert all(nodelay)
