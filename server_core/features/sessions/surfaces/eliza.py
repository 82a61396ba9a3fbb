"""The Eliza Sessions API, at the paths `@elizaos/api-client` (1.7.2) calls:

    GET    /api/messaging/sessions/health          {status, activeSessions, timestamp}
    POST   /api/messaging/sessions                 {agentId, userId, metadata} → 201
    GET    /api/messaging/sessions                 {sessions, total} (admins: all; others: own)
    GET    /api/messaging/sessions/{id}            {sessionId, agentId, userId, createdAt,
                                                    lastActivity, metadata}
    DELETE /api/messaging/sessions/{id}
    POST   /api/messaging/sessions/{id}/messages   {content, attachments?, metadata?, transport?}
    GET    /api/messaging/sessions/{id}/messages   ?limit&before&after (epoch ms) newest first

The key comes in `X-API-KEY` (or `Authorization: Bearer …`). Answers are `{"success": true,
"data": …}`; errors `{"success": false, "error": {"code", "message"}}` with the HTTP status.
`metadata` is the session's attributes; a message's `attachments` (URLs) are kept in its
metadata under `urlAttachments` and given back as `metadata.attachments`. `transport: "http"`
waits for the agent's reply (up to 30 s) and answers with it as `agentResponse`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from server_core.features.sessions.history import do_send_to_session, read_messages
from server_core.features.sessions.schemas import (
    MAX_LIMIT,
    CreateSessionRequest,
    MessagesQuery,
    Session,
    SessionMessageRequest,
    SessionsQuery,
)
from server_core.features.sessions.sessions import (
    count_sessions,
    do_create_session,
    do_delete_session,
    get_session,
    list_sessions,
    status_counts,
)
from server_core.features.sessions.surfaces.calls import Calls, json_object, parse, reference
from server_core.kernel.auth import Caller
from server_core.kernel.clock import to_wire, utcnow
from server_core.kernel.errors import ApiError, BadRequest, NotFound

ATTACHMENTS_KEY = "urlAttachments"


def _calls(request: Request) -> Calls:
    key = request.headers.get("x-api-key")
    return Calls(request, f"Bearer {key}" if key else request.headers.get("authorization"))


def _ok(data: Any, status: int = 200) -> Response:
    return JSONResponse({"success": True, "data": data}, status_code=status)


def _error(error: ApiError) -> Response:
    if isinstance(error, NotFound):
        code = "SESSION_NOT_FOUND"
    elif isinstance(error, BadRequest):
        code = "INVALID_REQUEST"
    else:
        code = error.code.upper()
    body = {"success": False, "error": {"code": code, "message": error.message}}
    return JSONResponse(body, status_code=error.status, headers=error.headers)


def info(session: Session) -> dict[str, Any]:
    wire = session.model_dump(mode="json")
    return {
        "sessionId": session.id,
        "agentId": session.agent_id,
        "userId": session.user_id,
        "channelId": session.channel_id,
        "createdAt": wire["createdAt"],
        "lastActivity": wire["lastActivityAt"],
        "status": "active" if session.status in ("active", "discovered") else "inactive",
        "metadata": session.attributes,
    }


def simplified(message: dict[str, Any]) -> dict[str, Any]:
    metadata = dict(message.get("metadata") or {})
    metadata["attachments"] = metadata.pop(ATTACHMENTS_KEY, None) or []
    return {
        "id": message["id"],
        "content": message["plaintext"] or "",
        "authorId": message["senderId"],
        "isAgent": metadata.get("senderKind") == "agent",
        "createdAt": message["createdAt"],
        "metadata": metadata,
    }


async def health(request: Request) -> Response:
    try:
        counts = await _calls(request).read(status_counts)
    except ApiError as error:
        return _error(error)
    active = counts.active + counts.idle + counts.discovered
    return _ok({"status": "healthy", "activeSessions": active, "timestamp": to_wire(utcnow())})


async def create(request: Request) -> Response:
    try:
        body = await json_object(request)
        metadata = body.get("metadata") or {}
        if not isinstance(metadata, dict):
            raise BadRequest("metadata must be an object")
        fields = {"agentId": body.get("agentId"), "userId": body.get("userId")}
        if not all(isinstance(value, str) and value.strip() for value in fields.values()):
            raise BadRequest("agentId and userId are required")
        made = await _calls(request).write(
            do_create_session,
            request=parse(CreateSessionRequest, {**fields, "attributes": metadata}),
        )
    except ApiError as error:
        return _error(error)
    found = info(made.data)
    keys = ("sessionId", "agentId", "userId", "createdAt", "metadata")
    return _ok({key: found[key] for key in keys}, 201)


def _listed(conn: Connection, *, caller: Caller) -> tuple[list[Session], int]:
    query = SessionsQuery(limit=MAX_LIMIT)
    page = list_sessions(conn, caller=caller, query=query)
    return page.items, count_sessions(conn, caller, query)


async def listing(request: Request) -> Response:
    try:
        sessions, total = await _calls(request).read(_listed)
    except ApiError as error:
        return _error(error)
    return _ok({"sessions": [info(session) for session in sessions], "total": total})


async def one(request: Request) -> Response:
    session_id = request.path_params["id"]
    calls = _calls(request)
    try:
        session_id = reference(session_id)
        if request.method == "DELETE":
            await calls.write(do_delete_session, session_id=session_id)
            return _ok({"sessionId": session_id, "deleted": True})
        return _ok(info(await calls.read(get_session, session_id=session_id)))
    except ApiError as error:
        return _error(error)


def _attachments(raw: Any) -> list[dict[str, Any]]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(
        isinstance(item, dict) and isinstance(item.get("url"), str) for item in raw
    ):
        raise BadRequest("attachments must be a list of {type, url, name?}")
    return raw


async def send(request: Request) -> Response:
    session_id = request.path_params["id"]
    calls = _calls(request)
    try:
        session_id = reference(session_id)
        body = await json_object(request)
        metadata = body.get("metadata") or {}
        if not isinstance(metadata, dict):
            raise BadRequest("metadata must be an object")
        attachments = _attachments(body.get("attachments"))
        if attachments:
            metadata = {**metadata, ATTACHMENTS_KEY: attachments}
        waits = body.get("transport") == "http"
        message = parse(
            SessionMessageRequest,
            {
                "content": body.get("content"),
                "metadata": metadata,
                "mode": "sync" if waits else "async",
            },
        )
        caller = await calls.who()
        sent = await do_send_to_session(
            calls.platform, caller=caller, session_id=session_id, request=message
        )
    except ApiError as error:
        return _error(error)
    posted = simplified(sent.message.model_dump(mode="json"))
    answer: dict[str, Any] = {**posted, "userMessage": posted}
    if sent.reply is not None:
        reply = simplified(sent.reply.model_dump(mode="json"))
        agent_response: dict[str, Any] = {"text": reply["content"]}
        for key in ("thought", "actions"):
            if key in reply["metadata"]:
                agent_response[key] = reply["metadata"][key]
        answer["agentResponse"] = agent_response
    return _ok(answer, 201)


def _millis(request: Request, name: str) -> str | None:
    value = request.query_params.get(name)
    if value is None or value == "":
        return None
    if not value.isdigit() or len(value) > 15:
        raise BadRequest(f"{name} must be a timestamp in milliseconds")
    return value


async def messages(request: Request) -> Response:
    session_id = request.path_params["id"]
    calls = _calls(request)
    try:
        session_id = reference(session_id)
        limit = request.query_params.get("limit", "50")
        if not limit.isdigit() or len(limit) > 6 or int(limit) < 1:
            raise BadRequest("limit must be a positive number")
        query = parse(
            MessagesQuery,
            {
                "order": "desc",
                "limit": min(int(limit), MAX_LIMIT),
                "until": _millis(request, "before"),
                "since": _millis(request, "after"),
            },
        )
        page = await calls.read(
            read_messages,
            keyring=calls.platform.keyring,
            settings=calls.platform.settings,
            session_id=session_id,
            query=query,
        )
    except ApiError as error:
        return _error(error)
    found = [simplified(message) for message in page.items]
    return _ok({"messages": found, "hasMore": page.has_more})


PREFIX = "/api/messaging/sessions"
ROUTES: list[BaseRoute] = [
    Route(f"{PREFIX}/health", health, methods=["GET"]),
    Route(PREFIX, create, methods=["POST"]),
    Route(PREFIX, listing, methods=["GET"]),
    Route(f"{PREFIX}/{{id}}", one, methods=["GET", "DELETE"]),
    Route(f"{PREFIX}/{{id}}/messages", send, methods=["POST"]),
    Route(f"{PREFIX}/{{id}}/messages", messages, methods=["GET"]),
]
