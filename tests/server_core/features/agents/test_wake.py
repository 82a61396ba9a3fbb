"""Wake: one call with the agent, its focus, its tasks by status with context, unread channels,
default state and pinned memories; and who may call wake, state, focus and memory."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx2
import pytest

from server_core.features.agents import state as state_module
from server_core.kernel.clock import utcnow
from server_core.kernel.platform import Platform
from tests.helpers import api_key_for, bearer, data, error, provision_agent
from tests.server_core.features.agents.continuity import focus, put_memory, put_state
from tests.server_core.features.agents.test_agents import second_workspace
from tests.server_core.features.messaging.conftest import settings_overrides as settings_overrides
from tests.server_core.features.messaging.conftest import team as team
from tests.server_core.features.messaging.team import Member, Team, send
from tests.server_core.features.tasks.test_tasks import create

pytestmark = pytest.mark.anyio


@pytest.mark.both_engines
async def test_wake_answers_everything_an_agent_needs_in_one_call(
    client: httpx2.AsyncClient, team: Team
) -> None:
    bot = team.bot
    mine = {"assigneeIds": [bot.id]}
    await create(client, bot, "Low", priority="low", **mine)  # T-1
    await create(client, bot, "Working", status="active", context={"notes": "half"}, **mine)
    await create(client, bot, "Stuck", status="blocked", **mine)  # T-3
    await create(client, bot, "High", priority="high", **mine)  # T-4
    await create(client, bot, "Finished", status="done", **mine)  # T-5
    await create(client, bot, "Review", status="review", **mine)  # T-6
    await create(client, bot, "Not mine", assigneeIds=[team.human.id])  # T-7
    data(await focus(client, bot, "T-2"))
    busy = await team.channel(client, name="busy")
    quiet = await team.channel(client, name="quiet")
    for n in range(3):
        data(await send(client, busy["id"], team.human, f"m{n}"), 201)
    data(await send(client, quiet["id"], bot, "only mine"), 201)  # own messages are read
    await put_state(client, bot, bot, state={"lastCheckpoint": "x"})
    await put_state(client, bot, bot, namespace="other", state={"y": 1})
    data(await put_memory(client, bot, bot, "context-recovery", "latest", "On T-2", pinned=True))
    data(await put_memory(client, bot, bot, "lessons", "unpinned", "not in wake"))

    wake = data(await client.get(f"/agents/{bot.id}/wake", headers=bot.headers))
    assert set(wake) == {
        "agent",
        "focusedTask",
        "tasks",
        "schedule",
        "channels",
        "state",
        "memories",
        "serverTime",
    }
    assert wake["agent"] == {
        "id": bot.id,
        "handle": "bot",
        "displayName": "bot",
        "focusedTaskId": wake["focusedTask"]["id"],
    }
    assert (wake["focusedTask"]["key"], wake["focusedTask"]["context"]["notes"]) == ("T-2", "half")

    def keys(status: str) -> list[str]:
        return [t["key"] for t in wake["tasks"][status]]

    assert (keys("active"), keys("blocked"), keys("todo")) == (["T-2"], ["T-3"], ["T-4", "T-1"])
    assert all("context" in t for t in wake["tasks"]["todo"])
    assert wake["schedule"] == {"upcoming": []}
    assert wake["channels"]["unread"] == [
        {"channelId": busy["id"], "name": "busy", "kind": "group", "unreadCount": 3}
    ]
    assert (wake["state"]["namespace"], wake["state"]["state"], wake["state"]["version"]) == (
        "default",
        {"lastCheckpoint": "x"},
        1,
    )
    assert [m["key"] for m in wake["memories"]["pinned"]] == ["latest"]
    assert wake["serverTime"].endswith("Z")


async def test_wake_of_a_new_agent_is_empty_and_expired_state_shows_as_none(
    client: httpx2.AsyncClient, team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = team.bot
    wake = data(await client.get(f"/agents/{bot.id}/wake", headers=team.admin.headers))
    assert (wake["focusedTask"], wake["state"], wake["memories"]) == (None, None, {"pinned": []})
    assert wake["tasks"] == {"active": [], "blocked": [], "todo": []}
    assert wake["channels"] == {"unread": []}
    await put_state(client, bot, bot, state={"lock": 1}, ttlSeconds=5)
    later = utcnow() + timedelta(seconds=6)
    monkeypatch.setattr(state_module, "utcnow", lambda: later)
    wake = data(await client.get(f"/agents/{bot.id}/wake", headers=bot.headers))
    assert wake["state"] is None


def continuity_calls(agent_id: str) -> list[tuple[str, str, dict[str, Any] | None]]:
    """One request per operation, each valid for the agent itself."""
    base = f"/agents/{agent_id}"
    return [
        ("GET", f"{base}/wake", None),
        ("PUT", f"{base}/state", {"state": {"a": 1}}),
        ("GET", f"{base}/state", None),
        ("DELETE", f"{base}/state", None),
        ("PUT", f"{base}/focus", {"taskId": None}),
        ("PUT", f"{base}/memory", {"category": "c", "key": "k", "content": "x"}),
        ("GET", f"{base}/memory", None),
        ("GET", f"{base}/memory/categories", None),
        ("DELETE", f"{base}/memory/00000000-0000-7000-8000-000000000000", None),
    ]


async def statuses(client: httpx2.AsyncClient, agent_id: str, who: dict[str, str]) -> list[int]:
    found = []
    for method, path, body in continuity_calls(agent_id):
        response = await client.request(method, path, json=body, headers=who)
        found.append(response.status_code)
    return found


async def test_the_agent_its_owner_and_admins_may_call_others_get_403_or_404(
    client: httpx2.AsyncClient, team: Team, platform: Platform
) -> None:
    # What each call answers when allowed: state read and delete after the write; no such
    # memory entry to delete.
    allowed = [200, 200, 200, 200, 200, 200, 200, 200, 404]
    assert await statuses(client, team.bot.id, team.bot.headers) == allowed
    assert await statuses(client, team.bot.id, team.admin.headers) == allowed  # admin and owner
    assert await statuses(client, team.bot.id, team.human.headers) == [403] * 9
    assert await statuses(client, team.bot.id, team.other_bot.headers) == [403] * 9
    # A human who owns an agent without being an admin.
    grace_token = team.human.headers["Authorization"].removeprefix("Bearer ")
    hers = await provision_agent(client, grace_token, "grace-bot")
    assert await statuses(client, hers["id"], team.human.headers) == allowed
    assert await statuses(client, hers["id"], team.admin.headers) == allowed
    hers_key = bearer(await api_key_for(client, grace_token, hers["id"]))
    assert await statuses(client, team.bot.id, hers_key) == [403] * 9
    # Another workspace: its admin does not see this one's agents at all.
    other = await second_workspace(client, platform, admin_handle="zed")
    assert await statuses(client, team.bot.id, bearer(other["accessToken"])) == [404] * 9
    # Humans are not agents here.
    error(await client.get(f"/agents/{team.human.id}/wake", headers=team.human.headers), 404)


async def test_someone_allowed_acts_on_the_agents_own_data(
    client: httpx2.AsyncClient, team: Team
) -> None:
    """The admin writes the bot's memory: the bot reads it; the admin's own view of another
    agent holds nothing of the bot's."""
    data(await put_memory(client, team.admin, team.bot, "people", "ada", "Admin"))
    listed = data(await client.get(f"/agents/{team.bot.id}/memory", headers=team.bot.headers))
    assert [(m["key"], m["agentId"]) for m in listed] == [("ada", team.bot.id)]
    other: Member = team.other_bot
    assert data(await client.get(f"/agents/{other.id}/memory", headers=other.headers)) == []


