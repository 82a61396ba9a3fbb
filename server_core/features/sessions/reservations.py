"""File reservations: a live session claims the files it writes so another session's agent
does not edit them at the same time.

A reservation lasts `ttlSeconds` (10 minutes by default) after its last touch; touching a file
the session holds renews it; ending, expiring or deleting the session releases them all. An
exclusive reservation keeps its path in `active_path`, under a unique index with the workspace:
two sessions inserting the same path at once get exactly one row, on both engines, without
locks. Reads are never refused; a write is refused only while another session holds the path.
"""

from __future__ import annotations

import math
import posixpath
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.sessions.access import (
    LIVE,
    access_session,
    check_can_change,
    check_live,
)
from server_core.features.sessions.events import ReservationAction, reservation_event
from server_core.features.sessions.schemas import (
    CheckRequest,
    CheckResult,
    Released,
    ReleaseQuery,
    Reservation,
    ReservationConflict,
    ReservationHolder,
    ReserveRequest,
    ReserveResult,
)
from server_core.features.sessions.tables import agent_sessions, file_reservations
from server_core.kernel.auth import Caller
from server_core.kernel.clock import as_utc, utcnow
from server_core.kernel.errors import ValidationFailed
from server_core.kernel.events import Event
from server_core.kernel.ids import new_id
from server_core.kernel.store.tables import principals

r = file_reservations.c
s = agent_sessions.c
DEFAULT_TTL = 600


def normalise_path(path: str) -> str:
    """A repository-relative path in one spelling: forward slashes, no `.` segments, no
    leading `./`. Absolute paths and paths leaving the repository (`..`) are refused."""
    cleaned = path.strip().replace("\\", "/")
    if not cleaned or cleaned.startswith("/") or (len(cleaned) > 1 and cleaned[1] == ":"):
        raise ValidationFailed(
            f"path '{path}': give it relative to the repository's root",
            details={"field": "paths"},
        )
    normal = posixpath.normpath(cleaned)
    if normal == "." or normal == ".." or normal.startswith("../"):
        raise ValidationFailed(
            f"path '{path}': must stay inside the repository", details={"field": "paths"}
        )
    return normal


def reservation_view(row: RowMapping) -> Reservation:
    fields = {name: row[name] for name in Reservation.model_fields}
    for name in ("created_at", "last_touched_at", "expires_at", "released_at"):
        fields[name] = as_utc(row[name]) if row[name] is not None else None
    return Reservation(**fields)


_HOLDER_NAME = sa.func.coalesce(
    sa.select(principals.c.display_name)
    .where(principals.c.id == sa.func.coalesce(s.user_id, s.agent_id))
    .scalar_subquery(),
    "another session",
)
# Built once (the hook runs them on every tool call): the live exclusive reservation of each
# path with its session and holder's name, and an agent's live sessions with a cwd.
_HOLDERS = (
    sa.select(file_reservations, _HOLDER_NAME.label("holder_name"), s.current_task)
    .join(agent_sessions, s.id == r.session_id)
    .where(
        r.workspace_id == sa.bindparam("workspace_id"),
        r.active_path.in_(sa.bindparam("paths", expanding=True)),
    )
)
_WITH_A_TREE = sa.select(s.id, s.cwd).where(
    s.workspace_id == sa.bindparam("workspace_id"),
    s.agent_id == sa.bindparam("agent_id"),
    s.kind.in_(("ide", "mcp")),
    s.status.in_(LIVE),
    s.deleted_at.is_(None),
    s.cwd.is_not(None),
)


def _holder_rows(conn: Connection, workspace_id: str, paths: Sequence[str]) -> dict[str, Any]:
    """The live exclusive reservation of each path, with its session and holder's name."""
    rows = conn.execute(_HOLDERS, {"workspace_id": workspace_id, "paths": list(paths)})
    return {row["active_path"]: row for row in rows.mappings()}


def holder_view(row: RowMapping, now: datetime) -> ReservationHolder:
    expires_at = as_utc(row["expires_at"])
    return ReservationHolder(
        session_id=row["session_id"],
        principal_id=row["principal_id"],
        name=row["holder_name"],
        task=row["current_task"] or row["reason"],
        expires_at=expires_at,
        minutes_left=max(1, math.ceil((expires_at - now).total_seconds() / 60)),
    )


