"""The console's pages and static files, served outside `/api/v1`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from server_core.console import (
    activity,
    agents,
    approvals,
    calendar,
    channels,
    drive,
    library,
    login,
    tasks,
)
from server_core.console.session import page
from server_core.console.templating import STATIC


async def home(request: Request) -> Response:
    return RedirectResponse("/agents", 303)


GET_POST = ["GET", "POST"]


def console_routes() -> list[BaseRoute]:
    return [
        Route("/", home),
        Route("/login", login.login, methods=GET_POST),
        Route("/logout", page(login.logout), methods=["POST"]),
        Route("/agents", page(agents.list_agents), methods=GET_POST),
        Route("/agents/{agent_id}", page(agents.agent_page), methods=GET_POST),
        Route("/channels", page(channels.list_channels), methods=GET_POST),
        Route("/channels/{channel_id}", page(channels.channel_page), methods=GET_POST),
        Route("/approvals", page(approvals.approvals), methods=GET_POST),
        Route("/schedule", page(calendar.calendar)),
        Route("/mission-control", page(activity.mission_control)),
        Route("/sessions", page(activity.sessions)),
        Route("/tasks", page(tasks.board)),
        Route("/tasks/{task_id}", page(tasks.task_page)),
        Route("/tasks/{task_id}/move", page(tasks.move), methods=["POST"]),
        Route("/library", page(library.list_libraries), methods=GET_POST),
        Route("/library/{library_id}", page(library.library_page)),
        Route("/library/{library_id}/page/{path:path}", page(library.page_view)),
        Route("/drive", page(drive.drive), methods=GET_POST),
        Route("/drive/{file_id}/download", page(drive.download)),
        Mount("/console/static", StaticFiles(directory=STATIC), name="console-static"),
    ]
