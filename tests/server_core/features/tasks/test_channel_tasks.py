"""Channel-scoped tasks over REST: created in a channel (announced by a message, or linked to
one), listed and changed through the channel for its members only, and the coordination emojis
on the announcing message; SQL that differs between engines runs on both."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from server_core.features.messaging.events import MessageCreated
from server_core.features.tasks.events import TaskChanged
from tests.helpers import data, error
from tests.server_core.features.messaging.team import Member, Team, open_limits, send
from tests.server_core.features.tasks.test_tasks import create, patch

pytestmark = pytest.mark.anyio


async def channel_task(
    client: httpx2.AsyncClient,
    channel: dict[str, Any],
    who: Member,
    title: str = "Ship login",
    status: int = 201,
    **body: Any,
) -> dict[str, Any]:
    response = await client.post(
        f"/channels/{channel['id']}/tasks", json={"title": title, **body}, headers=who.headers
    )
    task: dict[str, Any] = data(response, status)
    return task


async def react(
    client: httpx2.AsyncClient, task: dict[str, Any], who: Member, emoji: str
) -> dict[str, Any]:
    """`who` reacts on the task's message; the task as it is afterwards."""
    path = f"/channels/{task['channelId']}/messages/{task['messageId']}/reactions"
    data(await client.post(path, json={"emoji": emoji}, headers=who.headers))
    found: dict[str, Any] = data(await client.get(f"/tasks/{task['key']}", headers=who.headers))
    return found


async def history(client: httpx2.AsyncClient, channel: dict[str, Any], who: Member) -> Any:
    return data(await client.get(f"/channels/{channel['id']}/messages", headers=who.headers))


@pytest.mark.both_engines
async def test_a_channel_task_is_a_task_announced_by_a_message_in_its_channel(
    client: httpx2.AsyncClient, team: Team, captured_events: Any
) -> None:
    channel = await team.channel(client)
    await create(client, team.bot, "Ordinary")
    async with captured_events() as captured:
        task = await channel_task(client, channel, team.human, priority="high", labels=["web"])
    assert (task["key"], task["status"], task["priority"], task["labels"]) == (
        "T-2",
        "todo",
        "high",
        ["web"],
    )
    assert task["channelId"] == channel["id"]
    [message] = await history(client, channel, team.human)
    assert message["id"] == task["messageId"]
    assert (message["plaintext"], message["intent"], message["senderId"]) == (
        "📋 T-2: Ship login",
        "task_update",
        team.human.id,
    )
    assert message["metadata"]["taskKey"] == "T-2"
    # The event carries the task as it is answered: linked to its channel and message.
    [created] = captured.of(TaskChanged)
    assert (created.action, created.task.channel_id, created.task.message_id) == (
        "created",
        channel["id"],
        task["messageId"],
    )
    assert [e.message.id for e in captured.of(MessageCreated)] == [task["messageId"]]
    # One board: the main list has it, and an ordinary task has no channel.
    board = data(await client.get("/tasks?sortDir=asc", headers=team.bot.headers))
    assert [(t["key"], t["channelId"], t["messageId"]) for t in board] == [
        ("T-1", None, None),
        ("T-2", channel["id"], task["messageId"]),
    ]


@pytest.mark.both_engines
async def test_a_channel_task_can_link_a_message_already_in_the_channel(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client)
    elsewhere = await team.channel(client, name="elsewhere")
    said = data(await send(client, channel["id"], team.human, "Someone should fix the login"), 201)
    task = await channel_task(client, channel, team.bot, "Fix login", messageId=said["id"])
    assert task["messageId"] == said["id"]
    assert len(await history(client, channel, team.bot)) == 1  # nothing posted
    taken = await client.post(
        f"/channels/{channel['id']}/tasks",
        json={"title": "Again", "messageId": said["id"]},
        headers=team.bot.headers,
    )
    assert "already announces T-1" in error(taken, 409, "conflict")["error"]
    other = data(await send(client, elsewhere["id"], team.human, "not here"), 201)
    for ref in (other["id"], "nope"):
        error(
            await client.post(
                f"/channels/{channel['id']}/tasks",
                json={"title": "X", "messageId": ref},
                headers=team.bot.headers,
            ),
            404,
            "not_found",
        )
    gone = data(await send(client, channel["id"], team.human, "oops"), 201)
    await client.delete(
        f"/channels/{channel['id']}/messages/{gone['id']}", headers=team.human.headers
    )
    deleted = await client.post(
        f"/channels/{channel['id']}/tasks",
        json={"title": "X", "messageId": gone["id"]},
        headers=team.bot.headers,
    )
    error(deleted, 409, "message_deleted")
    # A refused create leaves no task and no number used.
    assert (await channel_task(client, channel, team.human, "Next"))["key"] == "T-2"


