"""Focus: only on a task assigned to the agent; a switch is logged on the task left; when the
focused task is done by any path (PATCH, batch, channel task PATCH, ✅ reaction), focus moves to
the agent's next task as /tasks/next picks it, or is cleared."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from tests.helpers import data, error
from tests.server_core.features.agents.continuity import focus
from tests.server_core.features.messaging.conftest import settings_overrides as settings_overrides
from tests.server_core.features.messaging.conftest import team as team
from tests.server_core.features.messaging.team import Member, Team
from tests.server_core.features.tasks.test_channel_tasks import channel_task, react
from tests.server_core.features.tasks.test_tasks import create, patch

pytestmark = pytest.mark.anyio


async def focused(client: httpx2.AsyncClient, agent: Member) -> str | None:
    wake = data(await client.get(f"/agents/{agent.id}/wake", headers=agent.headers))
    key: str | None = wake["focusedTask"]["key"] if wake["focusedTask"] else None
    assert wake["agent"]["focusedTaskId"] == (wake["focusedTask"] or {}).get("id")
    return key


async def activity(client: httpx2.AsyncClient, who: Member, ref: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = data(
        await client.get(f"/tasks/{ref}/activity", headers=who.headers)
    )
    return [e for e in entries if e["type"] == "progress"]


@pytest.mark.both_engines
async def test_focus_is_set_on_an_assigned_task_and_a_switch_is_logged_on_the_task_left(
    client: httpx2.AsyncClient, team: Team
) -> None:
    bot = team.bot
    first = await create(client, bot, "Auth", assigneeIds=[bot.id], context={"notes": "JWT"})
    await create(client, bot, "Docs", assigneeIds=[bot.id])
    await create(client, bot, "Not mine", assigneeIds=[team.other_bot.id])
    answered = data(await focus(client, bot, first["id"]))
    assert (answered["key"], answered["context"]["notes"]) == ("T-1", "JWT")
    assert await focused(client, bot) == "T-1"
    # The same task again changes nothing and logs nothing.
    data(await focus(client, bot, "T-1"))
    assert await activity(client, bot, "T-1") == []
    assert data(await focus(client, bot, "t-2"))["key"] == "T-2"
    logged = await activity(client, bot, "T-1")
    assert [(e["message"], e["authorId"]) for e in logged] == [("Focus switched to T-2", bot.id)]
    error(await focus(client, bot, "T-3"), 409, "task_not_assigned")
    error(await focus(client, bot, "T-99"), 404)
    assert await focused(client, bot) == "T-2"
    # Clearing answers null and logs nothing.
    assert data(await focus(client, bot, None)) is None
    assert await focused(client, bot) is None
    assert await activity(client, bot, "T-2") == []
    # The agent's owner (an admin here) may set it too; the task must still be the agent's.
    assert data(await focus(client, bot, "T-1", who=team.admin))["key"] == "T-1"
    # Deleting the focused task drops the focus.
    data(await client.delete("/tasks/T-1", headers=bot.headers))
    assert await focused(client, bot) is None


@pytest.mark.both_engines
async def test_focus_advances_to_the_next_task_when_done_by_patch_or_batch(
    client: httpx2.AsyncClient, team: Team
) -> None:
    bot = team.bot
    mine = {"assigneeIds": [bot.id]}
    await create(client, bot, "Focused", priority="low", **mine)  # T-1
    await create(client, bot, "Soon", priority="high", dueDate="2030-01-01T00:00:00Z", **mine)
    await create(client, bot, "Urgent", priority="high", **mine)  # T-3: no due date, after T-2
    await create(client, bot, "Blocked", priority="critical", status="blocked", **mine)  # T-4
    await create(client, bot, "Someone else's", priority="critical", assigneeIds=[team.human.id])
    await create(client, bot, "Other agent's", assigneeIds=[team.other_bot.id])  # T-6
    data(await focus(client, bot, "T-1"))
    data(await focus(client, team.other_bot, "T-6"))
    expected = data(await client.get("/tasks/next", headers=bot.headers))["key"]
    assert expected == "T-2"

    # Done by PATCH, by someone else: focus follows /tasks/next.
    await patch(client, team.human, "T-1", status="done")
    assert await focused(client, bot) == "T-2"
    assert await focused(client, team.other_bot) == "T-6"  # untouched
    # Other changes to the focused task move nothing.
    await patch(client, bot, "T-2", status="review", title="Soon!")
    assert await focused(client, bot) == "T-2"

    # Done in a batch.
    operations = [{"op": "update", "ids": ["T-2"], "data": {"status": "done"}}]
    results = data(
        await client.post("/tasks/batch", json={"operations": operations}, headers=bot.headers)
    )
    assert results[0]["ok"] is True
    assert await focused(client, bot) == "T-3"
    # The last one done: nothing is left but a blocked task, so focus is cleared.
    await patch(client, bot, "T-3", status="done")
    assert await focused(client, bot) is None


@pytest.mark.both_engines
async def test_focus_advances_when_a_channel_task_is_done_by_patch_or_check_mark(
    client: httpx2.AsyncClient, team: Team
) -> None:
    bot = team.bot
    channel = await team.channel(client)
    schema = await channel_task(client, channel, team.human, "Schema", assigneeIds=[bot.id])
    await create(client, bot, "API", status="blocked", priority="high", assigneeIds=[bot.id])
    data(
        await client.post(
            "/tasks/T-2/dependencies", json={"dependsOnId": "T-1"}, headers=bot.headers
        ),
        201,
    )
    await channel_task(client, channel, team.human, "Release", assigneeIds=[bot.id])  # T-3
    data(await focus(client, bot, "T-1"))
    # ✅ completes T-1 and unblocks T-2, which outranks T-3: focus moves there.
    assert (await react(client, schema, team.human, "✅"))["status"] == "done"
    assert await focused(client, bot) == "T-2"
    data(await focus(client, bot, "T-3"))
    await patch(client, bot, "T-2", status="done")
    assert await focused(client, bot) == "T-3"  # focus was not on T-2: unchanged
    # Done through the channel's own task route.
    path = f"/channels/{channel['id']}/tasks/T-3"
    data(await client.patch(path, json={"status": "done"}, headers=bot.headers))
    assert await focused(client, bot) is None
