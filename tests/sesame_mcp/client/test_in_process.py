"""The client over `InProcessTransport`: the platform's app called in this process, as the
embedded MCP server calls it, with the same answers as over HTTP and no connection to the
server's socket."""

from __future__ import annotations

from typing import Any

import anyio
import httpx2
import pytest

from sesame_mcp.client import SesameClient, SesameError
from sesame_mcp.client.errors import TIMEOUT
from sesame_mcp.client.in_process import InProcessTransport, Receive, Send
from tests.sesame_mcp.conftest import Workspace

pytestmark = pytest.mark.anyio


async def test_the_app_answers_in_process_as_it_does_over_http(workspace: Workspace) -> None:
    account = await workspace.agent("scout")
    channel_id = await workspace.group("ops", account)
    over_http = await workspace.client_for(account)
    served = workspace.live.server.server_state
    requests_before = served.total_requests

    transport = InProcessTransport(workspace.live.app)
    async with SesameClient(workspace.url, api_key=account.api_key, transport=transport) as local:
        me = await local.auth.me()
        sent = await local.messages.send(channel_id, "in process")
        page = await local.messages.history(channel_id, limit=5)
        with pytest.raises(SesameError) as missing:
            await local.channels.get("01a00000-0000-7000-8000-000000000000")
        with pytest.raises(SesameError) as refused:
            await local.messages.send(channel_id, "")
    assert served.total_requests == requests_before  # none of them reached the socket

    assert me.id == account.id
    assert [message.id for message in page.items] == [sent.id]
    assert await over_http.messages.history(channel_id, limit=5) == page
    assert (missing.value.status, missing.value.code) == (404, "not_found")
    assert (refused.value.status, refused.value.code) == (400, "validation_error")


async def test_a_caller_that_stops_waiting_leaves_the_request_to_finish() -> None:
    release = anyio.Event()
    finished: list[str] = []

    async def slow(scope: dict[str, Any], receive: Receive, send: Send) -> None:
        await receive()
        await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})
        finished.append(scope["path"])

    transport = InProcessTransport(slow)
    client = SesameClient("http://embedded.test", api_key="sk_test", transport=transport)
    client._http.timeout = httpx2.Timeout(0.05)
    with pytest.raises(SesameError) as caught:
        await client.auth.me()
    assert caught.value.code == TIMEOUT
    assert finished == []
    release.set()
    await client.aclose()  # waits for requests under way
    assert finished == ["/api/v1/auth/me"]


async def test_an_app_that_fails_before_answering_answers_500() -> None:
    async def failing(scope: dict[str, Any], receive: Receive, send: Send) -> None:
        raise RuntimeError("broken")

    transport = InProcessTransport(failing)
    async with httpx2.AsyncClient(transport=transport, base_url="http://embedded.test") as http:
        response = await http.get("/healthz")
    assert (response.status_code, response.text) == (500, "Internal Server Error")
