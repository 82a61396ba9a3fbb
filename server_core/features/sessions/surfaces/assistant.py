"""The assistant "Sessions Plugin" surface: `POST /api/plugins/sessions/operations/<op>` with a
JSON object of the plugin's parameters (camelCase), as its HTTP operation routes answer:

- success: `{"ok": true, "result": …}`, 200 (201 for `create`);
- error: `{"error": <message>, "code": <code>}` — `invalid_arguments` (400),
  `session_not_found` (404), `tool_not_found` (404, an unknown operation), and the platform's
  own codes for what the plugin has no word for (`unauthorized` 401, `forbidden` 403, …).

A session is rendered as the plugin's summary: `sessionId` (the externalId when it has one,
else our id — either names it in later calls), `id`, `agentId`, `name` (our title), `pinnedAt`,
`attributes`, `status`, `createdAt`, `updatedAt`, `lastActivityAt`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from server_core.features.sessions.history import do_clear, do_send_to_session, read_messages
from server_core.features.sessions.schemas import (
    MAX_LIMIT,
    MAX_SYNC_TIMEOUT,
    AttributesPatch,
    CreateSessionRequest,
    MessagesQuery,
    Session,
    SessionMessageRequest,
    SessionsQuery,
    UpdateSessionRequest,
)
from server_core.features.sessions.sessions import (
    do_create_session,
    do_delete_session,
    do_patch_attributes,
    do_update_session,
    list_sessions,
)
from server_core.features.sessions.surfaces.calls import Calls, json_object, parse, reference
from server_core.kernel.errors import ApiError, BadRequest, NotFound, ValidationFailed

Args = dict[str, Any]


class ToolError(BadRequest):
    """The plugin's own error with its own code (status from the code, as its router does)."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.tool_code, self.tool_status = code, status


def summary(session: Session) -> dict[str, Any]:
    wire = session.model_dump(mode="json")
    return {
        "sessionId": session.external_id or session.id,
        "id": session.id,
        "agentId": session.agent_id,
        "name": session.title,
        "attributes": session.attributes,
        "status": session.status,
        **{key: wire[key] for key in ("pinnedAt", "createdAt", "updatedAt", "lastActivityAt")},
    }


def _text(args: Args, field: str, *, required: bool = True) -> str | None:
    value = args.get(field)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ToolError("invalid_arguments", f"{field} is required and must be a non-empty string")
    return value.strip()


def _session_id(args: Args) -> str:
    session_id = _text(args, "sessionId")
    assert session_id is not None
    return reference(session_id)


async def op_list(calls: Calls, args: Args) -> tuple[int, Any]:
    page = await calls.read(list_sessions, query=SessionsQuery(status="all", limit=MAX_LIMIT))
    return 200, {"sessions": [summary(session) for session in page.items]}


async def op_create(calls: Calls, args: Args) -> tuple[int, Any]:
    body = {
        "agentId": _text(args, "agentId"),
        "externalId": _text(args, "sessionId", required=False),
    }
    request = parse(CreateSessionRequest, {key: value for key, value in body.items() if value})
    made = await calls.write(do_create_session, request=request)
    return (201 if made.created else 200), summary(made.data)


async def op_update(calls: Calls, args: Args) -> tuple[int, Any]:
    session_id = _session_id(args)
    changes = {
        target: args[field]
        for field, target in (("name", "title"), ("pinnedAt", "pinnedAt"))
        if field in args
    }
    if not changes:
        raise ToolError("invalid_arguments", "Missing name or pinnedAt")
    request = parse(UpdateSessionRequest, changes)
    return 200, summary(
        await calls.write(do_update_session, session_id=session_id, request=request)
    )


async def op_update_attributes(calls: Calls, args: Args) -> tuple[int, Any]:
    session_id = _session_id(args)
    patch = args.get("patch", args.get("attributes"))
    if not isinstance(patch, dict):
        raise ToolError("invalid_arguments", "Session attributes patch must be an object")
    request = AttributesPatch(patch=patch)
    return 200, summary(
        await calls.write(do_patch_attributes, session_id=session_id, request=request)
    )


def _event(message: dict[str, Any]) -> dict[str, Any]:
    metadata = message.get("metadata") or {}
    return {
        "id": message["id"],
        "seq": message["seq"],
        "type": "agent_message" if metadata.get("senderKind") == "agent" else "user_message",
        "authorId": message["senderId"],
        "content": message["plaintext"],
        "createdAt": message["createdAt"],
        "metadata": metadata,
    }


