"""The tasks toolset through a real MCP client session, in both protocol eras: the daily loop
of an agent — its next task, the task with its context, status changes, progress logged,
context kept current."""

from __future__ import annotations

import pytest
from mcp import Client

from tests.sesame_mcp.conftest import Agent, Workspace
from tests.sesame_mcp.toolsets.conftest import ok, text

pytestmark = pytest.mark.anyio


async def test_an_agent_works_through_its_next_task(
    mcp_all: Client, workspace: Workspace, agent: Agent
) -> None:
    nothing = ok(await mcp_all.call_tool("next_task", {}))
    assert (nothing["found"], nothing["tasks"]) == (False, [])
    admin = workspace.admin
    await admin.tasks.create("Low one", priority="low", assignee_ids=[agent.account.id])
    await admin.tasks.create(
        "Ship login",
        priority="high",
        assignee_ids=[agent.account.id],
        context={"background": "Users need to log in", "acceptance": ["Tests pass"]},
    )
    found = await mcp_all.call_tool("next_task", {})
    assert ok(found)["tasks"][0]["key"] == "T-2"
    assert 'T-2 [todo, high] "Ship login" (@scout)' in text(found)
    assert 'background: "Users need to log in"' in text(found)
    mine = ok(await mcp_all.call_tool("my_tasks", {}))
    assert [t["key"] for t in mine["tasks"]] == ["T-2", "T-1"]
    active = ok(await mcp_all.call_tool("update_task", {"task": "T-2", "status": "active"}))
    assert active["task"]["status"] == "active"
    # Only what was given changed.
    assert (active["task"]["priority"], active["task"]["context"]["acceptance"]) == (
        "high",
        ["Tests pass"],
    )
    ok(await mcp_all.call_tool("report_progress", {"task": "T-2", "message": "Form done"}))
    ok(await mcp_all.call_tool("append_task_context", {"task": "T-2", "decisions": ["Use PKCE"]}))
    context = ok(
        await mcp_all.call_tool("update_task_context", {"task": "T-2", "notes": "Halfway"})
    )
    assert (context["context"]["decisions"], context["context"]["notes"]) == (
        ["Use PKCE"],
        "Halfway",
    )
    log = ok(await mcp_all.call_tool("task_activity", {"task": "T-2"}))
    assert [e["type"] for e in log["entries"]] == [
        "context_update",
        "context_update",
        "progress",
        "status_change",
    ]
    shown = ok(await mcp_all.call_tool("get_task", {"task": "t-2"}))
    assert shown["task"]["context"]["background"] == "Users need to log in"


async def test_tasks_are_created_listed_and_refusals_say_what_next(mcp_all: Client) -> None:
    made = ok(await mcp_all.call_tool("create_task", {"title": "Write docs", "labels": ["docs"]}))
    assert (made["task"]["key"], made["task"]["progress"]["total"]) == ("T-1", 0)
    listed = ok(await mcp_all.call_tool("list_tasks", {"labels": "docs"}))
    assert [t["title"] for t in listed["tasks"]] == ["Write docs"]
    unknown = await mcp_all.call_tool("get_task", {"task": "T-99"})
    assert unknown.is_error
    assert "my_tasks and list_tasks" in text(unknown)
    old = await mcp_all.call_tool("update_task", {"task": "T-1", "status": "in_progress"})
    assert old.is_error
    assert "use 'active'" in text(old)


async def test_work_is_handed_off_and_shaped_with_dependencies(
    mcp_all: Client, workspace: Workspace, agent: Agent, bob: Agent
) -> None:
    admin = workspace.admin
    await admin.tasks.create("API", assignee_ids=[agent.account.id])
    await admin.tasks.create("Frontend", status="blocked", assignee_ids=[agent.account.id])
    ok(await mcp_all.call_tool("add_task_dependency", {"task": "T-2", "depends_on_id": "T-1"}))
    waits = await mcp_all.call_tool("task_dependencies", {"task": "T-2"})
    assert 'T-1 "API" (todo)' in text(waits)
    ok(await mcp_all.call_tool("update_task", {"task": "T-1", "status": "done"}))
    assert (await admin.tasks.get("T-2")).status == "todo"  # unblocked by itself
    handed = await mcp_all.call_tool(
        "hand_off_task",
        {"task": "T-2", "to_handle": "bob", "reason": "You know React", "state": {"branch": "fe"}},
    )
    assert "Handed off to @bob" in text(handed)
    latest = await bob.client.tasks.latest_handoff("T-2")
    assert latest is not None
    assert (latest.from_handle, latest.state) == ("scout", {"branch": "fe"})
    assert [t.key for t in await bob.client.tasks.mine()] == ["T-2"]


