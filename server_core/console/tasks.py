"""The tasks board: a column per status, filtered by project and assignee; a card moves by
dragging it to another column (`board.js`, which posts the move and redraws the board, so an
unblocked dependent shows in its new column at once) or, from the keyboard and without
script, with its own "Move to" form. A task's page shows its context, dependencies and
activity."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.responses import RedirectResponse, Response

from server_core.console.api import ApiFailed
from server_core.console.session import Visit
from server_core.console.templating import html

COLUMNS = ("backlog", "todo", "active", "blocked", "review", "done")
LIMIT = 500


async def board(visit: Visit) -> Response:
    query = visit.request.query_params
    project_id = query.get("project") or None
    assignee_id = query.get("assignee") or None
    tasks = await visit.api.get(
        "/tasks",
        projectId=project_id,
        assigneeId=assignee_id,
        status=",".join(COLUMNS),
        sortBy="position",
        sortDir="asc",
        limit=LIMIT,
    )
    columns: dict[str, list[dict[str, Any]]] = {status: [] for status in COLUMNS}
    for task in tasks:
        columns[task["status"]].append(task)
    context = {
        "title": "Tasks",
        "columns": columns,
        "filters": {"project": project_id or "", "assignee": assignee_id or ""},
        "filter_query": urlencode({k: v for k, v in query.items() if k in ("project", "assignee")}),
        "live": True,
        "token": visit.token,
    }
    if query.get("part"):
        return html("tasks_columns.html", context, visit=visit)
    context["projects"] = await visit.api.get("/projects")
    context["people"] = await _people(visit)
    return html("tasks.html", context, visit=visit)


async def _people(visit: Visit) -> list[dict[str, Any]]:
    """Who tasks can be assigned to: the workspace's agents, and the human looking."""
    agents: list[dict[str, Any]] = await visit.api.get("/agents", limit=100)
    return [visit.me, *agents]


async def move(visit: Visit) -> Response:
    """POST /tasks/{id}/move: from the card's form (redirects back) or from a drop (204)."""
    task_id = visit.request.path_params["task_id"]
    status = visit.form.get("status", "")
    try:
        await visit.api.call("PATCH", f"/tasks/{task_id}", json={"status": status})
    except ApiFailed as failed:
        return Response(failed.message, status_code=failed.status, media_type="text/plain")
    if visit.request.headers.get("x-requested-with") == "fetch":
        return Response(status_code=204)
    back = visit.form.get("back", "/tasks")
    return RedirectResponse(back if back.startswith("/tasks") else "/tasks", 303)


async def task_page(visit: Visit) -> Response:
    task_id = visit.request.path_params["task_id"]
    try:
        task = await visit.api.get(f"/tasks/{task_id}")
    except ApiFailed as failed:
        return html(
            "error.html",
            {"title": "Task", "error": failed.message},
            visit=visit,
            status=failed.status,
        )
    blockers = await visit.api.get(f"/tasks/{task_id}/dependencies")
    activity = await visit.api.get(f"/tasks/{task_id}/activity")
    return html(
        "task.html",
        {
            "title": f"{task['key']} {task['title']}",
            "task": task,
            "blockers": blockers,
            "activity": activity,
            "columns": COLUMNS,
        },
        visit=visit,
    )