@pytest.mark.both_engines
async def test_wake_counts_unread_messages_as_channels_do(
    client: httpx2.AsyncClient, team: Team
) -> None:
    """Read position, own messages, deleted messages and archived channels: wake's counts are
    those of `GET /channels/unread`, and channels with none unread are left out."""
    bot, human = team.bot, team.human
    alpha = await team.channel(client, name="alpha")
    beta = await team.channel(client, name="beta")
    archived = await team.channel(client, name="archived")
    data(await send(client, alpha["id"], bot, "mine"), 201)  # own messages are read
    sent = [data(await send(client, alpha["id"], human, f"a{n}"), 201) for n in range(4)]
    data(await send(client, beta["id"], human, "b"), 201)
    data(await send(client, archived["id"], human, "gone"), 201)
    deleted = f"/channels/{alpha['id']}/messages/{sent[3]['id']}"
    data(await client.delete(deleted, headers=human.headers))
    read = {"seq": sent[0]["seq"]}
    marked = await client.post(
        f"/channels/{alpha['id']}/messages/read", json=read, headers=bot.headers
    )
    data(marked)
    archive = {"isArchived": True}
    data(
        await client.patch(f"/channels/{archived['id']}", json=archive, headers=team.admin.headers)
    )

    wake = data(await client.get(f"/agents/{bot.id}/wake", headers=bot.headers))
    counts = data(await client.get("/channels/unread", headers=bot.headers))
    assert wake["channels"]["unread"] == [
        {"channelId": alpha["id"], "name": "alpha", "kind": "group", "unreadCount": 2},
        {"channelId": beta["id"], "name": "beta", "kind": "group", "unreadCount": 1},
    ]
    listed = {u["channelId"]: u["unreadCount"] for u in wake["channels"]["unread"]}
    assert listed == {channel: n for channel, n in counts.items() if n > 0}
