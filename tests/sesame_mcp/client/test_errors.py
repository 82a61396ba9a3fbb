"""Every failure is one `SesameError` with the server's status and code: refusals (400, 403,
404, 409, 429 with its wait), requests refused before sending, unreachable servers and answers
that are not the API's."""

from __future__ import annotations

import socket
import uuid
from datetime import UTC, datetime, timedelta

import httpx2
import pytest

from sesame_mcp.client import SesameClient, SesameError
from tests.sesame_mcp.conftest import Workspace

pytestmark = pytest.mark.anyio


async def test_a_missing_resource_is_404_not_found(workspace: Workspace) -> None:
    with pytest.raises(SesameError) as caught:
        await workspace.admin.channels.get(str(uuid.uuid4()))
    error = caught.value
    assert (error.status, error.code, error.retry_after) == (404, "not_found", None)
    assert "channel" in error.message.lower()


async def test_what_a_principal_may_not_do_is_403_with_its_reason(workspace: Workspace) -> None:
    account = await workspace.agent("outsider")
    agent = await workspace.client_for(account)
    private = await workspace.group("private")
    with pytest.raises(SesameError) as caught:
        await agent.channels.get(private)
    assert (caught.value.status, caught.value.code) == (403, "not_channel_member")
    with pytest.raises(SesameError) as caught:
        await agent.agents.create("another")
    assert (caught.value.status, caught.value.code) == (403, "human_only")


async def test_a_conflict_is_409_with_its_reason(workspace: Workspace) -> None:
    await workspace.agent("taken")
    with pytest.raises(SesameError) as caught:
        await workspace.admin.agents.create("taken")
    assert (caught.value.status, caught.value.code) == (409, "handle_taken")

    channel = await workspace.group("closing")
    await workspace.admin.channels.update(channel, is_archived=True)
    with pytest.raises(SesameError) as caught:
        await workspace.admin.messages.send(channel, "too late")
    assert (caught.value.status, caught.value.code) == (409, "channel_archived")


async def test_a_refused_field_is_400_validation_error(workspace: Workspace) -> None:
    # Well formed, so the client sends it; the server refuses a date in the past. (The API
    # answers validation failures with 400, never 422.)
    past = datetime.now(UTC) - timedelta(days=1)
    with pytest.raises(SesameError) as caught:
        await workspace.admin.channels.create("group", name="old", auto_archive_at=past)
    assert (caught.value.status, caught.value.code) == (400, "bad_request")
    assert "autoArchiveAt" in caught.value.message


async def test_an_invalid_request_is_refused_before_it_is_sent() -> None:
    # Nothing listens on this server: the error can only come from the client.
    async with SesameClient(f"http://127.0.0.1:{_closed_port()}", api_key="sk_live_x") as client:
        with pytest.raises(SesameError) as caught:
            await client.messages.send(str(uuid.uuid4()), "")
    error = caught.value
    assert (error.status, error.code) == (400, "validation_error")
    assert error.message.startswith("content: ")
    assert error.details == [{"field": "content", "message": error.message[len("content: ") :]}]


async def test_loop_prevention_is_429_with_when_to_retry(workspace: Workspace) -> None:
    account = await workspace.agent("chatty")
    agent = await workspace.client_for(account)
    channel = await workspace.group("limited", account)
    await workspace.admin.channels.set_coordination(
        channel, "free", loop_prevention={"max_consecutive": 1, "cooldown_ms": 2500}
    )
    await agent.messages.send(channel, "one")
    with pytest.raises(SesameError) as caught:
        await agent.messages.send(channel, "two")
    error = caught.value
    assert (error.status, error.code) == (429, "loop_prevention")
    assert error.details == {"retryAfterMs": 2500}
    assert error.retry_after == 2.5  # the precise wait, not Retry-After's whole seconds


async def test_an_unreachable_server_is_connection_failed() -> None:
    async with SesameClient(f"http://127.0.0.1:{_closed_port()}", api_key="sk_live_x") as client:
        with pytest.raises(SesameError) as caught:
            await client.auth.me()
    assert (caught.value.status, caught.value.code) == (None, "connection_failed")


@pytest.mark.parametrize(
    ("status", "content", "code"),
    [
        (502, b"<html>Bad gateway</html>", "bad_response"),
        (200, b'{"not": "an envelope"}', "bad_response"),
        (200, b'{"ok": true, "data": {"id": 1}}', "bad_response"),
        (418, b'{"error": "short and stout", "status": 418}', "http_418"),
    ],
)
async def test_an_answer_that_is_not_the_apis_is_bad_response(
    status: int, content: bytes, code: str
) -> None:
    transport = httpx2.MockTransport(lambda request: httpx2.Response(status, content=content))
    async with SesameClient("http://sesame", api_key="sk_live_x", transport=transport) as client:
        with pytest.raises(SesameError) as caught:
            await client.auth.me()
    assert (caught.value.status, caught.value.code) == (status, code)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