async def test_the_board_is_summarized_and_reordered(mcp_all: Client, workspace: Workspace) -> None:
    for title in ("A", "B"):
        await workspace.admin.tasks.create(title)
    summary = await mcp_all.call_tool("tasks_summary", {})
    assert ok(summary)["projects"][0]["by_status"] == {"todo": 2}
    assert "- no project: 2 tasks (todo 2)" in text(summary)
    ordered = ok(await mcp_all.call_tool("reorder_tasks", {"task_ids": ["T-2", "T-1"]}))
    assert [t["key"] for t in ordered["tasks"]] == ["T-2", "T-1"]


async def test_progress_is_reported_in_one_call(
    mcp_all: Client, workspace: Workspace, agent: Agent
) -> None:
    await workspace.admin.tasks.create("Ship login", assignee_ids=[agent.account.id])
    listed = await mcp_all.call_tool("my_tasks", {})
    assert [(t["key"], t["status"]) for t in ok(listed)["tasks"]] == [("T-1", "todo")]
    assert '- T-1 [todo, medium] "Ship login"' in text(listed)
    reported = await mcp_all.call_tool(
        "report_progress",
        {
            "task": "T-1",
            "status": "review",
            "message": "PR up",
            "type": "artifact",
            "metadata": {"kind": "pr", "ref": "#142"},
        },
    )
    assert (ok(reported)["key"], ok(reported)["status"]) == ("T-1", "review")
    assert "Logged your note" in text(reported)
    entries = (await workspace.admin.tasks.activity("T-1")).items
    assert [(e.type, e.message) for e in entries][:1] == [("artifact", "PR up")]
    assert entries[1].type == "status_change"
    assert entries[0].id == ok(reported)["logged"]
    status_only = ok(await mcp_all.call_tool("report_progress", {"task": "t-1", "status": "done"}))
    assert (status_only["status"], status_only["logged"]) == ("done", None)
    assert ok(await mcp_all.call_tool("my_tasks", {}))["tasks"] == []
    empty = await mcp_all.call_tool("report_progress", {"task": "T-1"})
    assert empty.is_error
    assert "status, a message, or both" in text(empty)
    stale = await mcp_all.call_tool("report_progress", {"task": "T-1", "status": "in_progress"})
    assert stale.is_error


async def test_a_batch_reports_each_operation(
    mcp_all: Client, workspace: Workspace, bob: Agent
) -> None:
    await workspace.admin.tasks.create("Existing")
    result = await mcp_all.call_tool(
        "batch_tasks",
        {
            "operations": [
                {"op": "create", "data": {"title": "New one", "priority": "high"}},
                {"op": "update", "ids": ["T-1"], "data": {"status": "done"}},
                {"op": "update", "ids": ["T-1"], "data": {"status": "complete"}},
                {"op": "assign", "ids": ["T-1", "T-2"], "data": {"assigneeIds": [bob.account.id]}},
            ]
        },
    )
    results = ok(result)["results"]
    assert [(r["op"], r["ok"]) for r in results] == [
        ("create", True),
        ("update", True),
        ("update", False),
        ("assign", True),
    ]
    assert [t["key"] for t in results[0]["tasks"]] == ["T-2"]
    assert results[2]["code"] == "validation_error"
    assert "3 of 4 operations done" in text(result)
    assert "- 2 update: refused (validation_error)" in text(result)
    assert [t.key for t in await bob.client.tasks.mine(status="done,todo")] == ["T-2", "T-1"]


async def test_channel_tasks_are_announced_and_moved_by_reactions(
    mcp_all: Client, workspace: Workspace, plans: str, bob: Agent
) -> None:
    made = ok(
        await mcp_all.call_tool("create_channel_task", {"channel": "#plans", "title": "Demo"})
    )
    assert (made["task"]["key"], made["task"]["status"]) == ("T-1", "todo")
    [announced] = (await bob.client.messages.history(plans, limit=1)).items
    assert announced.plaintext is not None
    assert "T-1" in announced.plaintext
    await bob.client.messages.react(plans, announced.id, "👋")
    listed = await mcp_all.call_tool("channel_tasks", {"channel": "plans"})
    assert [(t["key"], t["status"]) for t in ok(listed)["tasks"]] == [("T-1", "active")]
    assert "(@bob)" in text(listed)  # claimed by the reaction
    done = ok(
        await mcp_all.call_tool(
            "update_channel_task", {"channel": "#plans", "task": "T-1", "status": "done"}
        )
    )
    assert done["task"]["status"] == "done"
    await workspace.admin.tasks.create("Elsewhere")
    wrong = await mcp_all.call_tool(
        "update_channel_task", {"channel": "#plans", "task": "T-2", "status": "done"}
    )
    assert wrong.is_error


