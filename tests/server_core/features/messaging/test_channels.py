"""Channels over REST: creation, DMs, listing, settings, context, coordination, members and
the metadata endpoints."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio
import httpx2
import pytest
import sqlalchemy as sa

from server_core.features.messaging.auto_archive import run_once
from server_core.features.messaging.events import ChannelUpdated, Membership
from server_core.features.messaging.tables import channel_context_history
from server_core.kernel.events import Event
from server_core.kernel.platform import Platform
from tests.helpers import data, error
from tests.server_core.captured import Captured
from tests.server_core.features.messaging.team import Team, send

pytestmark = pytest.mark.anyio
CaptureEvents = Callable[[], contextlib.AbstractAsyncContextManager[Captured]]


def _in(days: float) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


@pytest.mark.both_engines
async def test_create_makes_the_creator_owner_and_lists_members(
    client: httpx2.AsyncClient, team: Team
) -> None:
    body = {
        "kind": "topic",
        "name": "incident-42",
        "description": "API latency",
        "context": "Started 14:32 UTC",
        "memberIds": [team.bot.id, team.human.id],
        "visibility": "mixed",
        "autoArchiveAt": _in(7),
    }
    channel = data(await client.post("/channels", json=body, headers=team.admin.headers), 201)
    assert channel["kind"] == "topic"
    assert channel["name"] == "incident-42"
    assert channel["context"] == "Started 14:32 UTC"
    assert channel["contextVersion"] == 1
    assert channel["role"] == "owner"
    assert channel["coordinationMode"] == "free"
    assert channel["loopPrevention"] == {"maxConsecutive": 50, "cooldownMs": 100, "rateLimit": 600}
    assert channel["lastSeq"] == 0
    assert channel["autoArchiveAt"].endswith("Z")
    roles = {m["handle"]: m["role"] for m in channel["members"]}
    assert roles == {"ada": "owner", "bot": "member", "grace": "member"}
    seen_by_bot = data(await client.get(f"/channels/{channel['id']}", headers=team.bot.headers))
    assert seen_by_bot["role"] == "member"
    assert seen_by_bot["lastReadSeq"] == 0
    assert seen_by_bot["muted"] is False


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"kind": "room"},
        {"kind": "group", "visibility": "everyone"},
        {"kind": "group", "name": ""},
        {"kind": "group", "name": "x" * 101},
        {"kind": "group", "context": "x" * (50 * 1024 + 1)},
        {"kind": "group", "memberIds": ["not-a-uuid"]},
        {"kind": "group", "autoArchiveAt": "yesterday"},
    ],
)
async def test_bad_channel_bodies(
    client: httpx2.AsyncClient, team: Team, body: dict[str, object]
) -> None:
    error(await client.post("/channels", json=body, headers=team.admin.headers), 400)
    assert data(await client.get("/channels", headers=team.admin.headers)) == []


async def test_unknown_members_and_past_auto_archive_are_refused(
    client: httpx2.AsyncClient, team: Team
) -> None:
    unknown = "01912345-abcd-7000-8000-000000000077"
    body = {"kind": "group", "memberIds": [team.bot.id, unknown]}
    assert (
        unknown
        in error(await client.post("/channels", json=body, headers=team.admin.headers), 400)[
            "error"
        ]
    )
    past = {"kind": "group", "autoArchiveAt": _in(-1)}
    error(await client.post("/channels", json=past, headers=team.admin.headers), 400)
    assert data(await client.get("/channels", headers=team.admin.headers)) == []


@pytest.mark.both_engines
async def test_dms_are_one_per_pair_whoever_opens_them(
    client: httpx2.AsyncClient, team: Team
) -> None:
    response = await client.post(
        "/channels/dm", json={"principalId": team.bot.id}, headers=team.admin.headers
    )
    dm = data(response, 201)
    assert dm["kind"] == "dm"
    assert dm["dmPartner"]["handle"] == "bot"
    assert dm["members"] is None
    again = data(
        await client.post(
            "/channels/dm", json={"principalId": team.bot.id}, headers=team.admin.headers
        )
    )
    assert again["id"] == dm["id"]
    other_side = data(
        await client.post(
            "/channels/dm", json={"principalId": team.admin.id}, headers=team.bot.headers
        )
    )
    assert other_side["id"] == dm["id"]
    assert other_side["dmPartner"]["handle"] == "ada"
    via_create = data(
        await client.post(
            "/channels", json={"kind": "dm", "memberIds": [team.bot.id]}, headers=team.admin.headers
        )
    )
    assert via_create["id"] == dm["id"]
    error(
        await client.post(
            "/channels/dm", json={"principalId": team.admin.id}, headers=team.admin.headers
        ),
        400,
    )
    missing = "01912345-abcd-7000-8000-000000000077"
    error(
        await client.post(
            "/channels/dm", json={"principalId": missing}, headers=team.admin.headers
        ),
        404,
    )
    error(
        await client.post(
            "/channels", json={"kind": "dm", "memberIds": []}, headers=team.admin.headers
        ),
        400,
    )
    add = await client.post(
        f"/channels/{dm['id']}/members",
        json={"principalId": team.human.id},
        headers=team.admin.headers,
    )
    error(add, 400)


@pytest.mark.both_engines
async def test_concurrent_dm_opens_make_one_channel(client: httpx2.AsyncClient, team: Team) -> None:
    ids: set[str] = set()

    async def open_dm(who: int) -> None:
        me, them = (team.admin, team.bot) if who % 2 else (team.bot, team.admin)
        response = await client.post(
            "/channels/dm", json={"principalId": them.id}, headers=me.headers
        )
        assert response.status_code in (200, 201), response.text
        ids.add(response.json()["data"]["id"])

    async with anyio.create_task_group() as group:
        for who in range(10):
            group.start_soon(open_dm, who)
    assert len(ids) == 1


@pytest.mark.both_engines
async def test_list_shows_the_callers_view_of_each_channel(
    client: httpx2.AsyncClient, team: Team
) -> None:
    group = await team.channel(client, name="team")
    dm = data(
        await client.post(
            "/channels/dm", json={"principalId": team.human.id}, headers=team.admin.headers
        ),
        201,
    )
    for n in range(3):
        data(await send(client, group["id"], team.admin, f"m{n}"), 201)
    listed = data(await client.get("/channels", headers=team.human.headers))
    assert [c["id"] for c in listed] == [group["id"], dm["id"]]  # most recently active first
    by_id = {c["id"]: c for c in listed}
    assert by_id[group["id"]]["unreadCount"] == 3
    assert by_id[group["id"]]["role"] == "member"
    assert len(by_id[group["id"]]["members"]) == 4
    assert by_id[dm["id"]]["dmPartner"]["id"] == team.admin.id
    assert [
        c["id"] for c in data(await client.get("/channels", headers=team.other_bot.headers))
    ] == [group["id"]]


async def test_only_members_see_a_channel(client: httpx2.AsyncClient, team: Team) -> None:
    channel = await team.channel(client, members=(team.admin, team.bot))
    error(
        await client.get(f"/channels/{channel['id']}", headers=team.human.headers),
        403,
        "not_channel_member",
    )
    error(await client.get(f"/channels/{channel['id']}/members", headers=team.human.headers), 403)
    error(
        await client.get(
            "/channels/01912345-abcd-7000-8000-000000000077", headers=team.admin.headers
        ),
        404,
    )
    error(await client.get("/channels/nope", headers=team.admin.headers), 404)
    error(await client.get(f"/channels/{channel['id']}"), 401)


@pytest.mark.both_engines
async def test_update_publishes_channel_updated_with_the_changes(
    client: httpx2.AsyncClient, team: Team, captured_events: CaptureEvents
) -> None:
    channel = await team.channel(client)
    url = f"/channels/{channel['id']}"
    settings = ("name", "visibility", "description")

    async def read() -> dict[str, Any]:
        found = data(await client.get(url, headers=team.admin.headers))
        return {name: found[name] for name in settings}

    def apply(state: dict[str, Any], event: Event) -> dict[str, Any]:
        assert isinstance(event, ChannelUpdated)
        return {**state, **event.changes}

    before = await read()
    async with captured_events() as captured:
        error(await client.patch(url, json={"name": "mine"}, headers=team.human.headers), 403)
        updated = data(
            await client.patch(
                url,
                json={"name": "renamed", "visibility": "agent_only", "description": None},
                headers=team.admin.headers,
            )
        )
    assert (updated["name"], updated["visibility"]) == ("renamed", "agent_only")
    # The refused change published nothing; the description was unset already: no change.
    assert captured.frames() == [
        {
            "type": "channel.updated",
            "channelId": channel["id"],
            "changes": {"name": "renamed", "visibility": "agent_only"},
        }
    ]
    await captured.verify(before, apply, read)
    # autoArchiveAt: null removes auto-archiving.
    data(await client.patch(url, json={"autoArchiveAt": _in(3)}, headers=team.admin.headers))
    cleared = data(
        await client.patch(url, json={"autoArchiveAt": None}, headers=team.admin.headers)
    )
    assert cleared["autoArchiveAt"] is None
    error(await client.patch(url, json={"visibility": "nobody"}, headers=team.admin.headers), 400)


async def test_only_owners_archive(client: httpx2.AsyncClient, team: Team) -> None:
    channel = await team.channel(client)
    url = f"/channels/{channel['id']}"
    data(
        await client.patch(
            f"{url}/members/{team.human.id}", json={"role": "admin"}, headers=team.admin.headers
        )
    )
    data(
        await client.patch(url, json={"description": "admins may edit"}, headers=team.human.headers)
    )
    error(await client.patch(url, json={"isArchived": True}, headers=team.human.headers), 403)
    assert data(await client.patch(url, json={"isArchived": True}, headers=team.admin.headers))[
        "isArchived"
    ]
    error(await client.patch(url, json={"name": "while archived"}, headers=team.admin.headers), 409)
    restored = data(await client.patch(url, json={"isArchived": False}, headers=team.admin.headers))
    assert restored["isArchived"] is False
    assert restored["archivedAt"] is None


@pytest.mark.both_engines
async def test_context_is_versioned_with_history(
    client: httpx2.AsyncClient, team: Team, platform: Platform
) -> None:
    channel = await team.channel(client, context="v1 text")
    url = f"/channels/{channel['id']}/context"
    updated = data(await client.put(url, json={"context": "v2 text"}, headers=team.admin.headers))
    assert (updated["context"], updated["contextVersion"]) == ("v2 text", 2)
    updated = data(await client.put(url, json={"context": "v3 text"}, headers=team.admin.headers))
    assert updated["contextVersion"] == 3
    async with platform.store.transaction(write=False) as tx:
        history = await tx.all(
            sa.select(channel_context_history)
            .where(channel_context_history.c.channel_id == channel["id"])
            .order_by(channel_context_history.c.version)
        )
    assert [(h["version"], h["context"]) for h in history] == [(1, "v1 text"), (2, "v2 text")]
    error(await client.put(url, json={"context": "member edit"}, headers=team.bot.headers), 403)
    error(
        await client.put(url, json={"context": "x" * (50 * 1024 + 1)}, headers=team.admin.headers),
        400,
    )
    error(await client.put(url, json={}, headers=team.admin.headers), 400)


async def test_coordination_validates_and_merges_limits(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client)
    url = f"/channels/{channel['id']}/coordination"
    updated = data(
        await client.put(
            url,
            json={"mode": "round_robin", "loopPrevention": {"maxConsecutive": 3}},
            headers=team.admin.headers,
        )
    )
    assert updated["coordinationMode"] == "round_robin"
    assert updated["loopPrevention"] == {"maxConsecutive": 3, "cooldownMs": 100, "rateLimit": 600}
    error(await client.put(url, json={"mode": "anarchy"}, headers=team.admin.headers), 400)
    error(
        await client.put(
            url,
            json={"mode": "free", "loopPrevention": {"maxConsecutive": 0}},
            headers=team.admin.headers,
        ),
        400,
    )
    error(await client.put(url, json={"mode": "free"}, headers=team.bot.headers), 403)


async def test_adding_a_member_announces_it_and_posts_a_system_message(
    client: httpx2.AsyncClient, team: Team, captured_events: CaptureEvents
) -> None:
    channel = await team.channel(client, members=(team.admin, team.bot))
    cid = channel["id"]

    async def read() -> dict[str, str]:
        members = data(await client.get(f"/channels/{cid}/members", headers=team.admin.headers))
        return {member["principalId"]: member["role"] for member in members}

    def apply(roles: dict[str, str], event: Event) -> dict[str, str]:
        if isinstance(event, Membership) and event.action == "join":
            return {**roles, event.principal_id: event.role or "member"}
        return roles  # the system message changes no membership

    before = await read()
    async with captured_events() as captured:
        member = data(
            await client.post(
                f"/channels/{cid}/members",
                json={"principalId": team.human.id, "role": "admin", "participationMode": "active"},
                headers=team.admin.headers,
            ),
            201,
        )
    assert (member["role"], member["participationMode"], member["handle"]) == (
        "admin",
        "active",
        "grace",
    )
    membership, system = captured.events
    assert isinstance(membership, Membership)
    assert membership.frame() == {
        "type": "membership",
        "channelId": cid,
        "principalId": team.human.id,
        "handle": "grace",
        "action": "join",
        "role": "admin",
    }
    assert team.human.id in membership.route.principal_ids
    assert system.frame()["message"]["kind"] == "system"
    await captured.verify(before, apply, read)
    history = data(await client.get(f"/channels/{cid}/messages", headers=team.human.headers))
    assert [m["plaintext"] for m in history] == ["@ada added @grace"]
    again = await client.post(
        f"/channels/{cid}/members", json={"principalId": team.human.id}, headers=team.admin.headers
    )
    error(again, 409)
    by_member = await client.post(
        f"/channels/{cid}/members",
        json={"principalId": team.other_bot.id},
        headers=team.bot.headers,
    )
    error(by_member, 403)
    owner_by_admin = await client.post(
        f"/channels/{cid}/members",
        json={"principalId": team.other_bot.id, "role": "owner"},
        headers=team.human.headers,
    )
    error(owner_by_admin, 403)
    error(
        await client.post(
            f"/channels/{cid}/members",
            json={"principalId": team.other_bot.id, "role": "boss"},
            headers=team.admin.headers,
        ),
        400,
    )
    members = data(await client.get(f"/channels/{cid}/members", headers=team.bot.headers))
    assert [m["handle"] for m in members] == ["ada", "bot", "grace"]
    assert set(members[0]) >= {
        "id",
        "principalId",
        "role",
        "muted",
        "participationMode",
        "joinedAt",
        "handle",
        "displayName",
        "kind",
        "avatarUrl",
        "isActive",
    }


async def test_members_change_their_own_settings_and_managers_change_roles(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client)
    url = f"/channels/{channel['id']}/members"
    muted = data(
        await client.patch(
            f"{url}/{team.bot.id}",
            json={"muted": True, "participationMode": "passive"},
            headers=team.bot.headers,
        )
    )
    assert (muted["muted"], muted["participationMode"]) == (True, "passive")
    error(
        await client.patch(
            f"{url}/{team.bot.id}", json={"role": "admin"}, headers=team.bot.headers
        ),
        403,
    )
    error(
        await client.patch(
            f"{url}/{team.human.id}", json={"muted": True}, headers=team.bot.headers
        ),
        403,
    )
    data(
        await client.patch(
            f"{url}/{team.human.id}", json={"role": "admin"}, headers=team.admin.headers
        )
    )
    error(
        await client.patch(
            f"{url}/{team.admin.id}", json={"role": "member"}, headers=team.human.headers
        ),
        403,
    )
    error(
        await client.patch(
            f"{url}/{team.admin.id}", json={"role": "member"}, headers=team.admin.headers
        ),
        409,
    )
    error(
        await client.patch(
            f"{url}/{team.admin.id}", json={"participationMode": "lurk"}, headers=team.admin.headers
        ),
        400,
    )
    error(
        await client.patch(
            f"{url}/01912345-abcd-7000-8000-000000000077",
            json={"muted": True},
            headers=team.admin.headers,
        ),
        404,
    )


async def test_leaving_and_removing(
    client: httpx2.AsyncClient, team: Team, platform: Platform
) -> None:
    channel = await team.channel(client)
    url = f"/channels/{channel['id']}/members"
    error(await client.delete(f"{url}/{team.human.id}", headers=team.bot.headers), 403)
    subscription = platform.bus.subscribe()
    try:
        data(await client.delete(f"{url}/{team.bot.id}", headers=team.bot.headers))
        with anyio.fail_after(5):
            event = await subscription.get()
        assert isinstance(event, Membership)
        assert (event.action, event.principal_id) == ("leave", team.bot.id)
        assert team.bot.id in event.route.principal_ids
    finally:
        subscription.close()
    error(await client.get(f"/channels/{channel['id']}", headers=team.bot.headers), 403)
    data(await client.delete(f"{url}/{team.other_bot.id}", headers=team.admin.headers))
    error(await client.delete(f"{url}/{team.admin.id}", headers=team.admin.headers), 409)
    error(await client.delete(f"{url}/{team.other_bot.id}", headers=team.admin.headers), 404)
    assert [m["handle"] for m in data(await client.get(url, headers=team.admin.headers))] == [
        "ada",
        "grace",
    ]


async def test_principals_for_pickers(client: httpx2.AsyncClient, team: Team) -> None:
    listed = data(await client.get("/channels/principals", headers=team.bot.headers))
    assert {p["handle"] for p in listed} == {"ada", "grace", "bot", "other-bot"}
    assert set(listed[0]) == {"id", "handle", "displayName", "kind", "avatarUrl", "isActive"}


async def test_thread_ownership_transfers(client: httpx2.AsyncClient, team: Team) -> None:
    channel = await team.channel(client)
    cid = channel["id"]
    root = data(await send(client, cid, team.human, "root"), 201)
    reply = data(await send(client, cid, team.admin, "reply", threadRootId=root["id"]), 201)
    url = f"/channels/{cid}/threads/{root['id']}/transfer"
    error(await client.post(url, json={"newOwnerId": team.bot.id}, headers=team.bot.headers), 403)
    moved = data(
        await client.post(url, json={"newOwnerId": team.bot.id}, headers=team.human.headers)
    )
    assert moved == {
        "channelId": cid,
        "threadRootId": root["id"],
        "ownerId": team.bot.id,
        "previousOwnerId": team.human.id,
    }
    data(await client.post(url, json={"newOwnerId": team.other_bot.id}, headers=team.bot.headers))
    error(await client.post(url, json={"newOwnerId": team.human.id}, headers=team.bot.headers), 403)
    data(await client.post(url, json={"newOwnerId": team.human.id}, headers=team.admin.headers))
    error(
        await client.post(
            f"/channels/{cid}/threads/{reply['id']}/transfer",
            json={"newOwnerId": team.bot.id},
            headers=team.admin.headers,
        ),
        400,
    )


async def test_links_lists_urls_shared_in_recent_messages(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client)
    cid = channel["id"]
    data(
        await send(client, cid, team.admin, "see https://example.com/a and http://example.org/b."),
        201,
    )
    data(await send(client, cid, team.human, "again https://example.com/a"), 201)
    data(await send(client, cid, team.human, "no links here"), 201)
    links = data(await client.get(f"/channels/{cid}/links", headers=team.bot.headers))
    assert [(link["url"], link["seq"]) for link in links] == [
        ("https://example.com/a", 2),
        ("http://example.org/b", 1),
    ]


@pytest.mark.both_engines
async def test_channels_archive_themselves_when_their_time_comes(
    client: httpx2.AsyncClient, team: Team, platform: Platform
) -> None:
    soon = await team.channel(client, name="soon", autoArchiveAt=_in(1))
    later = await team.channel(client, name="later", autoArchiveAt=_in(30))
    subscription = platform.bus.subscribe()
    try:
        assert await run_once(platform.store, now=datetime.now(UTC) + timedelta(days=2)) == 1
        with anyio.fail_after(5):
            event = await subscription.get()
        assert isinstance(event, ChannelUpdated)
        assert event.channel_id == soon["id"]
        assert event.changes["isArchived"] is True
    finally:
        subscription.close()
    assert data(await client.get(f"/channels/{soon['id']}", headers=team.admin.headers))[
        "isArchived"
    ]
    assert not data(await client.get(f"/channels/{later['id']}", headers=team.admin.headers))[
        "isArchived"
    ]
    error(await send(client, soon["id"], team.admin), 409, "channel_archived")
    assert await run_once(platform.store, now=datetime.now(UTC) + timedelta(days=2)) == 0
    unread = data(await client.get("/channels/unread", headers=team.admin.headers))
    assert soon["id"] not in unread
    assert later["id"] in unread


async def test_a_new_channel_announces_each_member_joining(
    client: httpx2.AsyncClient, team: Team, platform: Platform
) -> None:
    subscription = platform.bus.subscribe()
    try:
        channel = await team.channel(client, members=(team.admin, team.bot))
        dm = data(
            await client.post(
                "/channels/dm", json={"principalId": team.human.id}, headers=team.bot.headers
            ),
            201,
        )
        with anyio.fail_after(5):
            events = [await subscription.get() for _ in range(4)]
    finally:
        subscription.close()
    memberships = [event for event in events if isinstance(event, Membership)]
    joins = {(e.channel_id, e.principal_id, e.role) for e in memberships}
    assert joins == {
        (channel["id"], team.admin.id, "owner"),
        (channel["id"], team.bot.id, "member"),
        (dm["id"], team.bot.id, "owner"),
        (dm["id"], team.human.id, "owner"),
    }
    assert all(
        e.action == "join" and e.route.principal_ids == (e.principal_id,) for e in memberships
    )