def deny_message(path: str, holder: ReservationHolder) -> str:
    task = f" — '{holder.task}'" if holder.task else ""
    return f"File {path} is reserved by {holder.name}{task} ({holder.minutes_left} min remaining)"


def expire_stale(
    conn: Connection, events: list[Event], workspace_id: str | None, now: datetime
) -> int:
    """Expire reservations past their time (of one workspace, or all): their paths free."""
    query = sa.select(file_reservations).where(
        r.active_path.is_not(None), r.released_at.is_(None), r.expires_at <= now
    )
    if workspace_id is not None:
        query = query.where(r.workspace_id == workspace_id)
    stale = conn.execute(query.limit(1000)).mappings().all()
    if not stale:
        return 0
    conn.execute(
        sa.update(file_reservations)
        .where(r.id.in_([row["id"] for row in stale]))
        .values(active_path=None)
    )
    for row in stale:
        events.append(reservation_event(row["workspace_id"], reservation_view(row), "expired"))
    return len(stale)


def reserve(
    conn: Connection,
    events: list[Event],
    session: RowMapping,
    principal_id: str,
    paths: Sequence[str],
    *,
    reason: str | None = None,
    ttl_seconds: int = DEFAULT_TTL,
    exclusive: bool = True,
    now: datetime | None = None,
    own: Collection[str] = (),
) -> ReserveResult:
    """Reserve (or renew) each path for `session`; paths another session holds conflict,
    unless it is one of `own` (the session's fellows: their reservation is renewed)."""
    now = now or utcnow()
    workspace_id = session["workspace_id"]
    wanted = list(dict.fromkeys(normalise_path(path) for path in paths))
    expire_stale(conn, events, workspace_id, now)
    expires_at = now + timedelta(seconds=ttl_seconds)
    granted: list[Reservation] = []
    conflicts: list[ReservationConflict] = []
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    for path in wanted:
        action: ReservationAction = "reserved"
        held = _holder_rows(conn, workspace_id, [path]).get(path)
        if held is not None and (held["session_id"] == session["id"] or held["session_id"] in own):
            reservation_id = held["id"]
            conn.execute(
                sa.update(file_reservations)
                .where(r.id == reservation_id)
                .values(last_touched_at=now, expires_at=expires_at, reason=reason or held["reason"])
            )
            action = "renewed"
        elif held is not None:
            conflicts.append(ReservationConflict(path=path, holder=holder_view(held, now)))
            continue
        else:
            reservation_id = new_id()
            inserted = conn.execute(
                insert(file_reservations)
                .values(
                    id=reservation_id,
                    workspace_id=workspace_id,
                    session_id=session["id"],
                    principal_id=principal_id,
                    path=path,
                    exclusive=exclusive,
                    reason=reason,
                    created_at=now,
                    last_touched_at=now,
                    expires_at=expires_at,
                    released_at=None,
                    active_path=path if exclusive else None,
                )
                .on_conflict_do_nothing(index_elements=["workspace_id", "active_path"])
            )
            if inserted.rowcount == 0:  # another session's insert won the race
                winner = _holder_rows(conn, workspace_id, [path])[path]
                conflicts.append(ReservationConflict(path=path, holder=holder_view(winner, now)))
                continue
        row = conn.execute(sa.select(file_reservations).where(r.id == reservation_id))
        view = reservation_view(row.mappings().one())
        granted.append(view)
        events.append(reservation_event(workspace_id, view, action))
    return ReserveResult(granted=granted, conflicts=conflicts)


def release(
    conn: Connection,
    events: list[Event],
    session: RowMapping,
    paths: Sequence[str] | None,
    now: datetime | None = None,
) -> int:
    """Release the session's reservations of `paths` (all of them when None)."""
    now = now or utcnow()
    query = sa.select(file_reservations).where(
        r.session_id == session["id"], r.released_at.is_(None)
    )
    if paths is not None:
        query = query.where(r.path.in_([normalise_path(path) for path in paths]))
    rows = conn.execute(query).mappings().all()
    if not rows:
        return 0
    conn.execute(
        sa.update(file_reservations)
        .where(r.id.in_([row["id"] for row in rows]))
        .values(released_at=now, active_path=None)
    )
    for row in rows:
        view = reservation_view({**row, "released_at": now})  # type: ignore[arg-type]
        if as_utc(row["expires_at"]) > now:
            events.append(reservation_event(session["workspace_id"], view, "released"))
    return len(rows)


