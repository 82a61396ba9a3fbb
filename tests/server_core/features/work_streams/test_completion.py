"""Finishing a work stream: the onComplete chain runs once — the linked task moves to done
(unblocking what waited on it, moving its agent's focus on) or to blocked, the people to
notify are woken with the task's full context, and the channel's status message is edited to
say how it ended."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from server_core.features.messaging.events import MessageEdited
from server_core.features.tasks.events import TaskChanged
from server_core.features.work_streams.events import WorkStreamChanged
from tests.helpers import data
from tests.server_core.features.agents.test_focus import focused
from tests.server_core.features.messaging.team import Team
from tests.server_core.features.schedule.test_notifier import wakes
from tests.server_core.features.work_streams.streams import (
    get_task,
    patch,
    start,
    status_message,
    task,
)

pytestmark = [pytest.mark.anyio, pytest.mark.both_engines]


async def test_completing_moves_the_task_to_done_and_unblocks_what_waited_on_it(
    client: httpx2.AsyncClient, team: Team, captured_events: Any
) -> None:
    linked = await task(client, team.admin, status="active", assigneeIds=[team.bot.id])
    waiting = await task(client, team.admin, title="Deploy", status="blocked")
    dependency = {"dependsOnId": linked["id"]}
    added = await client.post(
        f"/tasks/{waiting['id']}/dependencies", json=dependency, headers=team.admin.headers
    )
    assert added.status_code == 201, added.text
    following = await task(client, team.admin, title="Next up", assigneeIds=[team.bot.id])
    focus = {"taskId": linked["id"]}
    set_focus = await client.put(
        f"/agents/{team.bot.id}/focus", json=focus, headers=team.bot.headers
    )
    assert set_focus.status_code == 200, set_focus.text
    stream = await start(client, team.bot, taskId=linked["id"], onComplete={"autoAdvance": True})
    async with captured_events() as captured:
        done = await patch(
            client, team.bot, stream["id"], status="completed", resultSummary="All tests pass."
        )
    assert (done["status"], done["resultSummary"]) == ("completed", "All tests pass.")
    assert done["finishedAt"] is not None
    assert (await get_task(client, team.admin, linked["id"]))["status"] == "done"
    assert (await get_task(client, team.admin, waiting["id"]))["status"] == "todo"
    assert await focused(client, team.bot) == following["key"]  # focus moved on
    assert [e.action for e in captured.of(WorkStreamChanged)] == ["completed"]
    changed = {(e.task.id, e.action) for e in captured.of(TaskChanged)}
    assert {(linked["id"], "completed"), (waiting["id"], "status_changed")} <= changed
    again = await patch(client, team.bot, stream["id"], 409, status="completed")
    assert again["code"] == "work_stream_finished"
    failed_after = await patch(client, team.admin, stream["id"], 409, status="failed")
    assert failed_after["code"] == "work_stream_finished"


async def test_failing_blocks_the_task_and_cancelling_leaves_it(
    client: httpx2.AsyncClient, team: Team
) -> None:
    linked = await task(client, team.admin, status="active")
    failing = await start(client, team.bot, taskId=linked["id"], onComplete={"autoAdvance": True})
    refused = await patch(client, team.other_bot, failing["id"], 403, status="failed")
    assert refused["code"] == "forbidden"
    await patch(client, team.admin, failing["id"], status="failed", resultSummary="CI red")
    assert (await get_task(client, team.admin, linked["id"]))["status"] == "blocked"
    other = await task(client, team.admin, title="Other", status="active")
    cancelled = await start(client, team.bot, taskId=other["id"], onComplete={"autoAdvance": True})
    assert (await patch(client, team.bot, cancelled["id"], status="cancelled"))["status"] == (
        "cancelled"
    )
    assert (await get_task(client, team.admin, other["id"]))["status"] == "active"
    plain = await task(client, team.admin, title="Plain", status="active")
    manual = await start(client, team.bot, taskId=plain["id"])
    await patch(client, team.bot, manual["id"], status="completed")
    assert (await get_task(client, team.admin, plain["id"]))["status"] == "active"


async def test_notify_wakes_the_owner_with_the_tasks_full_context(
    client: httpx2.AsyncClient, team: Team
) -> None:
    linked = await task(client, team.admin, description="Add JWT checks to the API.")
    context = {"background": "Tokens are not checked today.", "acceptance": ["401 on bad JWT"]}
    put = await client.put(
        f"/tasks/{linked['id']}/context", json=context, headers=team.admin.headers
    )
    assert put.status_code == 200, put.text
    artifact = {"type": "artifact", "message": "the PR", "metadata": {"kind": "pr", "ref": "#142"}}
    posted = await client.post(
        f"/tasks/{linked['id']}/activity", json=artifact, headers=team.bot.headers
    )
    assert posted.status_code == 201, posted.text
    stream = await start(
        client,
        team.bot,
        taskId=linked["id"],
        onComplete={"autoAdvance": True, "notify": True},
    )
    await patch(client, team.bot, stream["id"], status="completed", resultSummary="Done. Green.")
    [woke] = await wakes(client, team.bot)
    assert woke["plaintext"] == (
        "✅ Work stream completed: Implement auth middleware\n\n"
        "Result: Done. Green.\n\n"
        f"📋 {linked['key']}: Auth middleware — status done\n"
        "Add JWT checks to the API.\n"
        "Background: Tokens are not checked today.\n"
        "Acceptance criteria:\n- 401 on bad JWT\n"
        "Artifacts:\n- pr #142: the PR"
    )
    assert woke["metadata"]["workStreamId"] == stream["id"]
    assert (woke["metadata"]["status"], woke["metadata"]["taskId"]) == ("completed", linked["id"])
    assert woke["metadata"]["resultSummary"] == "Done. Green."


async def test_notify_wakes_the_listed_principals_on_failure_but_not_on_cancel(
    client: httpx2.AsyncClient, team: Team
) -> None:
    listed = {"notify": {"principalIds": [team.other_bot.id, team.human.id]}}
    stream = await start(client, team.bot, onComplete=listed)
    assert stream["onComplete"]["notify"] == {"principalIds": [team.other_bot.id, team.human.id]}
    cancelled = await start(client, team.bot, title="Dropped", onComplete=listed)
    await patch(client, team.bot, cancelled["id"], status="cancelled")
    assert await wakes(client, team.other_bot) == []
    await patch(client, team.bot, stream["id"], status="failed", resultSummary="Out of memory")
    [woke] = await wakes(client, team.other_bot)
    assert woke["plaintext"] == (
        "❌ Work stream failed: Implement auth middleware\n\nResult: Out of memory"
    )
    [human] = await wakes(client, team.human)
    assert human["metadata"]["workStreamId"] == stream["id"]
    assert await wakes(client, team.bot) == []


async def test_finishing_edits_the_channels_status_message(
    client: httpx2.AsyncClient, team: Team, captured_events: Any
) -> None:
    channel = await team.channel(client)
    stream = await start(client, team.bot, channelId=channel["id"])
    async with captured_events() as captured:
        await patch(
            client, team.admin, stream["id"], status="completed", resultSummary="Merged #142."
        )
    [edited] = captured.of(MessageEdited)
    assert edited.message_id == stream["messageId"]
    [published] = captured.of(WorkStreamChanged)
    assert (published.action, published.route.channel_id) == ("completed", channel["id"])
    message = await status_message(client, team.human, channel["id"])
    assert message["plaintext"] == (
        "✅ Work stream completed: Implement auth middleware\nRunner: claude-code\nMerged #142."
    )
    assert message["isEdited"] is True
    assert message["metadata"]["status"] == "completed"
    assert edited.plaintext == message["plaintext"]


async def test_the_stream_finishes_even_when_its_message_cannot_be_edited(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client)
    stream = await start(client, team.bot, channelId=channel["id"])
    left = await client.delete(
        f"/channels/{channel['id']}/members/{team.bot.id}", headers=team.admin.headers
    )
    assert left.status_code in (200, 204), left.text
    done = await patch(client, team.admin, stream["id"], status="failed")
    assert done["status"] == "failed"
    message = await status_message(client, team.human, channel["id"])
    assert (message["isEdited"], message["metadata"]["status"]) == (False, "running")
    listed = data(await client.get("/work-streams", headers=team.bot.headers))
    assert [s["status"] for s in listed] == ["failed"]  # the owner still sees its own


async def test_an_admin_outside_the_channel_finishes_a_stream_left_running(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client, owner=team.human, members=(team.human, team.bot))
    stream = await start(client, team.bot, channelId=channel["id"])
    hidden = await client.get(f"/work-streams/{stream['id']}", headers=team.other_bot.headers)
    assert hidden.status_code == 404
    seen = data(await client.get("/work-streams", headers=team.admin.headers))
    assert [s["id"] for s in seen] == [stream["id"]]
    done = await patch(client, team.admin, stream["id"], status="cancelled")
    assert done["status"] == "cancelled"
    message = await status_message(client, team.human, channel["id"])
    assert message["plaintext"].startswith("⏹️ Work stream cancelled: Implement auth middleware")
