"""The IDE hook: one route an IDE's hook configuration calls on each event (Cursor, Claude
Code, Codex), answering as those hooks expect.

- sessionStart creates the conversation's session (or resumes it, or joins the MCP
  connection's session whose adapterSessionId is the conversation) and answers with a team
  briefing for the IDE to inject;
- preToolUse on a write tool answers `deny` when another live session holds the file, `allow`
  otherwise; reads (beforeReadFile, or a tool that is not a write) are never denied. The
  agent's own MCP connection in the same working tree is not "another session"
  (`fellow_sessions`);
- postToolUse of a write reserves the file for this session (renewing it when held);
- beforeSubmitPrompt / UserPromptSubmit keeps the prompt as the session's current task;
- sessionEnd ends the session and releases its files. `Stop` fires after every turn in Claude
  Code and Cursor, so it only counts as activity: ending there would drop a working session's
  reservations between two prompts (a deliberate difference from the hook's original docs);
- file_check is a heartbeat.

Every event is activity. Paths arrive absolute from most IDEs: they are made relative to the
session's working directory; a path outside it is neither checked nor reserved."""

from __future__ import annotations

import posixpath
import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.sessions.access import LIVE, access_session, find, reserved_paths
from server_core.features.sessions.briefing import briefing
from server_core.features.sessions.history import touch
from server_core.features.sessions.hook_schemas import (
    EVENTS,
    HeartbeatRequest,
    HookKind,
    HookReply,
    HookRequest,
    IdeSession,
)
from server_core.features.sessions.liveness import end
from server_core.features.sessions.reservations import (
    check,
    fellow_sessions,
    normalise_path,
    reserve,
)
from server_core.features.sessions.schemas import CreateSessionRequest
from server_core.features.sessions.sessions import create
from server_core.features.sessions.tables import agent_sessions
from server_core.kernel.auth import Caller
from server_core.kernel.clock import as_utc, to_wire, utcnow
from server_core.kernel.errors import Forbidden, NotFound, ValidationFailed
from server_core.kernel.events import Event
from server_core.kernel.store.tables import principals, workspaces

s = agent_sessions.c
WRITE_TOOLS = frozenset(
    {
        "edit",
        "write",
        "multiedit",
        "notebookedit",
        "edit_file",
        "write_file",
        "create_file",
        "delete_file",
        "apply_patch",
        "search_replace",
        "str_replace",
        "str_replace_editor",
    }
)
_PATH_KEYS = ("file_path", "path", "notebook_path", "target_file", "filePath")