def release_all(conn: Connection, events: list[Event], session: RowMapping, now: datetime) -> int:
    return release(conn, events, session, None, now)


def _tree(cwd: str | None) -> str | None:
    if not cwd or not cwd.strip():
        return None
    return posixpath.normpath(cwd.strip().replace("\\", "/")).rstrip("/") or "/"


def fellow_sessions(conn: Connection, session: RowMapping) -> frozenset[str]:
    """The session and the live IDE and MCP sessions of the same agent in the same working
    tree: one worker seen through two doors (its IDE's hooks and its MCP connection), whose
    reservations must not block each other."""
    tree = _tree(session["cwd"])
    if tree is None or session["agent_id"] is None:
        return frozenset({session["id"]})
    values = {"workspace_id": session["workspace_id"], "agent_id": session["agent_id"]}
    rows = conn.execute(_WITH_A_TREE, values)
    return frozenset({session["id"], *(row.id for row in rows if _tree(row.cwd) == tree)})


def check(
    conn: Connection,
    workspace_id: str,
    own: Collection[str],
    paths: Sequence[str],
    now: datetime | None = None,
) -> list[CheckResult]:
    """Whether a session may write each path now: yes unless a session not in `own` (the
    session and its fellows) holds it."""
    now = now or utcnow()
    wanted = [normalise_path(path) for path in paths]
    holders = _holder_rows(conn, workspace_id, wanted)
    results = []
    for path in wanted:
        held = holders.get(path)
        live = held is not None and as_utc(held["expires_at"]) > now
        if held is None or not live or held["session_id"] in own:
            results.append(CheckResult(path=path, allowed=True, holder=None, message=None))
            continue
        holder = holder_view(held, now)
        results.append(
            CheckResult(path=path, allowed=False, holder=holder, message=deny_message(path, holder))
        )
    return results


def active_reservations(
    conn: Connection, workspace_id: str, session_ids: Sequence[str] | None = None
) -> list[Reservation]:
    query = sa.select(file_reservations).where(
        r.workspace_id == workspace_id,
        r.released_at.is_(None),
        r.expires_at > utcnow(),
        r.active_path.is_not(None) | r.exclusive.is_(False),  # expired ones leave their path
    )
    if session_ids is not None:
        query = query.where(r.session_id.in_(list(session_ids)))
    rows = conn.execute(query.order_by(r.path, r.created_at)).mappings().all()
    return [reservation_view(row) for row in rows]


# --- the operations -------------------------------------------------------------------------


def do_reserve(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    session_id: str,
    request: ReserveRequest,
) -> ReserveResult:
    session = access_session(conn, caller, session_id, lock=True)
    check_can_change(caller, session)
    check_live(session)
    return reserve(
        conn,
        events,
        session,
        caller.principal_id,
        request.paths,
        reason=request.reason,
        ttl_seconds=request.ttl_seconds,
        exclusive=request.exclusive,
    )


def do_release(
    conn: Connection, events: list[Event], *, caller: Caller, session_id: str, query: ReleaseQuery
) -> Released:
    session = access_session(conn, caller, session_id, lock=True)
    check_can_change(caller, session)
    return Released(released=release(conn, events, session, query.path or None))


def list_session_reservations(
    conn: Connection, *, caller: Caller, session_id: str
) -> list[Reservation]:
    session = access_session(conn, caller, session_id)
    return active_reservations(conn, caller.workspace_id, [session["id"]])


def list_reservations(conn: Connection, *, caller: Caller) -> list[Reservation]:
    return active_reservations(conn, caller.workspace_id)


def check_reservations(
    conn: Connection, *, caller: Caller, request: CheckRequest
) -> list[CheckResult]:
    own: frozenset[str] = frozenset()
    if request.session_id is not None:
        own = fellow_sessions(conn, access_session(conn, caller, request.session_id))
    return check(conn, caller.workspace_id, own, request.paths)
