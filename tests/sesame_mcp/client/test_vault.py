"""`client.vault` beyond what every declared operation does: clearing the masking policy, and
the two access trails with their offset cursors."""

from __future__ import annotations

import json
from typing import Any

import httpx2
import pytest

from server_core.features.vault.schemas import MaskingPolicy
from sesame_mcp.client import SesameClient

pytestmark = pytest.mark.anyio

VAULT = {
    "id": "v1",
    "workspaceId": "w1",
    "name": "Production",
    "description": None,
    "sensitivityLabel": "high",
    "maskingPolicy": None,
    "createdBy": "p1",
    "role": "owner",
    "itemCount": 0,
    "createdAt": "2026-03-14T12:00:00.000Z",
    "updatedAt": "2026-03-14T12:00:00.000Z",
}


class Recorder(httpx2.AsyncBaseTransport):
    """Answers every request with `answer`, keeping what was asked."""

    def __init__(self, answer: dict[str, Any]) -> None:
        self.answer = answer
        self.requests: list[httpx2.Request] = []

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        return httpx2.Response(200, json=self.answer)


def client_with(answer: dict[str, Any]) -> tuple[SesameClient, Recorder]:
    recorder = Recorder(answer)
    return SesameClient("http://sesame", api_key="sk_live_x", transport=recorder), recorder


async def test_set_masking_policy_sets_it_or_clears_it_with_null() -> None:
    client, recorder = client_with({"ok": True, "data": VAULT})
    await client.vault.set_masking_policy("v1", MaskingPolicy(always_mask=["password"]))
    vault = await client.vault.set_masking_policy("v1", None)
    assert vault.masking_policy is None
    set_, cleared = recorder.requests
    assert (set_.method, set_.url.path) == ("PUT", "/api/v1/vault/vaults/v1/masking-policy")
    assert json.loads(set_.content)["maskingPolicy"]["alwaysMask"] == ["password"]
    assert (cleared.method, cleared.url.path) == ("PUT", "/api/v1/vault/vaults/v1/masking-policy")
    assert json.loads(cleared.content) == {"maskingPolicy": None}


async def test_the_trails_are_paged_by_offset() -> None:
    client, recorder = client_with(
        {"ok": True, "data": [], "pagination": {"cursor": 20, "hasMore": True}}
    )
    page = await client.vault.events(limit=20)
    assert (page.items, page.cursor, page.has_more) == ([], 20, True)
    await client.vault.item_events("i1", limit=20, offset=page.cursor)
    workspace, item = recorder.requests
    assert (workspace.url.path, dict(workspace.url.params)) == (
        "/api/v1/vault/events",
        {"limit": "20"},
    )
    assert item.url.path == "/api/v1/vault/events/items/i1"
    assert dict(item.url.params) == {"limit": "20", "offset": "20"}
