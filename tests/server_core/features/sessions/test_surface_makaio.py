"""makaio's `storage:session` RPCs at `POST /api/rpc/storage:session.<method>`, driven as its
storage client calls them: its field names, epoch-millisecond times, bare answers and
`{error: {code, message}}` errors."""

from __future__ import annotations

import time
from typing import Any

import httpx2
import pytest

from tests.server_core.features.messaging.team import Member, Team

pytestmark = pytest.mark.anyio
RPC = "http://test/api/rpc/storage:session."


async def rpc(
    client: httpx2.AsyncClient, who: Member, method: str, expect: int = 200, **args: Any
) -> Any:
    response = await client.post(f"{RPC}{method}", json=args, headers=who.headers)
    assert response.status_code == expect, response.text
    return response.json()


def m_session(session_id: str, **fields: Any) -> dict[str, Any]:
    now = int(time.time() * 1000)
    return {
        "sessionId": session_id,
        "createdAt": now,
        "lastActivityAt": now,
        "status": "active",
        "agents": [
            {
                "agentId": "claude-1",
                "adapterId": "claude-code",
                "adapterName": "Claude Code",
                "sessionId": session_id,
                "role": "lead",
                "status": "active",
                "createdAt": now,
                "lastActivityAt": now,
            }
        ],
        **fields,
    }


async def test_a_session_stored_read_listed_and_deleted(
    client: httpx2.AsyncClient, team: Team
) -> None:
    stored = m_session(
        "m-1",
        title="Refactor auth",
        adapterSessionId="adapter-9",
        targetWorkingDirectory="/repo",
        forkTransforms={"removedMessageIds": ["a"]},
        approvalPolicyOverride=None,
        clientAccountId="acct-1",
        leadAgentId="claude-1",
        executionTargetId="box-1",
    )
    assert await rpc(client, team.bot, "set", sessionId="m-1", session=stored) == {"success": True}
    got = (await rpc(client, team.bot, "get", sessionId="m-1"))["session"]
    assert got["sessionId"] == "m-1"
    assert got["title"] == "Refactor auth"
    assert got["status"] == "active"
    assert got["agents"] == stored["agents"]
    assert got["forkTransforms"] == {"removedMessageIds": ["a"]}
    assert got["approvalPolicyOverride"] is None
    assert got["clientAccountId"] == "acct-1"
    assert got["leadAgentId"] == "claude-1"
    assert got["targetWorkingDirectory"] == "/repo"
    assert isinstance(got["createdAt"], int)
    assert abs(got["lastActivityAt"] - int(time.time() * 1000)) < 60_000

    by_adapter = await rpc(client, team.bot, "getByAdapterSessionId", adapterSessionId="adapter-9")
    assert by_adapter["session"]["sessionId"] == "m-1"
    assert (await rpc(client, team.bot, "get", sessionId="nope")) == {"session": None}

    updated = await rpc(
        client, team.bot, "update", sessionId="m-1", title="Auth v2", clientAccountId="acct-2"
    )
    assert updated == {"success": True, "clientAccountChanged": True}
    got = (await rpc(client, team.bot, "get", sessionId="m-1"))["session"]
    assert got["title"] == "Auth v2"
    assert got["forkTransforms"] == {"removedMessageIds": ["a"]}

    child = m_session("m-2", parentSessionId="m-1", branchKind="fork", title="Fork")
    await rpc(client, team.bot, "set", sessionId="m-2", session=child)
    children = (await rpc(client, team.bot, "getChildren", sessionId="m-1"))["children"]
    assert [(c["sessionId"], c["branchKind"], c["hasChildren"]) for c in children] == [
        ("m-2", "fork", False)
    ]

    await rpc(client, team.bot, "update", sessionId="m-2", status="closed")
    counts = await rpc(client, team.bot, "getStatusCounts")
    assert counts == {"active": 1, "all": 2, "archived": 0, "closed": 1, "discovered": 0}
    listed = await rpc(client, team.bot, "list", status="all", includePreview=True, limit=1)
    assert listed["total"] == 2
    assert len(listed["sessions"]) == 1
    assert "preview" in listed["sessions"][0]
    closed = await rpc(client, team.bot, "list", status="closed")
    assert [s["sessionId"] for s in closed["sessions"]] == ["m-2"]
    on_box = await rpc(client, team.bot, "list", executionTargetId="box-1")
    assert [s["sessionId"] for s in on_box["sessions"]] == ["m-1"]
    found = await rpc(client, team.bot, "search", query="Auth")
    assert found["total"] == 1
    assert found["sessions"][0]["sessionId"] == "m-1"

    assert await rpc(client, team.bot, "delete", sessionId="m-2") == {"success": True}
    assert await rpc(client, team.bot, "delete", sessionId="m-2") == {"success": False}


async def test_bad_input_is_answered_in_its_error_shape(
    client: httpx2.AsyncClient, team: Team
) -> None:
    await rpc(client, team.bot, "set", sessionId="m-1", session=m_session("m-1"))

    async def refused(method: str, expect: int, code: str, **args: Any) -> None:
        body = await rpc(client, team.bot, method, expect, **args)
        assert body["error"]["code"] == code, body
        assert body["error"]["message"]

    await refused(
        "set", 409, "session_exists", sessionId="m-1", session=m_session("m-1"), ifAbsent=True
    )
    await refused("rename", 404, "unknown_method")
    await refused("get", 400, "invalid_request")
    await refused("get", 400, "invalid_request", sessionId="m\x00")
    await refused("search", 400, "invalid_request", query="   ")
    await refused("list", 400, "invalid_request", status="sleeping")
    await refused("update", 400, "invalid_request", sessionId="m-1", status="gone")
    await refused("update", 404, "not_found", sessionId="missing", title="x")
    await refused("set", 400, "invalid_request", sessionId="m-3", session="not an object")
    await refused("getChildren", 404, "not_found", sessionId="missing")
    response = await client.post(f"{RPC}list", json={})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