def slug_of(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def check_workspace(conn: Connection, caller: Caller, slug: str | None) -> None:
    """The slug (the workspace's id or its name as a slug) must be the credential's."""
    if slug is None or not slug.strip():
        return
    name = conn.scalar(sa.select(workspaces.c.name).where(workspaces.c.id == caller.workspace_id))
    if slug.strip().lower() not in (caller.workspace_id, slug_of(name or "")):
        raise Forbidden(
            f"workspace_slug '{slug}' is not this key's workspace "
            f"('{slug_of(name or '')}', id {caller.workspace_id})"
        )


def event_kind(event: str) -> HookKind:
    kind = EVENTS.get(event.strip().lower())
    if kind is None:
        known = "sessionStart, preToolUse, postToolUse, beforeSubmitPrompt, sessionEnd, Stop, "
        raise ValidationFailed(
            f"Unknown hook event '{event}': use one of {known}file_check (any spelling of "
            "Cursor, Claude Code or Codex)",
            details={"field": "event"},
        )
    return kind  # type: ignore[return-value]


def _session_for(
    conn: Connection, events: list[Event], caller: Caller, request: HookRequest, kind: HookKind
) -> RowMapping:
    """The hook's session: by session_id, else the conversation's (resumed, or the MCP
    connection's whose adapterSessionId it is), else a new one."""
    for ref in (request.session_id, request.conversation_id):
        if ref is None:
            continue
        row = find(conn, caller.workspace_id, ref)
        if row is None:
            row = (
                conn.execute(
                    sa.select(agent_sessions).where(
                        s.workspace_id == caller.workspace_id,
                        s.adapter_session_id == ref,
                        s.status.in_(LIVE),
                        s.deleted_at.is_(None),
                    )
                )
                .mappings()
                .first()
            )
        if row is not None and row["deleted_at"] is None:
            session = access_session(conn, caller, row["id"], lock=True)
            if session["status"] in ("closed", "archived") and kind != "end":
                _reopen(conn, session["id"])
            return session
    if kind not in ("start", "pre", "read", "post", "prompt", "heartbeat", "turn"):
        raise NotFound("No session for this conversation: send sessionStart first")
    external = request.conversation_id or request.session_id
    created = create(
        conn,
        events,
        caller,
        CreateSessionRequest(
            external_id=external,
            kind="ide",
            title=request.task,
            current_task=request.task,
            cwd=request.cwd,
            branch=request.branch,
            adapter_name=request.agent_type,
            client_id=request.agent_type,
            adapter_session_id=request.conversation_id,
            model=request.model,
        ),
    )
    return access_session(conn, caller, created.id, lock=True)


def _reopen(conn: Connection, session_id: str) -> None:
    conn.execute(
        sa.update(agent_sessions)
        .where(s.id == session_id)
        .values(status="active", end_reason=None, ended_at=None, updated_at=utcnow())
    )


def hook_path(request: HookRequest, cwd: str | None) -> str | None:
    """The file the event is about, relative to the working directory; None when there is
    none or it lies outside."""
    raw = request.file_path
    if raw is None and request.tool_input:
        raw = next(
            (
                request.tool_input[key]
                for key in _PATH_KEYS
                if isinstance(request.tool_input.get(key), str)
            ),
            None,
        )
    if not raw:
        return None
    path = raw.replace("\\", "/")
    if path.startswith("/"):
        if not cwd:
            return None
        root = posixpath.normpath(cwd.replace("\\", "/"))
        relative = posixpath.relpath(posixpath.normpath(path), root)
        if relative.startswith(".."):
            return None
        path = relative
    try:
        return normalise_path(path)
    except ValidationFailed:
        return None


def _is_write(request: HookRequest) -> bool:
    if request.tool_name is None:
        return True  # a hook that names no tool is asking about a write
    return request.tool_name.strip().lower() in WRITE_TOOLS


def do_hook(
    conn: Connection, events: list[Event], *, caller: Caller, request: HookRequest
) -> HookReply:
    kind = event_kind(request.event)
    check_workspace(conn, caller, request.workspace_slug)
    session = _session_for(conn, events, caller, request, kind)
    now = utcnow()
    touch(conn, session["id"], now, heartbeat=kind == "heartbeat")
    cwd = request.cwd or session["cwd"]
    changes: dict[str, Any] = {}
    if request.cwd and request.cwd != session["cwd"]:
        changes["cwd"] = request.cwd
    if request.branch and request.branch != session["branch"]:
        changes["branch"] = request.branch
    reply = HookReply(session_id=session["id"])
    if kind == "start":
        if request.task:
            changes["current_task"] = request.task
        reply.additional_context = briefing(conn, caller, session["id"], now)
    elif kind == "prompt":
        text = (request.prompt or request.task or "").strip()
        if text:
            changes["current_task"] = text[:2000]
            if session["first_user_message"] is None:
                changes["first_user_message"] = text[:2000]
            if session["title"] is None:
                changes["title"] = text[:120]
    elif kind == "read":
        reply.permission = "allow"  # reads are never refused
    elif kind == "pre":
        reply.permission = "allow"
        path = hook_path(request, cwd)
        if path is not None and _is_write(request):
            own = fellow_sessions(conn, session)
            result = check(conn, caller.workspace_id, own, [path], now)[0]
            if not result.allowed:
                reply.permission, reply.message = "deny", result.message
    elif kind == "post":
        path = hook_path(request, cwd)
        if path is not None and _is_write(request):
            changes["current_file"] = path
            own = fellow_sessions(conn, session)
            outcome = reserve(conn, events, session, caller.principal_id, [path], now=now, own=own)
            reply.reserved = [granted.path for granted in outcome.granted]
            if outcome.conflicts:
                holder = outcome.conflicts[0].holder
                reply.message = f"{path} is reserved by {holder.name} (not by this session)"
    elif kind == "end":
        end(conn, events, session["id"], "ended", now)
        reply.ended = True
    if changes:
        conn.execute(
            sa.update(agent_sessions).where(s.id == session["id"]).values(**changes, updated_at=now)
        )
    return reply


# --- the IDE surface's own routes ---------------------------------------------------------------


def do_ide_heartbeat(
    conn: Connection, events: list[Event], *, caller: Caller, request: HeartbeatRequest
) -> HookReply:
    hook = HookRequest(
        event="file_check", workspace_slug=request.workspace_slug, session_id=request.session_id
    )
    return do_hook(conn, events, caller=caller, request=hook)


def do_ide_end(
    conn: Connection, events: list[Event], *, caller: Caller, request: HeartbeatRequest
) -> HookReply:
    check_workspace(conn, caller, request.workspace_slug)
    row = find(conn, caller.workspace_id, request.session_id)
    if row is None or row["deleted_at"] is not None:
        raise NotFound(f"No session '{request.session_id}' in this workspace")
    session = access_session(conn, caller, row["id"], lock=True)
    end(conn, events, session["id"], "ended", utcnow())
    return HookReply(session_id=session["id"], ended=True)


def ide_sessions(conn: Connection, *, caller: Caller, workspace: str) -> list[IdeSession]:
    """The workspace's live IDE and MCP sessions as the IDE surface lists them: who works on
    what, where, holding which files (the coordination this is for; a session's attributes
    and history stay with its members)."""
    check_workspace(conn, caller, workspace)
    user_name = (
        sa.select(principals.c.display_name)
        .where(principals.c.id == sa.func.coalesce(s.user_id, s.agent_id))
        .scalar_subquery()
    )
    rows = (
        conn.execute(
            sa.select(agent_sessions, user_name.label("user_name"))
            .where(
                s.workspace_id == caller.workspace_id,
                s.deleted_at.is_(None),
                s.status.in_(LIVE),
                s.kind.in_(("ide", "mcp")),
            )
            .order_by(s.last_activity_at.desc())
            .limit(200)
        )
        .mappings()
        .all()
    )
    held = reserved_paths(conn, [row["id"] for row in rows])
    return [
        IdeSession(
            id=row["id"],
            user_name=row["user_name"],
            agent_type=row["client_id"] or row["adapter_name"],
            current_task=row["current_task"],
            current_file=row["current_file"],
            branch=row["branch"],
            conversation_id=row["external_id"],
            last_heartbeat=to_wire(as_utc(row["last_heartbeat_at"] or row["last_activity_at"])),
            reserved_files=held.get(row["id"], []),
        )
        for row in rows
    ]
