"""makaio's `storage:session` contract as one RPC route: `POST /api/rpc/storage:session.<method>`
with the request object of the RPC as the JSON body, answering its response object bare.

Methods: get, getByAdapterSessionId, getChildren, getStatusCounts, list, search, set, update,
delete. Its `sessionId` is our externalId when the session has one, else our id (either names
it). Times are epoch milliseconds. Its four session statuses: our `idle` is reported as
`active` (counts too). Its fields with no column of ours (agents[], forkTransforms,
lastClientIdentityObservation, approvalPolicyOverride, leadAgentId, clientAccountId,
summaryUpdatedAt) are kept in the session's attributes under `makaio` and given back;
`agents[]` defaults to the lead agent built from the session.

Errors: `{"error": {"code": <code>, "message": <text>}}` with the HTTP status — `unknown_method`
(404), `invalid_request` (400), `session_exists` (409, a `set` with ifAbsent of one that exists),
and the platform's codes (401, 403, 404 …). `get` of a missing session is `{session: null}`
and `delete` of one `{success: false}`, as a storage answers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field
from sqlalchemy.engine import Connection
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from server_core.features.sessions.schemas import (
    MAX_LIMIT,
    AttributesPatch,
    BranchKind,
    ExternalId,
    SearchQuery,
    Session,
    SessionChild,
    SessionsQuery,
    SetSessionRequest,
    UpdateSessionRequest,
)
from server_core.features.sessions.search import search_sessions
from server_core.features.sessions.sessions import (
    children,
    count_sessions,
    do_delete_session,
    do_patch_attributes,
    do_set_session,
    do_update_session,
    get_session,
    list_sessions,
    status_counts,
)
from server_core.features.sessions.surfaces.calls import Calls, json_object, parse
from server_core.kernel.auth import Caller
from server_core.kernel.errors import ApiError, BadRequest, NotFound
from server_core.kernel.events import Event
from server_core.kernel.wire import RequestModel, no_nul

RESERVED = "makaio"  # the attributes key holding its own fields
EXTRAS = (
    "agents",
    "forkTransforms",
    "lastClientIdentityObservation",
    "approvalPolicyOverride",
    "leadAgentId",
    "clientAccountId",
    "summaryUpdatedAt",
)
# Its fields that are our columns: theirs → ours (camelCase, as our request models read them).
COLUMNS = {
    "title": "title",
    "summary": "summary",
    "parentSessionId": "parentSessionId",
    "forkPointMessageId": "forkPointMessageId",
    "branchKind": "branchKind",
    "spawningToolCallId": "spawningToolCallId",
    "adapterName": "adapterName",
    "adapterSessionId": "adapterSessionId",
    "adapterId": "adapterId",
    "clientId": "clientId",
    "isOrchestrated": "isOrchestrated",
    "isImported": "isImported",
    "targetWorkingDirectory": "cwd",
    "executionTargetId": "executionTargetId",
}
MStatus = Literal["discovered", "active", "closed", "archived"]
Args = dict[str, Any]


class UnknownMethod(NotFound):
    code = "unknown_method"


def ms(value: datetime | None) -> int | None:
    return None if value is None else int(value.timestamp() * 1000)


def m_status(status: str) -> str:
    return "active" if status == "idle" else status


def view(session: Session) -> dict[str, Any]:
    """A session as makaio's storage returns it (optional fields left out when unset)."""
    extras = dict(session.attributes.get(RESERVED) or {})
    session_id = session.external_id or session.id
    agent_status = {"active": "active", "idle": "idle", "discovered": "idle"}.get(
        session.status, "disposed"
    )
    lead = (
        []
        if session.agent_id is None
        else [
            {
                "agentId": session.agent_id,
                "adapterId": session.adapter_id or "",
                "adapterName": session.adapter_name or "",
                "sessionId": session_id,
                "role": "lead",
                "status": agent_status,
                "createdAt": ms(session.created_at),
                "lastActivityAt": ms(session.last_activity_at),
                "adapterSessionId": session.adapter_session_id,
                "model": session.model,
                "cwd": session.cwd,
                "clientId": session.client_id,
            }
        ]
    )
    wire = session.model_dump(mode="json")
    found: dict[str, Any] = {
        "sessionId": session_id,
        "createdAt": ms(session.created_at),
        "lastActivityAt": ms(session.last_activity_at),
        "status": m_status(session.status),
        "agents": extras.pop("agents", None) or [_bare(agent) for agent in lead],
        "leadAgentId": session.agent_id,
        "rootSessionId": session.root_session_id,
        "summaryUpdatedAt": ms(session.summary_updated_at),
        **{theirs: wire[ours] for theirs, ours in COLUMNS.items()},
        **extras,
    }
    if session.preview is not None:
        found["preview"] = session.preview.model_dump(mode="json")
    kept = _bare(found)
    if "approvalPolicyOverride" in extras:  # null is one of its values
        kept["approvalPolicyOverride"] = extras["approvalPolicyOverride"]
    return kept


