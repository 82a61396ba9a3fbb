"""Messages over REST: send, idempotency, history paging, threads, edits, deletes, reactions,
read positions, and the rules on who may send what."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import anyio
import httpx2
import pytest
import sqlalchemy as sa

from server_core.config import Settings
from server_core.features.messaging.events import MessageCreated
from server_core.features.messaging.tables import message_revisions, messages
from server_core.kernel.platform import Platform
from tests.helpers import data, error
from tests.server_core.features.messaging.team import Team, coordinate, open_limits, send

pytestmark = pytest.mark.anyio


async def test_send_returns_the_message_with_read_time_metadata(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client)
    message = data(
        await send(client, channel["id"], team.bot, "Hello!", intent="notification"), 201
    )
    assert message["plaintext"] == "Hello!"
    assert message["seq"] == 1
    assert message["channelId"] == channel["id"]
    assert message["senderId"] == team.bot.id
    assert message["kind"] == "text"
    assert message["intent"] == "notification"
    assert message["isEdited"] is False
    assert message["isDeleted"] is False
    assert message["metadata"]["senderHandle"] == "bot"
    assert message["metadata"]["senderKind"] == "agent"
    assert message["metadata"]["reactions"] == []
    assert message["replyCount"] == 0


@pytest.mark.both_engines
async def test_a_retry_with_the_same_client_generated_id_returns_the_first_message(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client)
    first = data(
        await send(client, channel["id"], team.admin, "once", clientGeneratedId="k-1"), 201
    )
    again = data(await send(client, channel["id"], team.admin, "once", clientGeneratedId="k-1"))
    assert again["id"] == first["id"]
    assert again["clientGeneratedId"] == "k-1"
    # Edited since: a retry of the send as first made still finds it.
    edited = await client.patch(
        f"/channels/{channel['id']}/messages/{first['id']}",
        json={"content": "once, edited"},
        headers=team.admin.headers,
    )
    data(edited)
    again = data(await send(client, channel["id"], team.admin, "once", clientGeneratedId="k-1"))
    assert (again["id"], again["plaintext"]) == (first["id"], "once, edited")
    # The same id in another channel is another message.
    other = await team.channel(client, name="other")
    assert data(await send(client, other["id"], team.admin, "x", clientGeneratedId="k-1"), 201)


@pytest.mark.both_engines
async def test_a_client_generated_id_is_the_senders_own(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client)
    mine = data(await send(client, channel["id"], team.admin, "mine", clientGeneratedId="k-1"), 201)
    # Another member using (or guessing) the same key sends its own message.
    theirs = data(
        await send(client, channel["id"], team.human, "theirs", clientGeneratedId="k-1"), 201
    )
    assert theirs["id"] != mine["id"]
    assert theirs["plaintext"] == "theirs"
    # The same key for a different message is refused, not answered with the first one.
    reused = await send(client, channel["id"], team.admin, "another", clientGeneratedId="k-1")
    assert "clientGeneratedId" in error(reused, 409, "client_generated_id_reused")["error"]
    other_intent = await send(
        client, channel["id"], team.admin, "mine", clientGeneratedId="k-1", intent="approval"
    )
    error(other_intent, 409, "client_generated_id_reused")
    history = data(
        await client.get(f"/channels/{channel['id']}/messages", headers=team.admin.headers)
    )
    assert [m["plaintext"] for m in history] == ["mine", "theirs"]


@pytest.mark.both_engines
async def test_concurrent_retries_with_one_client_generated_id_make_one_message(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client)
    statuses: list[int] = []
    ids: set[str] = set()

    async def retry() -> None:
        response = await send(client, channel["id"], team.human, "once", clientGeneratedId="dup")
        statuses.append(response.status_code)
        ids.add(response.json()["data"]["id"])

    async with anyio.create_task_group() as group:
        for _ in range(20):
            group.start_soon(retry)
    assert sorted(statuses) == [200] * 19 + [201]
    assert len(ids) == 1
    history = data(
        await client.get(f"/channels/{channel['id']}/messages", headers=team.admin.headers)
    )
    assert [m["plaintext"] for m in history] == ["once"]


@pytest.mark.both_engines
async def test_concurrent_senders_get_gap_free_strictly_increasing_seqs(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client)
    await open_limits(client, channel["id"], team.admin)
    seqs: list[int] = []

    async def sender(who: int) -> None:
        member = team.everyone[who % 4]
        for n in range(5):
            body = data(await send(client, channel["id"], member, f"{who}-{n}"), 201)
            seqs.append(body["seq"])

    async with anyio.create_task_group() as group:
        for who in range(50):
            group.start_soon(sender, who)
    assert sorted(seqs) == list(range(1, 251))
    pages: list[int] = []
    cursor = 0
    while True:
        response = await client.get(
            f"/channels/{channel['id']}/messages",
            params={"direction": "after", "cursor": cursor, "limit": 100},
            headers=team.admin.headers,
        )
        body = response.json()
        pages += [m["seq"] for m in body["data"]]
        cursor = body["pagination"]["cursor"]
        if not body["pagination"]["hasMore"]:
            break
    assert pages == list(range(1, 251))


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"content": "x" * 10_001}, "content"),
        ({"content": ""}, "content"),
        ({"content": "hi", "kind": "shout"}, "kind"),
        ({"content": "hi", "intent": "gossip"}, "intent"),
        ({"content": "hi", "clientGeneratedId": "x" * 65}, "clientGeneratedId"),
        ({"content": "hi", "threadRootId": "not-a-uuid"}, "threadRootId"),
        ({"content": "hi", "metadata": []}, "metadata"),
        ({"content": "hi", "mentions": [{"principalId": "nope", "offset": 0, "length": 1}]}, None),
        ({"content": "hi", "attachmentIds": ["x"] * 21}, "attachmentIds"),
    ],
)
async def test_bad_send_bodies_are_refused_naming_the_field(
    client: httpx2.AsyncClient, team: Team, body: dict[str, object], field: str | None
) -> None:
    channel = await team.channel(client)
    response = await client.post(
        f"/channels/{channel['id']}/messages", json=body, headers=team.admin.headers
    )
    problem = error(response, 400, "validation_error")
    if field:
        assert problem["error"].startswith(field), problem
    assert (
        data(await client.get(f"/channels/{channel['id']}", headers=team.admin.headers))["lastSeq"]
        == 0
    )


async def test_content_of_exactly_ten_thousand_characters_is_accepted(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client)
    message = data(await send(client, channel["id"], team.admin, "é" * 10_000), 201)
    assert len(message["plaintext"]) == 10_000


async def test_attaching_a_file_that_is_not_in_the_drive_is_refused(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client)
    response = await send(
        client, channel["id"], team.admin, attachmentIds=["01912345-abcd-7000-8000-000000000003"]
    )
    error(response, 403, "not_your_file")


async def test_mentions_must_name_workspace_principals_within_the_content(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client)
    unknown = "01912345-abcd-7000-8000-000000000002"
    response = await send(
        client,
        channel["id"],
        team.admin,
        "@x",
        mentions=[{"principalId": unknown, "offset": 0, "length": 2}],
    )
    assert unknown in error(response, 400)["error"]
    outside = [{"principalId": team.bot.id, "offset": 1, "length": 5}]
    error(await send(client, channel["id"], team.admin, "@bot", mentions=outside), 400)
    good = [{"principalId": team.bot.id, "offset": 0, "length": 4}]
    message = data(await send(client, channel["id"], team.admin, "@bot", mentions=good), 201)
    assert message["mentions"] == good


async def test_unknown_channels_and_non_members(client: httpx2.AsyncClient, team: Team) -> None:
    channel = await team.channel(client, members=(team.admin, team.bot))
    missing = "01912345-abcd-7000-8000-000000000099"
    error(await send(client, missing, team.admin), 404, "not_found")
    error(await send(client, "not-an-id", team.admin), 404, "not_found")
    error(await send(client, channel["id"], team.human), 403, "not_channel_member")
    error(
        await client.get(f"/channels/{channel['id']}/messages", headers=team.human.headers),
        403,
        "not_channel_member",
    )


@pytest.mark.both_engines
async def test_history_pages_back_from_the_newest_and_forward_from_a_cursor(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client)
    for n in range(1, 121):
        data(await send(client, channel["id"], team.admin, f"m{n}"), 201)
    url = f"/channels/{channel['id']}/messages"
    latest = (await client.get(url, headers=team.admin.headers)).json()
    assert [m["seq"] for m in latest["data"]] == list(range(71, 121))
    assert latest["pagination"] == {"cursor": 71, "hasMore": True}
    older = (await client.get(url, params={"cursor": 71}, headers=team.admin.headers)).json()
    assert [m["seq"] for m in older["data"]] == list(range(21, 71))
    oldest = (
        await client.get(url, params={"cursor": 21, "limit": 100}, headers=team.admin.headers)
    ).json()
    assert [m["seq"] for m in oldest["data"]] == list(range(1, 21))
    assert oldest["pagination"]["hasMore"] is False
    after = (
        await client.get(
            url,
            params={"cursor": 100, "direction": "after", "limit": 10},
            headers=team.admin.headers,
        )
    ).json()
    assert [m["seq"] for m in after["data"]] == list(range(101, 111))
    assert after["pagination"] == {"cursor": 110, "hasMore": True}
    caught_up = (
        await client.get(
            url, params={"cursor": 120, "direction": "after"}, headers=team.admin.headers
        )
    ).json()
    assert caught_up["data"] == []
    assert caught_up["pagination"] == {"cursor": 120, "hasMore": False}


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 101}, {"direction": "sideways"}, {"cursor": -1}, {"cursor": "x"}],
)
async def test_bad_history_parameters(
    client: httpx2.AsyncClient, team: Team, params: dict[str, object]
) -> None:
    channel = await team.channel(client)
    response = await client.get(
        f"/channels/{channel['id']}/messages", params=params, headers=team.admin.headers
    )
    error(response, 400, "validation_error")


@pytest.mark.both_engines
async def test_threads_count_replies_and_are_read_separately(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client)
    cid = channel["id"]
    root = data(await send(client, cid, team.admin, "root"), 201)
    for n in range(3):
        reply = data(
            await send(client, cid, team.human, f"reply {n}", threadRootId=root["id"]), 201
        )
        assert reply["threadRootId"] == root["id"]
    data(await send(client, cid, team.admin, "top level"), 201)
    url = f"/channels/{cid}/messages"
    top = data(await client.get(url, headers=team.admin.headers))
    assert [m["plaintext"] for m in top] == ["root", "top level"]
    assert top[0]["replyCount"] == 3
    thread = data(
        await client.get(url, params={"threadRootId": root["id"]}, headers=team.admin.headers)
    )
    assert [m["plaintext"] for m in thread] == ["reply 0", "reply 1", "reply 2"]
    everything = data(
        await client.get(url, params={"includeReplies": "true"}, headers=team.admin.headers)
    )
    assert [m["seq"] for m in everything] == [1, 2, 3, 4, 5]


async def test_thread_roots_must_be_top_level_messages_of_the_same_channel(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client)
    other = await team.channel(client, name="other")
    foreign = data(await send(client, other["id"], team.admin, "elsewhere"), 201)
    error(await send(client, channel["id"], team.admin, threadRootId=foreign["id"]), 400)
    root = data(await send(client, channel["id"], team.admin, "root"), 201)
    reply = data(await send(client, channel["id"], team.admin, "r", threadRootId=root["id"]), 201)
    error(await send(client, channel["id"], team.admin, threadRootId=reply["id"]), 400)
    missing = "01912345-abcd-7000-8000-000000000042"
    error(await send(client, channel["id"], team.admin, threadRootId=missing), 400)


async def test_only_the_sender_edits_and_the_previous_text_is_kept_as_a_revision(
    client: httpx2.AsyncClient, team: Team, platform: Platform
) -> None:
    channel = await team.channel(client)
    message = data(await send(client, channel["id"], team.human, "frist"), 201)
    url = f"/channels/{channel['id']}/messages/{message['id']}"
    error(await client.patch(url, json={"content": "hijack"}, headers=team.admin.headers), 403)
    edited = data(await client.patch(url, json={"content": "first"}, headers=team.human.headers))
    assert edited["plaintext"] == "first"
    assert edited["isEdited"] is True
    assert edited["seq"] == message["seq"]
    async with platform.store.transaction(write=False) as tx:
        revisions = await tx.all(
            sa.select(message_revisions).where(message_revisions.c.message_id == message["id"])
        )
        assert len(revisions) == 1
        old = await tx.run(
            lambda conn: platform.keyring.open(
                conn,
                revisions[0]["key_id"],
                revisions[0]["ciphertext"],
                f"revision:{revisions[0]['id']}",
            )
        )
    assert old == "frist"
    error(await client.patch(url, json={"content": ""}, headers=team.human.headers), 400)


@pytest.mark.both_engines
async def test_delete_erases_the_text_and_keeps_the_shell(
    client: httpx2.AsyncClient, team: Team, platform: Platform
) -> None:
    channel = await team.channel(client)
    cid = channel["id"]
    message = data(await send(client, cid, team.human, "oops"), 201)
    url = f"/channels/{cid}/messages/{message['id']}"
    data(await client.patch(url, json={"content": "oops!"}, headers=team.human.headers))
    error(await client.delete(url, headers=team.bot.headers), 403)
    deleted = data(await client.delete(url, headers=team.human.headers))
    assert deleted["isDeleted"] is True
    assert deleted["plaintext"] is None
    assert deleted["seq"] == message["seq"]
    async with platform.store.transaction(write=False) as tx:
        row = await tx.one(sa.select(messages).where(messages.c.id == message["id"]))
        assert row is not None
        assert row["ciphertext"] is None
        assert row["key_id"] is None
        assert not await tx.all(
            sa.select(message_revisions).where(message_revisions.c.message_id == message["id"])
        )
    error(
        await client.patch(url, json={"content": "back"}, headers=team.human.headers),
        409,
        "message_deleted",
    )
    # The channel's owner may delete anyone's message.
    other = data(await send(client, cid, team.bot, "spam"), 201)
    data(await client.delete(f"/channels/{cid}/messages/{other['id']}", headers=team.admin.headers))
    history = data(await client.get(f"/channels/{cid}/messages", headers=team.admin.headers))
    assert [(m["seq"], m["isDeleted"], m["plaintext"]) for m in history] == [
        (1, True, None),
        (2, True, None),
    ]


@pytest.mark.both_engines
async def test_reactions_are_counted_per_emoji_with_has_reacted(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client)
    cid = channel["id"]
    message = data(await send(client, cid, team.admin, "ship it?"), 201)
    url = f"/channels/{cid}/messages/{message['id']}/reactions"
    for member, emoji in [
        (team.admin, "👍"),
        (team.human, "👍"),
        (team.bot, "thumbs_up"),
        (team.bot, "👍"),
    ]:
        data(await client.post(url, json={"emoji": emoji}, headers=member.headers))
    again = data(await client.post(url, json={"emoji": "👍"}, headers=team.admin.headers))
    assert again["reactions"] == [
        {"emoji": "👍", "count": 3, "hasReacted": True},
        {"emoji": "thumbs_up", "count": 1, "hasReacted": False},
    ]
    removed = data(await client.delete(f"{url}/{quote('👍')}", headers=team.human.headers))
    assert removed["reactions"][0] == {"emoji": "👍", "count": 2, "hasReacted": False}
    history = data(await client.get(f"/channels/{cid}/messages", headers=team.bot.headers))
    assert history[0]["metadata"]["reactions"] == [
        {"emoji": "👍", "count": 2, "hasReacted": True},
        {"emoji": "thumbs_up", "count": 1, "hasReacted": True},
    ]
    error(await client.post(url, json={"emoji": "x" * 33}, headers=team.admin.headers), 400)
    error(await client.post(url, json={"emoji": ""}, headers=team.admin.headers), 400)
    missing = f"/channels/{cid}/messages/01912345-abcd-7000-8000-000000000042/reactions"
    error(await client.post(missing, json={"emoji": "👍"}, headers=team.admin.headers), 404)


@pytest.mark.both_engines
async def test_mark_read_moves_forward_only_and_drives_unread_counts(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client)
    cid = channel["id"]
    for n in range(5):
        data(await send(client, cid, team.admin, f"m{n}"), 201)
    assert data(await client.get("/channels/unread", headers=team.human.headers)) == {cid: 5}
    assert data(await client.get("/channels/unread", headers=team.admin.headers)) == {cid: 0}
    read = f"/channels/{cid}/messages/read"
    position = data(await client.post(read, json={"seq": 3}, headers=team.human.headers))
    assert position == {"channelId": cid, "lastReadSeq": 3, "unreadCount": 2}
    back = data(await client.post(read, json={"seq": 1}, headers=team.human.headers))
    assert back["lastReadSeq"] == 3
    beyond = data(await client.post(read, json={"seq": 999}, headers=team.human.headers))
    assert beyond == {"channelId": cid, "lastReadSeq": 5, "unreadCount": 0}
    error(await client.post(read, json={"seq": -1}, headers=team.human.headers), 400)
    receipts = data(await client.get(f"/channels/{cid}/read-receipts", headers=team.bot.headers))
    assert {r["handle"]: r["lastReadSeq"] for r in receipts} == {
        "ada": 5,
        "grace": 5,
        "bot": 0,
        "other-bot": 0,
    }


async def test_read_only_members_and_visibility_rules(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client)
    cid = channel["id"]
    await open_limits(client, cid, team.admin)
    data(
        await client.patch(
            f"/channels/{cid}/members/{team.human.id}",
            json={"role": "readonly"},
            headers=team.admin.headers,
        )
    )
    error(await send(client, cid, team.human), 403, "channel_read_only")
    data(
        await client.patch(
            f"/channels/{cid}", json={"visibility": "agent_only"}, headers=team.admin.headers
        )
    )
    error(await send(client, cid, team.admin), 403, "channel_read_only")
    root = data(await send(client, cid, team.bot, "agents talk here"), 201)
    data(
        await client.patch(
            f"/channels/{cid}", json={"visibility": "human_only"}, headers=team.admin.headers
        )
    )
    error(await send(client, cid, team.bot, "top level"), 403, "channel_read_only")
    data(await send(client, cid, team.bot, "in thread", threadRootId=root["id"]), 201)
    data(await send(client, cid, team.admin, "humans talk here"), 201)


async def test_loop_prevention_answers_429_in_the_documented_shape(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client)
    cid = channel["id"]
    await coordinate(client, cid, team.admin, "free", maxConsecutive=3, cooldownMs=0)
    for n in range(3):
        data(await send(client, cid, team.bot, f"chunk {n}"), 201)
    response = await send(client, cid, team.bot, "chunk 3")
    body = error(response, 429, "loop_prevention")
    assert body["error"].startswith("Loop prevention: max 3 consecutive messages")
    assert response.headers["Retry-After"]
    # Someone else speaking resets the run; humans are never limited.
    for n in range(5):
        data(await send(client, cid, team.admin, f"human {n}"), 201)
    data(await send(client, cid, team.bot, "my turn again"), 201)


@pytest.mark.both_engines
async def test_loop_prevention_cooldown_and_rate_limit(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client)
    cid = channel["id"]
    await coordinate(client, cid, team.admin, "free", cooldownMs=60_000)
    data(await send(client, cid, team.bot, "one"), 201)
    body = error(await send(client, cid, team.bot, "two"), 429, "loop_prevention")
    assert "cooldown" in body["error"]
    await coordinate(client, cid, team.admin, "free", cooldownMs=0, rateLimit=2)
    data(await send(client, cid, team.other_bot, "a"), 201)
    data(await send(client, cid, team.other_bot, "b"), 201)
    body = error(await send(client, cid, team.other_bot, "c"), 429, "loop_prevention")
    assert body["error"] == "Loop prevention: max 2 messages per minute"
    assert body["status"] == 429


@pytest.mark.both_engines
async def test_round_robin_gives_agents_turns_in_join_order(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client)
    cid = channel["id"]
    await coordinate(client, cid, team.admin, "round_robin", cooldownMs=0)
    data(await send(client, cid, team.bot, "first"), 201)
    error(await send(client, cid, team.bot, "again"), 409, "not_your_turn")
    data(await send(client, cid, team.admin, "humans always speak"), 201)
    data(await send(client, cid, team.other_bot, "second"), 201)
    data(await send(client, cid, team.bot, "third"), 201)


async def test_moderated_channels_give_the_floor_by_mention(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client)
    cid = channel["id"]
    await coordinate(client, cid, team.admin, "moderated", cooldownMs=0)
    error(await send(client, cid, team.bot, "may I?"), 409, "not_your_turn")
    mention = [{"principalId": team.bot.id, "offset": 0, "length": 4}]
    data(await send(client, cid, team.admin, "@bot go ahead", mentions=mention), 201)
    data(await send(client, cid, team.bot, "thanks"), 201)
    error(await send(client, cid, team.bot, "and more"), 409, "not_your_turn")
    error(await send(client, cid, team.other_bot, "me too"), 409, "not_your_turn")


async def test_sequential_rounds_restart_with_each_human_message(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client)
    cid = channel["id"]
    await coordinate(client, cid, team.admin, "sequential", cooldownMs=0)
    data(await send(client, cid, team.admin, "question"), 201)
    error(await send(client, cid, team.other_bot, "me first"), 409, "not_your_turn")
    data(await send(client, cid, team.bot, "answer 1"), 201)
    data(await send(client, cid, team.other_bot, "answer 2"), 201)


async def test_archived_channels_keep_history_and_refuse_new_messages(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client)
    cid = channel["id"]
    message = data(await send(client, cid, team.admin, "before"), 201)
    archived = data(
        await client.patch(
            f"/channels/{cid}", json={"isArchived": True}, headers=team.admin.headers
        )
    )
    assert archived["isArchived"] is True
    assert archived["archivedAt"]
    error(await send(client, cid, team.admin, "after"), 409, "channel_archived")
    react = f"/channels/{cid}/messages/{message['id']}/reactions"
    error(await client.post(react, json={"emoji": "👍"}, headers=team.admin.headers), 409)
    assert [
        m["plaintext"]
        for m in data(await client.get(f"/channels/{cid}/messages", headers=team.human.headers))
    ] == ["before"]


@pytest.mark.both_engines
async def test_message_text_is_stored_only_as_ciphertext(
    client: httpx2.AsyncClient, team: Team, platform: Platform, settings: Settings
) -> None:
    channel = await team.channel(client)
    secret = "the launch code is swordfish-7731"
    message = data(await send(client, channel["id"], team.admin, secret), 201)
    data(
        await client.patch(
            f"/channels/{channel['id']}/messages/{message['id']}",
            json={"content": secret + " (edited)"},
            headers=team.admin.headers,
        )
    )
    async with platform.store.transaction(write=False) as tx:
        rows = await tx.all(sa.select(messages))
    assert rows
    assert all(row["ciphertext"] and row["key_id"] for row in rows)
    assert all(b"swordfish" not in bytes(row["ciphertext"]) for row in rows)
    if platform.store.is_sqlite:
        database = Path(settings.sqlalchemy_url.removeprefix("sqlite:///"))
        for path in database.parent.glob(database.name + "*"):  # the file, its WAL and SHM
            assert b"swordfish" not in path.read_bytes(), path


@pytest.mark.both_engines
async def test_events_are_published_once_after_commit_and_never_for_refused_sends(
    client: httpx2.AsyncClient, team: Team, platform: Platform
) -> None:
    channel = await team.channel(client)
    cid = channel["id"]
    subscription = platform.bus.subscribe()
    try:
        data(await send(client, cid, team.admin, "hello", clientGeneratedId="e1"), 201)
        data(await send(client, cid, team.admin, "hello", clientGeneratedId="e1"))
        error(await send(client, cid, team.admin, ""), 400)
        error(await send(client, cid, team.human, attachmentIds=[team.bot.id]), 403)
        data(await send(client, cid, team.human, "second"), 201)
        with anyio.fail_after(5):
            first = await subscription.get()
            second = await subscription.get()
        assert isinstance(first, MessageCreated)
        assert isinstance(second, MessageCreated)
        assert (first.message.seq, second.message.seq) == (1, 2)
        frame = first.frame()
        assert frame["type"] == "message"
        assert frame["message"]["plaintext"] == "hello"
        assert frame["message"]["metadata"]["senderHandle"] == "ada"
        assert first.route.channel_id == cid
        with anyio.move_on_after(0.2):
            extra = await subscription.get()
            pytest.fail(f"unexpected event {extra}")
    finally:
        subscription.close()
