"""Sessions over REST: starting and resuming by externalId, reading by id or externalId, who
may see and change one, lists with filters, counts, search, full set, partial update,
attribute merge patches, lineage and deletion."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from server_core.features.sessions.events import SessionChanged
from tests.helpers import data, error
from tests.server_core.features.messaging.team import Team
from tests.server_core.features.sessions.conftest import start

pytestmark = [pytest.mark.anyio, pytest.mark.both_engines]


async def test_a_session_opens_its_history_channel_and_resumes_by_external_id(
    client: httpx2.AsyncClient, team: Team, captured_events: Any
) -> None:
    async with captured_events() as captured:
        made = await start(
            client, team.bot, externalId="conv-1", userId=team.human.id, title="Fix login"
        )
    assert (made["agentId"], made["userId"], made["createdBy"]) == (
        team.bot.id,
        team.human.id,
        team.bot.id,
    )
    assert (made["kind"], made["status"], made["endReason"]) == ("chat", "active", None)
    assert [event.action for event in captured.of(SessionChanged)] == ["created"]
    channel = data(await client.get(f"/channels/{made['channelId']}", headers=team.human.headers))
    assert channel["kind"] == "session"
    listed = data(await client.get("/channels", headers=team.human.headers))
    assert made["channelId"] not in [c["id"] for c in listed]  # read through /sessions
    again = await start(client, team.bot, status=200, externalId="conv-1", cwd="/repo")
    assert (again["id"], again["cwd"]) == (made["id"], "/repo")
    by_external = data(await client.get("/sessions/conv-1", headers=team.human.headers))
    assert by_external["id"] == made["id"]
    assert by_external["preview"] == {"messageCount": 0, "firstUserMessage": None}


async def test_only_members_and_admins_see_a_session_and_only_its_people_change_it(
    client: httpx2.AsyncClient, team: Team
) -> None:
    made = await start(client, team.bot, externalId="private")
    error(await client.get("/sessions/private", headers=team.human.headers), 404, "not_found")
    error(await client.get("/sessions/private", headers=team.other_bot.headers), 404)
    assert (
        data(await client.get("/sessions/private", headers=team.admin.headers))["id"]
        == (made["id"])
    )
    patched = await client.patch(
        "/sessions/private", json={"title": "x"}, headers=team.other_bot.headers
    )
    error(patched, 404)
    mine = data(await client.get("/sessions", headers=team.other_bot.headers))
    assert mine == []


async def test_lists_filter_page_and_count_by_status(
    client: httpx2.AsyncClient, team: Team
) -> None:
    ide = await start(client, team.bot, kind="ide", externalId="a", executionTargetId="box")
    await start(client, team.bot, kind="chat", externalId="b")
    ended = await start(client, team.bot, kind="chat", externalId="c")
    data(await client.post(f"/sessions/{ended['id']}/end", headers=team.bot.headers))
    h = team.bot.headers
    live = data(await client.get("/sessions", headers=h))
    assert {s["externalId"] for s in live} == {"a", "b"}
    everything = data(await client.get("/sessions?status=all", headers=h))
    assert len(everything) == 3
    assert [s["id"] for s in data(await client.get("/sessions?kind=ide", headers=h))] == [ide["id"]]
    assert len(data(await client.get("/sessions?executionTargetId=box", headers=h))) == 1
    page = (await client.get("/sessions?status=all&limit=2", headers=h)).json()
    assert len(page["data"]) == 2
    assert page["pagination"] == {"cursor": 2, "hasMore": True}
    rest = data(await client.get("/sessions?status=all&limit=2&offset=2", headers=h))
    assert len(rest) == 1
    counts = data(await client.get("/sessions/counts", headers=h))
    assert counts == {
        "discovered": 0,
        "active": 2,
        "idle": 0,
        "closed": 1,
        "archived": 0,
        "all": 3,
    }
    ghost = data(await client.get("/sessions?agentId=nobody", headers=h))
    assert ghost == []


async def test_search_finds_title_task_attributes_and_first_message(
    client: httpx2.AsyncClient, team: Team
) -> None:
    await start(client, team.bot, externalId="s1", title="Refactor billing")
    second = await start(client, team.bot, externalId="s2", attributes={"repo": "Payments-API"})
    await start(client, team.bot, externalId="s3", currentTask="write the docs")
    data(
        await client.post(
            "/sessions/s3/messages",
            json={"content": "Why is checkout slow?"},
            headers=team.bot.headers,
        )
    )
    h = team.bot.headers

    async def found(q: str) -> list[str]:
        hits = data(await client.get("/sessions/search", params={"q": q}, headers=h))
        return sorted(hit["externalId"] for hit in hits)

    assert await found("billing") == ["s1"]
    assert await found("payments-api") == ["s2"]
    assert await found("docs") == ["s3"]
    assert await found("checkout SLOW") == []  # the agent's own message is not a user's
    assert await found("nothing-like-this") == []
    hit = data(await client.get("/sessions/search?q=payments", headers=h))[0]
    assert hit["id"] == second["id"]
    assert hit["preview"]["messageCount"] == 0


async def test_set_creates_or_replaces_and_if_absent_refuses_an_existing_one(
    client: httpx2.AsyncClient, team: Team
) -> None:
    h = team.bot.headers
    created = await client.put("/sessions/mk-1", json={"title": "one", "model": "m"}, headers=h)
    made = data(created, 201)
    assert (made["externalId"], made["title"], made["model"]) == ("mk-1", "one", "m")
    replaced = data(await client.put("/sessions/mk-1", json={"title": "two"}, headers=h))
    assert (replaced["id"], replaced["title"], replaced["model"]) == (made["id"], "two", None)
    refused = await client.put("/sessions/mk-1", json={"ifAbsent": True}, headers=h)
    error(refused, 409, "session_exists")


async def test_update_attributes_and_lineage(client: httpx2.AsyncClient, team: Team) -> None:
    h = team.bot.headers
    root = await start(client, team.bot, externalId="root", attributes={"a": 1, "n": {"x": 1}})
    child = await start(
        client,
        team.bot,
        externalId="child",
        parentSessionId="root",
        branchKind="subagent",
        spawningToolCallId="call-7",
    )
    grandchild = await start(client, team.bot, externalId="gc", parentSessionId=child["id"])
    assert (child["parentSessionId"], child["rootSessionId"]) == (root["id"], root["id"])
    assert grandchild["rootSessionId"] == root["id"]
    children = data(await client.get("/sessions/root/children", headers=h))
    assert children == [
        {
            "sessionId": child["id"],
            "externalId": "child",
            "title": None,
            "forkPointMessageId": None,
            "branchKind": "subagent",
            "messageCount": 0,
            "hasChildren": True,
            "spawningToolCallId": "call-7",
        }
    ]
    patched = data(
        await client.patch(
            "/sessions/root/attributes",
            json={"patch": {"a": None, "n": {"y": 2}, "b": "c"}},
            headers=h,
        )
    )
    assert patched["attributes"] == {"n": {"x": 1, "y": 2}, "b": "c"}
    aliased = data(
        await client.patch("/sessions/root/attributes", json={"attributes": {"b": 3}}, headers=h)
    )
    assert aliased["attributes"]["b"] == 3
    error(await client.patch("/sessions/root/attributes", json={}, headers=h), 400)
    huge = {"patch": {"blob": "x" * 20_000}}
    error(await client.patch("/sessions/root/attributes", json=huge, headers=h), 400)
    pinned = data(
        await client.patch(
            "/sessions/root", json={"title": "Root", "pinnedAt": "2026-01-01T00:00:00Z"}, headers=h
        )
    )
    assert (pinned["title"], pinned["pinnedAt"]) == ("Root", "2026-01-01T00:00:00.000Z")
    assert len(data(await client.get("/sessions?pinned=true", headers=h))) == 1
    cleared = data(await client.patch("/sessions/root", json={"pinnedAt": None}, headers=h))
    assert cleared["pinnedAt"] is None
    assert cleared["title"] == "Root"


async def test_delete_hides_the_session_frees_its_external_id_and_archives_history(
    client: httpx2.AsyncClient, team: Team
) -> None:
    h = team.bot.headers
    made = await start(client, team.bot, externalId="gone")
    await client.post("/sessions/gone/reservations", json={"paths": ["a.py"]}, headers=h)
    assert data(await client.delete("/sessions/gone", headers=h)) == {"deleted": True}
    error(await client.get(f"/sessions/{made['id']}", headers=h), 404)
    assert data(await client.get("/reservations", headers=h)) == []
    channel = data(await client.get(f"/channels/{made['channelId']}", headers=h))
    assert channel["isArchived"] is True
    fresh = await start(client, team.bot, externalId="gone")
    assert fresh["id"] != made["id"]


async def test_bad_input_is_refused_clearly(client: httpx2.AsyncClient, team: Team) -> None:
    h = team.bot.headers
    error(await client.post("/sessions", json={"kind": "robot"}, headers=h), 400)
    error(await client.post("/sessions", json={"agentId": team.human.id}, headers=h), 404)
    error(await client.post("/sessions", json={"parentSessionId": "nope"}, headers=h), 404)
    error(await client.get("/sessions/nope", headers=h), 404, "not_found")
    error(await client.post("/sessions", json={"title": "a\u0000b"}, headers=h), 400)
