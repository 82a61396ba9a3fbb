"""The enagrams IDE surface, at the root as its hook configurations call it (snake_case, bare
bodies, no envelope):

    POST /workspaces/sessions/hook         the hook event → the reply object (hook.do_hook)
    POST /workspaces/sessions/heartbeat    {workspace_slug, session_id} → the reply object
    POST /workspaces/sessions/end          {workspace_slug, session_id} → the reply object
    GET  /workspaces/{id}/sessions         the live IDE and MCP sessions → a bare JSON array

`Authorization: Bearer <api key or token>` as everywhere. A reply leaves out the fields that
do not apply (a preToolUse answers `{session_id, permission, message?}`). Errors are
`{"error": <message>, "code": <machine code>, "status": <http status>, "details"?: …}` with
the HTTP status of the kernel's error (401, 403 for a workspace_slug that is not the key's,
404, 400 for an unknown event or a bad body).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from server_core.features.sessions.hook import (
    do_hook,
    do_ide_end,
    do_ide_heartbeat,
    ide_sessions,
)
from server_core.features.sessions.hook_schemas import HeartbeatRequest, HookRequest
from server_core.features.sessions.surfaces.calls import Calls, json_object, parse
from server_core.kernel.errors import ApiError


def _error(error: ApiError) -> Response:
    return JSONResponse(error.body(), status_code=error.status, headers=error.headers)


def _bare(reply: BaseModel) -> dict[str, Any]:
    return reply.model_dump(mode="json", exclude_none=True)


def _calls(request: Request) -> Calls:
    return Calls(request, request.headers.get("authorization"))


async def hook(request: Request) -> Response:
    try:
        body = parse(HookRequest, await json_object(request))
        reply = await _calls(request).write(do_hook, request=body)
    except ApiError as error:
        return _error(error)
    return JSONResponse(_bare(reply))


async def heartbeat(request: Request) -> Response:
    try:
        body = parse(HeartbeatRequest, await json_object(request))
        reply = await _calls(request).write(do_ide_heartbeat, request=body)
    except ApiError as error:
        return _error(error)
    return JSONResponse(_bare(reply))


async def end(request: Request) -> Response:
    try:
        body = parse(HeartbeatRequest, await json_object(request))
        reply = await _calls(request).write(do_ide_end, request=body)
    except ApiError as error:
        return _error(error)
    return JSONResponse(_bare(reply))


async def workspace_sessions(request: Request) -> Response:
    workspace: str = request.path_params["workspace"]
    try:
        sessions = await _calls(request).read(ide_sessions, workspace=workspace)
    except ApiError as error:
        return _error(error)
    return JSONResponse([session.model_dump(mode="json") for session in sessions])


ROUTES: list[BaseRoute] = [
    Route("/workspaces/sessions/hook", hook, methods=["POST"]),
    Route("/workspaces/sessions/heartbeat", heartbeat, methods=["POST"]),
    Route("/workspaces/sessions/end", end, methods=["POST"]),
    Route("/workspaces/{workspace}/sessions", workspace_sessions, methods=["GET"]),
]