async def op_events(calls: Calls, args: Args) -> tuple[int, Any]:
    session_id = _session_id(args)
    after = _text(args, "after", required=False) or _text(args, "afterCursor", required=False)
    query = parse(MessagesQuery, {"after": after, "limit": MAX_LIMIT})
    platform = calls.platform
    page = await calls.read(
        read_messages,
        keyring=platform.keyring,
        settings=platform.settings,
        session_id=session_id,
        query=query,
    )
    events = [_event(message) for message in page.items]
    result: dict[str, Any] = {"sessionId": session_id, "events": events}
    if page.has_more and events:
        result["nextCursor"] = events[-1]["id"]
    return 200, result


async def op_message(calls: Calls, args: Args) -> tuple[int, Any]:
    session_id = _session_id(args)
    content = _text(args, "content")
    mode = args.get("mode", "async")
    if mode not in ("sync", "async"):
        raise ToolError("invalid_arguments", 'mode must be "sync" or "async"')
    timeout = args.get("timeout")
    if timeout is not None:
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
            raise ToolError("invalid_arguments", "timeout must be a positive number")
        timeout = min(float(timeout), MAX_SYNC_TIMEOUT)
    body: dict[str, Any] = {"content": content, "mode": mode, "timeout": timeout}
    webhook = args.get("webhook")
    if webhook is not None:
        if not isinstance(webhook, dict) or not isinstance(webhook.get("url"), str):
            raise ToolError("invalid_arguments", "Invalid webhook configuration")
        body["webhook"] = {"url": webhook["url"], "secret": webhook.get("secret")}
    request = parse(SessionMessageRequest, body)
    caller = await calls.who()
    sent = await do_send_to_session(
        calls.platform, caller=caller, session_id=session_id, request=request
    )
    reply = sent.reply
    return 200, {
        "sessionId": session_id,
        "mode": mode,
        "status": "completed"
        if reply is not None
        else ("timeout" if sent.timed_out else "started"),
        "message": _event(sent.message.model_dump(mode="json")),
        "response": None if reply is None else reply.plaintext,
        "reply": None if reply is None else _event(reply.model_dump(mode="json")),
    }


async def op_clear(calls: Calls, args: Args) -> tuple[int, Any]:
    session_id = _session_id(args)
    session = await calls.write(do_clear, session_id=session_id)
    return 200, {
        "sessionId": session_id,
        "cleared": True,
        "updatedAt": summary(session)["updatedAt"],
    }


async def op_delete(calls: Calls, args: Args) -> tuple[int, Any]:
    session_id = _session_id(args)
    await calls.write(do_delete_session, session_id=session_id)
    return 200, {"sessionId": session_id, "deleted": True}


OPERATIONS: dict[str, Callable[[Calls, Args], Awaitable[tuple[int, Any]]]] = {
    "list": op_list,
    "create": op_create,
    "update": op_update,
    "update-attributes": op_update_attributes,
    "events": op_events,
    "message": op_message,
    "clear": op_clear,
    "delete": op_delete,
}


def _error(error: ApiError) -> Response:
    if isinstance(error, ToolError):
        code, status = error.tool_code, error.tool_status
    elif isinstance(error, NotFound):
        code, status = "session_not_found", 404
    elif isinstance(error, BadRequest | ValidationFailed):
        code, status = "invalid_arguments", 400
    else:
        code, status = error.code, error.status
    body: dict[str, Any] = {"error": error.message, "code": code}
    return JSONResponse(body, status_code=status, headers=error.headers)


async def operation(request: Request) -> Response:
    name: str = request.path_params["operation"]
    handler = OPERATIONS.get(name)
    try:
        if handler is None:
            known = ", ".join(OPERATIONS)
            raise ToolError("tool_not_found", f"Unknown operation '{name}' (one of {known})", 404)
        args = await json_object(request, required=False)
        status, result = await handler(Calls(request, request.headers.get("authorization")), args)
    except ApiError as error:
        return _error(error)
    return JSONResponse({"ok": True, "result": result}, status_code=status)


ROUTES: list[BaseRoute] = [
    Route("/api/plugins/sessions/operations/{operation}", operation, methods=["POST"]),
]
