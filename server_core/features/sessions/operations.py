"""`/sessions` and `/reservations`: runs of agents (IDE conversations, headless chats,
sub-agents, MCP connections) with their history, lineage and liveness, and the files they
reserve. `{id}` is a session's id or its externalId."""

from __future__ import annotations

from server_core.features.messaging.errors import (
    ChannelArchived,
    LoopPrevention,
    NotChannelMember,
)
from server_core.features.messaging.schemas import Message
from server_core.features.sessions.errors import SessionEnded, SessionExists
from server_core.features.sessions.hook_schemas import HookReply, HookRequest
from server_core.features.sessions.schemas import (
    AttributesPatch,
    CheckRequest,
    CheckResult,
    CreateSessionRequest,
    Deleted,
    EndSessionRequest,
    MessagesQuery,
    Released,
    ReleaseQuery,
    Reservation,
    ReserveRequest,
    ReserveResult,
    SearchQuery,
    Session,
    SessionChild,
    SessionMessageRequest,
    SessionMessageResult,
    SessionsQuery,
    SetSessionRequest,
    StatusCounts,
    UpdateSessionRequest,
)
from server_core.features.webhooks.errors import WebhookUrlRefused
from server_core.kernel.errors import AttachmentsUnavailable, Forbidden, NotFound
from server_core.kernel.operations import Operation, Operations, PathParam
from server_core.kernel.wire import Page

SESSION = PathParam("id", "session_id", "Session id or externalId", max_length=128)
Sessions = Page[Session]  # named once: inside the class, `list` is an operation
Found = list[Session]
Children = list[SessionChild]
Reservations = list[Reservation]
Checks = list[CheckResult]
Messages = Page[Message]


class AgentSessions(Operations):
    """Agent sessions and file reservations."""

    area = "sessions"

    create = Operation(
        "POST",
        "/sessions",
        body=CreateSessionRequest,
        response=Session,
        status=201,
        also={200: "A session with this externalId exists: resumed"},
        errors=[Forbidden, NotFound],
        summary="Start a session (its history channel opens); an existing externalId resumes it",
    )
    list = Operation(
        "GET",
        "/sessions",
        query=SessionsQuery,
        response=Sessions,
        summary="Sessions you can see, most recently active first (default: live ones)",
    )
    counts = Operation(
        "GET",
        "/sessions/counts",
        response=StatusCounts,
        summary="How many sessions you can see, by status",
    )
    search = Operation(
        "GET",
        "/sessions/search",
        query=SearchQuery,
        response=Found,
        summary="Sessions whose title, summary, task, attributes or first message hold the words",
    )
    hook = Operation(
        "POST",
        "/sessions/hook",
        body=HookRequest,
        response=HookReply,
        errors=[Forbidden, NotFound],
        summary="An IDE hook event (snake_case): start, pre/post tool use, prompt, end, heartbeat",
    )
    get = Operation(
        "GET",
        "/sessions/{id}",
        params=[SESSION],
        response=Session,
        errors=[NotFound],
        summary="A session, with its preview",
    )
    set = Operation(
        "PUT",
        "/sessions/{id}",
        params=[SESSION],
        body=SetSessionRequest,
        response=Session,
        status=201,
        also={200: "The session existed: set as given"},
        errors=[Forbidden, NotFound, SessionExists],
        summary="Set a whole session (created with {id} as externalId when missing)",
    )
    update = Operation(
        "PATCH",
        "/sessions/{id}",
        params=[SESSION],
        body=UpdateSessionRequest,
        response=Session,
        errors=[Forbidden, NotFound],
        summary="Change what is sent (null clears); status closed ends it",
    )
    attributes = Operation(
        "PATCH",
        "/sessions/{id}/attributes",
        params=[SESSION],
        body=AttributesPatch,
        response=Session,
        errors=[Forbidden, NotFound],
        summary="Merge a patch into the session's attributes (null removes a key)",
    )
    delete = Operation(
        "DELETE",
        "/sessions/{id}",
        params=[SESSION],
        response=Deleted,
        errors=[Forbidden, NotFound],
        summary="Delete a session: its history is archived and its files released",
    )
    children = Operation(
        "GET",
        "/sessions/{id}/children",
        params=[SESSION],
        response=Children,
        errors=[NotFound],
        summary="The sessions forked or spawned from this one",
    )
    messages = Operation(
        "GET",
        "/sessions/{id}/messages",
        params=[SESSION],
        query=MessagesQuery,
        response=Messages,
        errors=[NotFound],
        summary="The session's history after its clear point, oldest first",
    )
    send = Operation(
        "POST",
        "/sessions/{id}/messages",
        params=[SESSION],
        body=SessionMessageRequest,
        response=SessionMessageResult,
        idempotent=False,
        errors=[
            Forbidden,
            NotFound,
            NotChannelMember,
            ChannelArchived,
            AttachmentsUnavailable,
            LoopPrevention,
            SessionEnded,
            WebhookUrlRefused,
        ],
        summary="Send to a session; sync waits for the agent's reply (up to timeout)",
    )
    clear = Operation(
        "POST",
        "/sessions/{id}/clear",
        params=[SESSION],
        response=Session,
        errors=[Forbidden, NotFound],
        summary="Clear the session's history (hidden from its reads; seqs stay continuous)",
    )
    heartbeat = Operation(
        "POST",
        "/sessions/{id}/heartbeat",
        params=[SESSION],
        response=Session,
        errors=[Forbidden, NotFound],
        summary="Keep a session alive (an expired one is live again)",
    )
    end = Operation(
        "POST",
        "/sessions/{id}/end",
        params=[SESSION],
        body=EndSessionRequest,
        body_required=False,
        response=Session,
        errors=[Forbidden, NotFound],
        summary="End a session: closed, its file reservations released",
    )
    reservations = Operation(
        "GET",
        "/sessions/{id}/reservations",
        params=[SESSION],
        response=Reservations,
        errors=[NotFound],
        summary="The files a session holds",
    )
    reserve = Operation(
        "POST",
        "/sessions/{id}/reservations",
        params=[SESSION],
        body=ReserveRequest,
        response=ReserveResult,
        errors=[Forbidden, NotFound, SessionEnded],
        summary="Reserve (or renew) files for a session; files another session holds conflict",
    )
    release = Operation(
        "DELETE",
        "/sessions/{id}/reservations",
        params=[SESSION],
        query=ReleaseQuery,
        response=Released,
        errors=[Forbidden, NotFound],
        summary="Release a session's files (the paths given, or all)",
    )
    workspace_reservations = Operation(
        "GET",
        "/reservations",
        response=Reservations,
        summary="Every file reserved in the workspace now",
    )
    check = Operation(
        "POST",
        "/reservations/check",
        body=CheckRequest,
        response=Checks,
        idempotent=True,
        transaction="read",
        errors=[NotFound],
        summary="Whether a session may write each path (no when another session holds it)",
    )
