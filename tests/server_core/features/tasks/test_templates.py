"""Task templates over REST: create, read, list by project, change and delete (creator and
admins), and making a task with its subtasks from one, with variables filled, overrides,
missing variables refused and other workspaces kept apart."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from server_core.features.tasks.events import TaskChanged
from server_core.kernel.platform import Platform
from tests.helpers import bearer, data, error
from tests.server_core.features.agents.test_agents import second_workspace
from tests.server_core.features.messaging.team import Member, Team
from tests.server_core.features.projects.test_projects import create as create_project

pytestmark = pytest.mark.anyio

BUG_REPORT = {
    "name": "Bug Report",
    "description": "Standard bug investigation template",
    "titlePattern": "Bug: {{summary}}",
    "defaultPriority": "high",
    "defaultLabels": ["bug"],
    "context": {
        "background": "Bug reported — investigate and fix",
        "acceptance": ["Root cause identified", "Fix implemented", "Tests pass"],
        "constraints": ["No breaking changes"],
    },
    "subtaskTemplates": [
        {"title": "Reproduce {{ summary }}"},
        {"title": "Write regression test", "context": {"acceptance": ["Test fails without fix"]}},
        {"title": "Implement fix"},
    ],
}


async def make_template(client: httpx2.AsyncClient, who: Member, **body: Any) -> dict[str, Any]:
    template: dict[str, Any] = data(
        await client.post("/tasks/templates", json={**BUG_REPORT, **body}, headers=who.headers),
        201,
    )
    return template


async def use(
    client: httpx2.AsyncClient, who: Member, template_id: str, status: int = 201, **body: Any
) -> Any:
    response = await client.post(
        f"/tasks/templates/{template_id}/create", json=body, headers=who.headers
    )
    return data(response, status) if status < 400 else error(response, status)


@pytest.mark.both_engines
async def test_a_task_and_its_subtasks_are_made_from_a_template_in_one_go(
    client: httpx2.AsyncClient, team: Team, captured_events: Any
) -> None:
    template = await make_template(client, team.human)
    assert template["variables"] == ["summary"]
    assert template["subtaskTemplates"][1]["context"]["acceptance"] == ["Test fails without fix"]
    project = await create_project(client, team.human)
    async with captured_events() as captured:
        made = await use(
            client,
            team.bot,
            template["id"],
            variables={"summary": "login fails on mobile"},
            assigneeIds=[team.bot.id],
            projectId=project["slug"],
            overrides={"priority": "critical", "dueDate": "2026-03-20T00:00:00Z"},
        )
    task = made["task"]
    assert (task["key"], task["title"]) == ("T-1", "Bug: login fails on mobile")
    assert (task["priority"], task["labels"], task["status"]) == ("critical", ["bug"], "todo")
    assert (task["projectId"], task["assigneeIds"]) == (project["id"], [team.bot.id])
    assert task["dueDate"] == "2026-03-20T00:00:00.000Z"
    assert task["description"] is None  # the template's description describes the template
    assert task["context"]["background"] == "Bug reported — investigate and fix"
    assert task["context"]["constraints"] == ["No breaking changes"]
    assert task["progress"] == {"total": 3, "done": 0, "active": 0, "blocked": 0, "percentage": 0}
    subtasks = made["subtasks"]
    assert [(s["key"], s["title"]) for s in subtasks] == [
        ("T-2", "Reproduce login fails on mobile"),
        ("T-3", "Write regression test"),
        ("T-4", "Implement fix"),
    ]
    assert {s["parentId"] for s in subtasks} == {task["id"]}
    assert {s["projectId"] for s in subtasks} == {project["id"]}
    assert subtasks[0]["context"] is None
    assert subtasks[1]["context"]["acceptance"] == ["Test fails without fix"]
    listed = data(await client.get("/tasks/T-1/subtasks", headers=team.bot.headers))
    assert [s["id"] for s in listed] == [s["id"] for s in subtasks]
    assert [(e.task.key, e.action) for e in captured.of(TaskChanged)] == [
        ("T-1", "created"),
        ("T-2", "created"),
        ("T-3", "created"),
        ("T-4", "created"),
    ]


async def test_template_defaults_apply_unless_overridden(
    client: httpx2.AsyncClient, team: Team
) -> None:
    plain = await make_template(
        client,
        team.bot,
        name="Chore",
        titlePattern="{{what}} for {{ who }}",
        defaultPriority=None,
        defaultLabels=[],
        context=None,
        subtaskTemplates=[],
    )
    made = await use(client, team.bot, plain["id"], variables={"what": "Release notes", "who": 3})
    assert made["task"]["title"] == "Release notes for 3"
    assert (made["task"]["priority"], made["task"]["context"], made["subtasks"]) == (
        "medium",
        None,
        [],
    )
    template = await make_template(client, team.bot)
    overridden = await use(
        client,
        team.bot,
        template["id"],
        variables={"summary": "crash"},
        overrides={
            "title": "Crash on start",
            "description": "Seen on 2.3",
            "status": "backlog",
            "labels": ["p1"],
            "context": {"background": "From support"},
        },
    )
    task = overridden["task"]
    assert (task["title"], task["description"]) == ("Crash on start", "Seen on 2.3")
    assert (task["status"], task["labels"], task["priority"]) == ("backlog", ["p1"], "high")
    # Context fields sent replace the template's; the others stay.
    assert task["context"]["background"] == "From support"
    assert task["context"]["constraints"] == ["No breaking changes"]
    first = overridden["subtasks"][0]
    assert (first["title"], first["description"]) == ("Reproduce crash", None)
    assert (first["status"], first["labels"], first["priority"]) == ("backlog", ["p1"], "high")


async def test_missing_variables_are_named_and_nothing_is_created(
    client: httpx2.AsyncClient, team: Team
) -> None:
    template = await make_template(
        client, team.bot, titlePattern="{{area}}: {{summary}}", subtaskTemplates=[]
    )
    assert template["variables"] == ["area", "summary"]
    refused = await use(client, team.bot, template["id"], 400, variables={"summary": "x"})
    assert refused["code"] == "missing_variables"
    assert "{{area}}" in refused["error"]
    assert refused["details"] == {"missing": ["area"]}
    # A variable used only by a subtask is needed as well.
    with_subtask = await make_template(client, team.bot)
    missing = await use(client, team.bot, with_subtask["id"], 400, overrides={"title": "Given"})
    assert missing["details"] == {"missing": ["summary"]}
    unset = await use(
        client, team.bot, template["id"], 400, variables={"summary": "x"}, overrides={"title": None}
    )
    assert unset["details"] == {"missing": ["area"]}
    # A title that outgrows its limit once filled refuses the whole request.
    long = await use(
        client, team.bot, template["id"], 400, variables={"area": "a" * 300, "summary": "b" * 300}
    )
    assert long["code"] == "validation_error"
    assert data(await client.get("/tasks", headers=team.bot.headers)) == []


async def test_templates_are_listed_read_changed_and_deleted(
    client: httpx2.AsyncClient, team: Team
) -> None:
    project = await create_project(client, team.human)
    bug = await make_template(client, team.bot)
    chore = await make_template(client, team.human, name="Chore", projectId=project["id"])
    assert chore["projectId"] == project["id"]
    listed = data(await client.get("/tasks/templates", headers=team.admin.headers))
    assert [t["name"] for t in listed] == ["Bug Report", "Chore"]
    in_project = data(
        await client.get(f"/tasks/templates?projectId={project['slug']}", headers=team.bot.headers)
    )
    assert [t["id"] for t in in_project] == [chore["id"]]
    assert (
        data(await client.get(f"/tasks/templates/{bug['id']}", headers=team.human.headers)) == bug
    )

    changed = data(
        await client.patch(
            f"/tasks/templates/{bug['id']}",
            json={"titlePattern": "Defect: {{title}}", "defaultPriority": None, "context": None},
            headers=team.bot.headers,
        )
    )
    assert (changed["titlePattern"], changed["defaultPriority"], changed["context"]) == (
        "Defect: {{title}}",
        None,
        None,
    )
    assert changed["variables"] == ["title", "summary"]
    assert changed["name"] == "Bug Report"
    # Someone else may use it, but not change or delete it; an admin may.
    forbidden = await client.patch(
        f"/tasks/templates/{bug['id']}", json={"name": "Mine"}, headers=team.human.headers
    )
    error(forbidden, 403, "forbidden")
    error(await client.delete(f"/tasks/templates/{bug['id']}", headers=team.other_bot.headers), 403)
    deleted = data(await client.delete(f"/tasks/templates/{bug['id']}", headers=team.admin.headers))
    assert deleted["id"] == bug["id"]
    error(await client.get(f"/tasks/templates/{bug['id']}", headers=team.bot.headers), 404)
    error(await client.get("/tasks/templates/not-an-id", headers=team.bot.headers), 404)


async def test_template_fields_are_limited(client: httpx2.AsyncClient, team: Team) -> None:
    for field, value in (
        ("name", "n" * 201),
        ("name", ""),
        ("titlePattern", "t" * 501),
        ("defaultPriority", "urgent"),
        ("subtaskTemplates", [{"title": "s"}] * 51),
        ("defaultLabels", ["x" * 65]),
    ):
        refused = await client.post(
            "/tasks/templates", json={**BUG_REPORT, field: value}, headers=team.bot.headers
        )
        error(refused, 400, "validation_error")
    error(
        await client.post(
            "/tasks/templates", json={**BUG_REPORT, "projectId": "nope"}, headers=team.bot.headers
        ),
        404,
    )


async def test_another_workspace_sees_no_template(
    client: httpx2.AsyncClient, team: Team, platform: Platform
) -> None:
    template = await make_template(client, team.bot)
    other = bearer((await second_workspace(client, platform, admin_handle="zed"))["accessToken"])
    path = f"/tasks/templates/{template['id']}"
    error(await client.get(path, headers=other), 404)
    error(await client.patch(path, json={"name": "x"}, headers=other), 404)
    error(await client.delete(path, headers=other), 404)
    error(
        await client.post(f"{path}/create", json={"variables": {"summary": "x"}}, headers=other),
        404,
    )
    assert data(await client.get("/tasks/templates", headers=other)) == []
    assert data(await client.get(path, headers=team.bot.headers))["id"] == template["id"]