def _bare(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


def child(found: SessionChild) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "sessionId": found.external_id or found.session_id,
        "title": found.title,
        "forkPointMessageId": found.fork_point_message_id,
        "branchKind": found.branch_kind,
        "messageCount": found.message_count,
        "hasChildren": found.has_children,
    }
    if found.spawning_tool_call_id is not None:
        answer["spawningToolCallId"] = found.spawning_tool_call_id
    return answer


# --- requests ------------------------------------------------------------------------------


class SessionRef(RequestModel):
    session_id: ExternalId


class AdapterRef(RequestModel):
    adapter_session_id: Annotated[str, Field(min_length=1), AfterValidator(no_nul)] = Field(
        max_length=255
    )


class ListRequest(RequestModel):
    status: MStatus | Literal["all"] | None = None
    include_preview: bool = False
    limit: int = Field(default=50, ge=1, le=MAX_LIMIT)
    offset: int = Field(default=0, ge=0, le=1_000_000)
    execution_target_id: str | None = Field(default=None, max_length=128)


class SearchRequest(RequestModel):
    query: str = Field(min_length=1, max_length=500)
    status: MStatus | Literal["all"] | None = None
    is_imported: bool | None = None
    limit: int = Field(default=50, ge=1, le=MAX_LIMIT)


class MSession(RequestModel):
    """The fields of its session that are checked here (the rest pass through)."""

    status: MStatus = "active"
    branch_kind: BranchKind | None = None


class SetRequest(RequestModel):
    session_id: ExternalId
    session: dict[str, Any]
    if_absent: bool = False


def _ours(fields: Args) -> dict[str, Any]:
    return {COLUMNS[key]: value for key, value in fields.items() if key in COLUMNS}


def _extras(fields: Args) -> dict[str, Any]:
    return {key: fields[key] for key in EXTRAS if key in fields}


def _client_account(conn: Connection, caller: Caller, session_id: str) -> Any:
    try:
        found = get_session(conn, caller=caller, session_id=session_id)
    except NotFound:
        return None
    return (found.attributes.get(RESERVED) or {}).get("clientAccountId")


def _set(
    conn: Connection, events: list[Event], *, caller: Caller, request: SetRequest
) -> dict[str, Any]:
    fields = request.session
    status = parse(MSession, fields).status
    before = _client_account(conn, caller, request.session_id)
    body = {
        **_ours(fields),
        "attributes": {RESERVED: _extras(fields)},
        "status": "discovered" if status == "discovered" else "active",
        "ifAbsent": request.if_absent,
    }
    made = do_set_session(
        conn,
        events,
        caller=caller,
        session_id=request.session_id,
        request=parse(SetSessionRequest, body),
    )
    if status in ("closed", "archived"):
        do_update_session(
            conn,
            events,
            caller=caller,
            session_id=made.data.id,
            request=UpdateSessionRequest(status=status),
        )
    answer: dict[str, Any] = {"success": True}
    if not made.created and before != fields.get("clientAccountId"):
        answer["clientAccountChanged"] = True
    return answer


def _update(conn: Connection, events: list[Event], *, caller: Caller, fields: Args) -> Args:
    ref = parse(SessionRef, fields).session_id
    checked = parse(MSession, {"status": fields.get("status") or "active", **_bare(fields)})
    before = _client_account(conn, caller, ref)
    changes = _ours(fields)
    if "status" in fields:
        changes["status"] = checked.status
    session = get_session(conn, caller=caller, session_id=ref)
    if changes:
        do_update_session(
            conn,
            events,
            caller=caller,
            session_id=session.id,
            request=parse(UpdateSessionRequest, changes),
        )
    extras = _extras(fields)
    if extras:
        do_patch_attributes(
            conn,
            events,
            caller=caller,
            session_id=session.id,
            request=AttributesPatch(patch={RESERVED: extras}),
        )
    answer: Args = {"success": True}
    if "clientAccountId" in fields and before != fields["clientAccountId"]:
        answer["clientAccountChanged"] = True
    return answer


