"""The SDK's methods derived from the operation declarations: how a call maps to a request,
and what is refused before anything is sent."""

from __future__ import annotations

import httpx2
import pytest

from sesame_mcp.client import SesameClient, SesameError

pytestmark = pytest.mark.anyio


class Recorder(httpx2.AsyncBaseTransport):
    """Answers every request with an empty list, keeping what was asked."""

    def __init__(self) -> None:
        self.requests: list[httpx2.Request] = []

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        return httpx2.Response(200, json={"ok": True, "data": []})


@pytest.fixture
async def recorded() -> tuple[SesameClient, Recorder]:
    recorder = Recorder()
    return SesameClient("http://sesame", api_key="sk_live_x", transport=recorder), recorder


async def test_path_parameters_are_encoded_as_one_segment(
    recorded: tuple[SesameClient, Recorder],
) -> None:
    client, recorder = recorded
    await client.agents.api_keys("a/b c")
    assert recorder.requests[0].url.raw_path == b"/api/v1/agents/a%2Fb%20c/api-keys"


async def test_a_page_path_keeps_its_slashes(recorded: tuple[SesameClient, Recorder]) -> None:
    client, recorder = recorded
    await client.library.history("lib/x", "logs/été 2026")
    assert recorder.requests[0].url.raw_path == (
        b"/api/v1/library/lib%2Fx/pages/logs/%C3%A9t%C3%A9%202026/history"
    )


async def test_query_fields_go_in_wire_names_and_none_is_left_out(
    recorded: tuple[SesameClient, Recorder],
) -> None:
    client, recorder = recorded
    # A paged answer needs its pagination; an empty list without one reads as the last page.
    page = await client.agents.list(limit=5, include_archived=True, cursor=None)
    assert (page.items, page.cursor, page.has_more) == ([], None, False)
    assert dict(recorder.requests[0].url.params) == {"limit": "5", "includeArchived": "true"}


async def test_misuse_is_refused_before_anything_is_sent(
    recorded: tuple[SesameClient, Recorder],
) -> None:
    client, recorder = recorded
    with pytest.raises(TypeError, match="unexpected keyword argument"):
        await client.agents.create("scout", nickname="x")
    with pytest.raises(TypeError, match="missing path argument"):
        await client.agents.get()
    with pytest.raises(TypeError, match="positional arguments"):
        await client.agents.set_status("id", "working", "too many")
    with pytest.raises(SesameError) as caught:
        await client.agents.set_status("id", "working", progress=101)
    assert caught.value.code == "validation_error"
    assert recorder.requests == []