async def test_only_members_create_in_an_open_channel(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client, members=(team.admin, team.bot))
    refused = await client.post(
        f"/channels/{channel['id']}/tasks", json={"title": "X"}, headers=team.human.headers
    )
    error(refused, 403, "not_channel_member")
    missing = "00000000-0000-4000-8000-000000000000"
    error(
        await client.post(
            f"/channels/{missing}/tasks", json={"title": "X"}, headers=team.bot.headers
        ),
        404,
        "not_found",
    )
    await client.patch(
        f"/channels/{channel['id']}/members/{team.bot.id}",
        json={"role": "readonly"},
        headers=team.admin.headers,
    )
    readonly = await client.post(
        f"/channels/{channel['id']}/tasks", json={"title": "X"}, headers=team.bot.headers
    )
    error(readonly, 403, "channel_read_only")
    await client.patch(
        f"/channels/{channel['id']}", json={"isArchived": True}, headers=team.admin.headers
    )
    archived = await client.post(
        f"/channels/{channel['id']}/tasks", json={"title": "X"}, headers=team.admin.headers
    )
    error(archived, 409, "channel_archived")
    assert data(await client.get("/tasks", headers=team.admin.headers)) == []


@pytest.mark.both_engines
async def test_a_channel_lists_its_own_tasks_with_filters_and_pages(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client)
    elsewhere = await team.channel(client, name="elsewhere")
    await open_limits(client, channel["id"], team.admin)
    for title in ("One", "Two", "Three"):
        await channel_task(client, channel, team.bot, title)
    await channel_task(client, elsewhere, team.bot, "Elsewhere")
    await create(client, team.bot, "Board only")
    await patch(client, team.bot, "T-1", status="backlog", assigneeIds=[team.human.id])
    path = f"/channels/{channel['id']}/tasks"

    async def keys(query: str = "") -> list[str]:
        listed = data(await client.get(path + query, headers=team.human.headers))
        return [task["key"] for task in listed]

    assert await keys() == ["T-3", "T-2", "T-1"]
    assert await keys("?status=open") == ["T-1"]  # the earlier name maps
    assert await keys("?status=todo,backlog&priority=medium") == ["T-3", "T-2", "T-1"]
    assert await keys(f"?assigneeId={team.human.id}") == ["T-1"]
    page = await client.get(path + "?limit=2", headers=team.human.headers)
    assert [t["key"] for t in data(page)] == ["T-3", "T-2"]
    assert page.json()["pagination"]["hasMore"] is True
    cursor = page.json()["pagination"]["cursor"]
    assert await keys(f"?limit=2&cursor={cursor}") == ["T-1"]
    error(await client.get(path + "?status=nope", headers=team.human.headers), 400)
    outsider = await team.channel(client, name="closed", members=(team.admin,))
    error(
        await client.get(f"/channels/{outsider['id']}/tasks", headers=team.bot.headers),
        403,
        "not_channel_member",
    )


@pytest.mark.both_engines
async def test_a_channel_task_is_changed_through_its_own_channel_as_patch_does(
    client: httpx2.AsyncClient, team: Team, captured_events: Any
) -> None:
    channel = await team.channel(client)
    elsewhere = await team.channel(client, name="elsewhere")
    task = await channel_task(client, channel, team.human, assigneeIds=[team.bot.id])
    await create(client, team.bot, "Board only")
    path = f"/channels/{channel['id']}/tasks"
    async with captured_events() as captured:
        changed = data(
            await client.patch(f"{path}/T-1", json={"status": "active"}, headers=team.human.headers)
        )
    assert (changed["status"], changed["channelId"]) == ("active", channel["id"])
    assert [(e.task.key, e.action) for e in captured.of(TaskChanged)] == [("T-1", "status_changed")]
    assert len(captured.of(MessageCreated)) == 1  # the assignee's DM
    refused = await client.patch(
        f"{path}/T-1", json={"status": "in_progress"}, headers=team.human.headers
    )
    assert "use 'active'" in error(refused, 400)["error"]
    for where, ref in ((path, "T-2"), (f"/channels/{elsewhere['id']}/tasks", "T-1")):
        error(
            await client.patch(f"{where}/{ref}", json={"title": "X"}, headers=team.human.headers),
            404,
            "not_found",
        )
    closed = await team.channel(client, name="closed", members=(team.admin,))
    private = data(
        await client.post(
            f"/channels/{closed['id']}/tasks", json={"title": "Private"}, headers=team.admin.headers
        ),
        201,
    )
    outsider = await client.patch(
        f"/channels/{closed['id']}/tasks/{private['key']}",
        json={"title": "X"},
        headers=team.bot.headers,
    )
    error(outsider, 403, "not_channel_member")
    assert data(await client.get(f"/tasks/{task['key']}", headers=team.bot.headers))["title"] == (
        "Ship login"
    )