# --- methods -------------------------------------------------------------------------------


async def rpc_get(calls: Calls, args: Args) -> Args:
    ref = parse(SessionRef, args).session_id
    try:
        return {"session": view(await calls.read(get_session, session_id=ref))}
    except NotFound:
        return {"session": None}


async def rpc_by_adapter(calls: Calls, args: Args) -> Args:
    ref = parse(AdapterRef, args).adapter_session_id
    query = SessionsQuery(status="all", adapter_session_id=ref, limit=1, include_preview=True)
    page = await calls.read(list_sessions, query=query)
    return {"session": view(page.items[0]) if page.items else None}


async def rpc_children(calls: Calls, args: Args) -> Args:
    ref = parse(SessionRef, args).session_id
    return {"children": [child(found) for found in await calls.read(children, session_id=ref)]}


async def rpc_counts(calls: Calls, args: Args) -> Args:
    counts = await calls.read(status_counts)
    return {
        "active": counts.active + counts.idle,
        "all": counts.all,
        "archived": counts.archived,
        "closed": counts.closed,
        "discovered": counts.discovered,
    }


def _list(conn: Connection, *, caller: Caller, query: SessionsQuery) -> tuple[list[Session], int]:
    page = list_sessions(conn, caller=caller, query=query)
    return page.items, count_sessions(conn, caller, query)


async def rpc_list(calls: Calls, args: Args) -> Args:
    request = parse(ListRequest, args)
    query = SessionsQuery(
        status=request.status or "all",
        include_preview=request.include_preview,
        limit=request.limit,
        offset=request.offset,
        execution_target_id=request.execution_target_id,
    )
    sessions, total = await calls.read(_list, query=query)
    return {"sessions": [view(session) for session in sessions], "total": total}


async def rpc_search(calls: Calls, args: Args) -> Args:
    request = parse(SearchRequest, args)
    query = parse(
        SearchQuery,
        {
            "q": request.query,
            "status": request.status or "all",
            "isImported": request.is_imported,
            "limit": request.limit,
        },
    )
    found = await calls.read(search_sessions, query=query)
    return {"sessions": [view(session) for session in found], "total": len(found)}


async def rpc_set(calls: Calls, args: Args) -> Args:
    return await calls.write(_set, request=parse(SetRequest, args))


async def rpc_update(calls: Calls, args: Args) -> Args:
    return await calls.write(_update, fields=args)


async def rpc_delete(calls: Calls, args: Args) -> Args:
    ref = parse(SessionRef, args).session_id
    try:
        await calls.write(do_delete_session, session_id=ref)
    except NotFound:
        return {"success": False}
    return {"success": True}


METHODS: dict[str, Callable[[Calls, Args], Awaitable[Args]]] = {
    "get": rpc_get,
    "getByAdapterSessionId": rpc_by_adapter,
    "getChildren": rpc_children,
    "getStatusCounts": rpc_counts,
    "list": rpc_list,
    "search": rpc_search,
    "set": rpc_set,
    "update": rpc_update,
    "delete": rpc_delete,
}


async def call(request: Request) -> Response:
    name: str = request.path_params["method"]
    method = METHODS.get(name)
    try:
        if method is None:
            raise UnknownMethod(
                f"storage:session has no method '{name}' (one of {', '.join(METHODS)})"
            )
        args = await json_object(request, required=False)
        answer = await method(Calls(request, request.headers.get("authorization")), args)
    except ApiError as error:
        code = "invalid_request" if isinstance(error, BadRequest) else error.code
        body = {"error": {"code": code, "message": error.message}}
        return JSONResponse(body, status_code=error.status, headers=error.headers)
    return JSONResponse(answer)


ROUTES: list[BaseRoute] = [Route("/api/rpc/storage:session.{method}", call, methods=["POST"])]