async def test_a_template_makes_a_task_with_its_subtasks(mcp_all: Client, agent: Agent) -> None:
    made = ok(
        await mcp_all.call_tool(
            "create_task_template",
            {
                "name": "Release",
                "title_pattern": "Release {{version}}",
                "default_priority": "high",
                "subtask_templates": [{"title": "Tag {{version}}"}, {"title": "Announce"}],
            },
        )
    )
    template = made["template"]
    assert template["variables"] == ["version"]
    listed = await mcp_all.call_tool("list_task_templates", {})
    assert f'"Release" [{template["id"]}]: "Release {{{{version}}}}", needs version' in text(listed)
    missing = await mcp_all.call_tool("create_task_from_template", {"template": template["id"]})
    assert missing.is_error
    assert "missing_variables" in text(missing)
    used = await mcp_all.call_tool(
        "create_task_from_template",
        {
            "template": template["id"],
            "variables": {"version": "2.1"},
            "assignee_ids": [agent.account.id],
        },
    )
    task = ok(used)["created"]
    assert (task["task"]["title"], task["task"]["priority"]) == ("Release 2.1", "high")
    assert [s["title"] for s in task["subtasks"]] == ["Tag 2.1", "Announce"]
    assert "Created T-1" in text(used)
    renamed = ok(
        await mcp_all.call_tool(
            "update_task_template", {"template": template["id"], "name": "Ship"}
        )
    )
    assert renamed["template"]["name"] == "Ship"
    ok(await mcp_all.call_tool("delete_task_template", {"template": template["id"]}))
    gone = await mcp_all.call_tool("get_task_template", {"template": template["id"]})
    assert gone.is_error


async def test_a_recurring_task_spawns_its_next_occurrence(mcp_all: Client) -> None:
    made = ok(
        await mcp_all.call_tool(
            "create_task",
            {
                "title": "Weekly report",
                "recurrence_rule": "0 9 * * 1",
                "recurrence_timezone": "Europe/Paris",
            },
        )
    )
    assert made["task"]["recurrence_rule"] == "0 9 * * 1"
    shown = await mcp_all.call_tool("get_task", {"task": "T-1"})
    assert "Recurs: 0 9 * * 1 (Europe/Paris), next due" in text(shown)
    first_due = made["task"]["next_recurrence_at"]
    skipped = ok(await mcp_all.call_tool("skip_recurrence", {"task": "T-1"}))
    assert skipped["task"]["next_recurrence_at"] > first_due
    ok(await mcp_all.call_tool("update_task", {"task": "T-1", "status": "done"}))
    series = ok(await mcp_all.call_tool("task_recurrences", {"task": "T-1"}))
    assert [(t["key"], t["status"], t["recurrence_index"]) for t in series["tasks"]] == [
        ("T-1", "done", None),
        ("T-2", "todo", 1),
    ]
    bad = await mcp_all.call_tool("create_task", {"title": "x", "recurrence_rule": "every day"})
    assert bad.is_error
    assert "invalid_recurrence_rule" in text(bad)


async def test_search_finds_tasks_and_activity_best_first(
    mcp_all: Client, workspace: Workspace
) -> None:
    admin = workspace.admin
    await admin.tasks.create("Rotate the <staging> keys")
    await admin.tasks.create("Audit", description="Check that keys rotate")
    await admin.tasks.post_activity("T-2", type="decision", message="Rotate keys monthly")
    found = await mcp_all.call_tool("search_tasks", {"q": "rotate keys"})
    hits = ok(found)["hits"]
    assert hits[0]["key"] == "T-1"
    assert hits[0]["snippet"] == "«Rotate» the <staging> «keys»"
    assert {(h["key"], h["type"]) for h in hits} == {
        ("T-1", "task"),
        ("T-2", "task"),
        ("T-2", "activity"),
    }
    assert '(decision entry): "«Rotate» «keys» monthly"' in text(found)
    only_activity = ok(
        await mcp_all.call_tool("search_tasks", {"q": "monthly", "scope": "activity"})
    )
    assert [h["activity_type"] for h in only_activity["hits"]] == ["decision"]
    short = await mcp_all.call_tool("search_tasks", {"q": "r"})
    assert short.is_error