@pytest.mark.both_engines
async def test_coordination_emojis_move_the_task_and_removing_them_moves_nothing(
    client: httpx2.AsyncClient, team: Team, captured_events: Any
) -> None:
    channel = await team.channel(client)
    task = await channel_task(client, channel, team.human)
    async with captured_events() as captured:
        claimed = await react(client, task, team.bot, "👋")
    assert (claimed["status"], claimed["assigneeIds"]) == ("active", [team.bot.id])
    assert [(e.task.key, e.action) for e in captured.of(TaskChanged)] == [("T-1", "status_changed")]
    log = data(await client.get("/tasks/T-1/activity?type=status_change", headers=team.bot.headers))
    assert (log[0]["message"], log[0]["authorId"]) == ("Status: todo → active", team.bot.id)
    # Claiming an assigned task keeps its assignees.
    assert (await react(client, task, team.other_bot, "👋🏽"))["assigneeIds"] == [team.bot.id]
    assert (await react(client, task, team.human, "✋"))["status"] == "backlog"
    assert (await react(client, task, team.human, "⚙"))["status"] == "active"  # no U+FE0F
    assert (await react(client, task, team.admin, "✋️"))["status"] == "backlog"
    assert (await react(client, task, team.admin, "⚙️"))["status"] == "active"
    assert (await react(client, task, team.bot, ":white_check_mark:"))["status"] == "done"
    # Removing a reaction does not undo what it did.
    remove = f"/channels/{channel['id']}/messages/{task['messageId']}/reactions"
    data(await client.delete(f"{remove}/%E2%9A%99%EF%B8%8F", headers=team.admin.headers))
    data(await client.delete(f"{remove}/white_check_mark", headers=team.bot.headers))
    assert data(await client.get("/tasks/T-1", headers=team.bot.headers))["status"] == "done"
    time = data(await client.get("/tasks/T-1/time", headers=team.bot.headers))
    assert [t["to"] for t in time["transitions"]] == [
        "todo",
        "active",
        "backlog",
        "active",
        "backlog",
        "active",
        "done",
    ]
    # Adding an emoji again moves the task again.
    assert (await react(client, task, team.bot, "⚙️"))["status"] == "active"


@pytest.mark.both_engines
async def test_a_check_mark_reaction_completes_the_task_and_unblocks_its_dependents(
    client: httpx2.AsyncClient, team: Team, captured_events: Any
) -> None:
    channel = await team.channel(client)
    blocker = await channel_task(client, channel, team.human, "Schema")
    await create(client, team.bot, "API", status="blocked", assigneeIds=[team.bot.id])
    data(
        await client.post(
            "/tasks/T-2/dependencies", json={"dependsOnId": "T-1"}, headers=team.bot.headers
        ),
        201,
    )
    async with captured_events() as captured:
        done = await react(client, blocker, team.human, "✅")
    assert done["status"] == "done"
    assert data(await client.get("/tasks/T-2", headers=team.bot.headers))["status"] == "todo"
    assert [(e.task.key, e.action) for e in captured.of(TaskChanged)] == [
        ("T-2", "status_changed"),
        ("T-1", "completed"),
    ]


async def test_reactions_change_no_task_on_other_messages_or_with_other_emojis(
    client: httpx2.AsyncClient, team: Team, captured_events: Any
) -> None:
    channel = await team.channel(client)
    task = await channel_task(client, channel, team.human)
    plain = data(await send(client, channel["id"], team.human, "lunch?"), 201)
    async with captured_events() as captured:
        data(
            await client.post(
                f"/channels/{channel['id']}/messages/{plain['id']}/reactions",
                json={"emoji": "✅"},
                headers=team.bot.headers,
            )
        )
        assert (await react(client, task, team.bot, "👍"))["status"] == "todo"
        assert (await react(client, task, team.bot, "✔️"))["status"] == "todo"
    assert captured.of(TaskChanged) == []
    # An ordinary task has no message for emojis to land on.
    ordinary = await create(client, team.bot, "Board only")
    assert ordinary["messageId"] is None
