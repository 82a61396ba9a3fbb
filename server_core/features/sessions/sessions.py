"""Sessions: creating (or resuming by externalId), setting, changing, listing, counting,
searching and deleting them.

Creating a session opens its history channel (kind `session`) with its creator, agent and user
as members. A session names its client's id in `externalId`; creating one with an externalId
that exists resumes it instead (200): an IDE or MCP connection that reconnects keeps its
history and lineage."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.messaging.channels import insert_channel, insert_member
from server_core.features.messaging.schemas import LoopPrevention
from server_core.features.messaging.tables import channels
from server_core.features.sessions.access import (
    LIVE,
    access_session,
    check_can_change,
    find,
    reload,
    session_view,
    session_views,
    visible,
)
from server_core.features.sessions.errors import SessionExists
from server_core.features.sessions.events import SessionAction, session_event
from server_core.features.sessions.reservations import release_all
from server_core.features.sessions.schemas import (
    MAX_ATTRIBUTES_BYTES,
    AttributesPatch,
    CreateSessionRequest,
    Deleted,
    Session,
    SessionChild,
    SessionFields,
    SessionsQuery,
    SetSessionRequest,
    StatusCounts,
    UpdateSessionRequest,
)
from server_core.features.sessions.tables import agent_sessions
from server_core.features.tasks.access import access_task
from server_core.kernel.auth import Caller
from server_core.kernel.clock import as_utc, utcnow
from server_core.kernel.errors import NotFound, ValidationFailed
from server_core.kernel.events import Event
from server_core.kernel.ids import new_id, parse_id
from server_core.kernel.operations import Created
from server_core.kernel.principals import access_principal
from server_core.kernel.wire import Page

s = agent_sessions.c
AGENT_KINDS = ("agent", "service")
# An agent answering in its own session streams several messages in a row (tool output,
# progress): no cooldown, a long run, the usual per-minute rate.
SESSION_LIMITS = LoopPrevention(cooldown_ms=0, max_consecutive=1_000).model_dump(mode="json")


# --- creating -----------------------------------------------------------------------------


def do_create_session(
    conn: Connection, events: list[Event], *, caller: Caller, request: CreateSessionRequest
) -> Created[Session]:
    if request.external_id is not None:
        existing = find(conn, caller.workspace_id, request.external_id)
        if existing is not None and existing["deleted_at"] is None:
            return Created(_resume(conn, events, caller, existing, request), created=False)
    return Created(create(conn, events, caller, request), created=True)


def create(
    conn: Connection,
    events: list[Event],
    caller: Caller,
    request: CreateSessionRequest,
    *,
    now: datetime | None = None,
) -> Session:
    """A new session and its history channel."""
    now = now or utcnow()
    agent_id = _principal(conn, caller, request.agent_id, AGENT_KINDS)
    if agent_id is None and request.agent_id is None and not caller.is_human:
        agent_id = caller.principal_id
    user_id = _principal(conn, caller, request.user_id, None)
    if user_id is None and request.user_id is None and caller.is_human:
        user_id = caller.principal_id
    channel_id = insert_channel(
        conn,
        caller,
        now,
        kind="session",
        name=(request.title or "")[:100] or None,
        loop_prevention=SESSION_LIMITS,
    )
    insert_member(conn, channel_id, caller.principal_id, "owner", now)
    for principal_id in dict.fromkeys(p for p in (agent_id, user_id) if p):
        if principal_id != caller.principal_id:
            insert_member(conn, channel_id, principal_id, "member", now)
    session_id = new_id()
    given = _field_values(conn, caller, request, request.model_fields_set, now)
    conn.execute(
        sa.insert(agent_sessions).values(
            {name: None for name in SessionFields.model_fields}
            | {"summary_updated_at": None, "root_session_id": None}
            | dict(
                id=session_id,
                workspace_id=caller.workspace_id,
                external_id=request.external_id,
                agent_id=agent_id,
                user_id=user_id,
                created_by=caller.principal_id,
                channel_id=channel_id,
                kind=request.kind,
                status=request.status,
                end_reason=None,
                attributes={},
                is_imported=False,
                is_orchestrated=False,
                cleared_through_seq=0,
                first_user_message=None,
                last_activity_at=now,
                last_heartbeat_at=None,
                created_at=now,
                updated_at=now,
                ended_at=None,
                deleted_at=None,
            )
            | given
        )
    )
    return announce(conn, events, session_id, "created")


def _resume(
    conn: Connection,
    events: list[Event],
    caller: Caller,
    existing: RowMapping,
    request: CreateSessionRequest,
) -> Session:
    """The session with this externalId, live again, with what the request gives."""
    row = access_session(conn, caller, existing["id"], lock=True)
    check_can_change(caller, row)
    now = utcnow()
    changes = _field_values(conn, caller, request, request.model_fields_set, now)
    changes |= {"status": "active", "end_reason": None, "ended_at": None}
    conn.execute(
        sa.update(agent_sessions)
        .where(s.id == row["id"])
        .values(**changes, last_activity_at=now, updated_at=now)
    )
    return announce(conn, events, row["id"], "updated")


def _principal(
    conn: Connection, caller: Caller, ref: str | None, kinds: tuple[str, ...] | None
) -> str | None:
    if ref is None:
        return None
    principal_id: str = access_principal(conn, caller, ref, kinds)["id"]
    return principal_id


def _field_values(
    conn: Connection, caller: Caller, fields: SessionFields, given: set[str], now: datetime
) -> dict[str, Any]:
    """Columns for the settable fields in `given` (null clears), checked."""
    values: dict[str, Any] = {}
    for name in SessionFields.model_fields:
        if name not in given:
            continue
        value = getattr(fields, name)
        if name in ("is_imported", "is_orchestrated"):
            value = bool(value)
        elif name == "attributes":
            value = _checked_attributes(value or {})
        elif name == "pinned_at" and value is not None:
            value = as_utc(value)
        elif name == "task_id" and value is not None:
            value = access_task(conn, caller, value)["id"]
        elif name == "summary":
            values["summary_updated_at"] = now
        values[name] = value
    if "parent_session_id" in given:
        parent_ref = fields.parent_session_id
        parent = access_session(conn, caller, parent_ref) if parent_ref else None
        values["parent_session_id"] = parent["id"] if parent else None
        values["root_session_id"] = (parent["root_session_id"] or parent["id"]) if parent else None
    return values


def _checked_attributes(attributes: dict[str, Any]) -> dict[str, Any]:
    size = len(json.dumps(attributes, ensure_ascii=False).encode())
    if size > MAX_ATTRIBUTES_BYTES:
        raise ValidationFailed(
            f"attributes: at most {MAX_ATTRIBUTES_BYTES} bytes of JSON ({size} given)",
            details={"field": "attributes"},
        )
    return attributes


def do_set_session(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    session_id: str,
    request: SetSessionRequest,
) -> Created[Session]:
    """The whole session as given (fields left out are cleared); created with `session_id` as
    its externalId when there is none."""
    existing = find(conn, caller.workspace_id, session_id)
    if existing is not None and existing["deleted_at"] is None:
        if request.if_absent:
            raise SessionExists(f"Session '{session_id}' exists already")
        row = access_session(conn, caller, existing["id"], lock=True)
        check_can_change(caller, row)
        now = utcnow()
        changes = _field_values(conn, caller, request, set(SessionFields.model_fields), now)
        changes["status"] = request.status
        conn.execute(
            sa.update(agent_sessions).where(s.id == row["id"]).values(**changes, updated_at=now)
        )
        return Created(announce(conn, events, row["id"], "updated"), created=False)
    if _issued_elsewhere(conn, session_id):
        raise NotFound(f"No session '{session_id}' in this workspace")
    fresh = request.model_copy(update={"external_id": request.external_id or session_id})
    fresh.model_fields_set.add("external_id")
    return Created(create(conn, events, caller, fresh), created=True)


def _issued_elsewhere(conn: Connection, ref: str) -> bool:
    """Whether `ref` is the id this platform gave another workspace's session: naming it
    creates nothing here (a copied id from elsewhere is a mistake, not a new external id)."""
    canonical = parse_id(ref)
    if canonical is None:
        return False
    query = sa.select(s.id).where(s.id == canonical)
    return conn.execute(query).first() is not None


# --- changing -----------------------------------------------------------------------------


def do_update_session(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    session_id: str,
    request: UpdateSessionRequest,
) -> Session:
    """Only what is sent changes; a status of closed ends it (its reservations released)."""
    row = access_session(conn, caller, session_id, lock=True)
    check_can_change(caller, row)
    now = utcnow()
    changes = _field_values(conn, caller, request, request.model_fields_set, now)
    action: SessionAction = "updated"
    status = request.status
    if status is not None and status != row["status"]:
        changes["status"] = status
        if status in ("closed", "archived") and row["status"] not in ("closed", "archived"):
            changes |= {"end_reason": "ended", "ended_at": now}
            release_all(conn, events, row, now)
            action = "ended"
        elif status not in ("closed", "archived"):
            changes |= {"end_reason": None, "ended_at": None, "last_activity_at": now}
    if not changes:
        return session_view(conn, row)
    conn.execute(
        sa.update(agent_sessions).where(s.id == row["id"]).values(**changes, updated_at=now)
    )
    return announce(conn, events, row["id"], action)


def merge_patch(target: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """RFC 7386: null removes a key, objects merge, anything else replaces."""
    merged = dict(target)
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge_patch(merged[key], value)
        else:
            merged[key] = value
    return merged


def do_patch_attributes(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    session_id: str,
    request: AttributesPatch,
) -> Session:
    patch = request.patch if request.patch is not None else request.attributes
    if patch is None:
        raise ValidationFailed("Give the attributes to change in patch (or attributes)")
    row = access_session(conn, caller, session_id, lock=True)
    check_can_change(caller, row)
    attributes = _checked_attributes(merge_patch(row["attributes"] or {}, patch))
    conn.execute(
        sa.update(agent_sessions)
        .where(s.id == row["id"])
        .values(attributes=attributes, updated_at=utcnow())
    )
    return announce(conn, events, row["id"], "updated")


def do_delete_session(
    conn: Connection, events: list[Event], *, caller: Caller, session_id: str
) -> Deleted:
    """Gone from every answer, its externalId free again, its history channel archived and its
    reservations released."""
    row = access_session(conn, caller, session_id, lock=True)
    check_can_change(caller, row)
    now = utcnow()
    release_all(conn, events, row, now)
    conn.execute(
        sa.update(agent_sessions)
        .where(s.id == row["id"])
        .values(
            status="closed",
            end_reason="deleted",
            ended_at=row["ended_at"] or now,
            deleted_at=now,
            external_id=None,
            updated_at=now,
        )
    )
    conn.execute(
        sa.update(channels)
        .where(channels.c.id == row["channel_id"])
        .values(is_archived=True, archived_at=now, updated_at=now)
    )
    view = session_view(conn, reload(conn, row["id"]))
    events.append(session_event(view, "deleted"))
    return Deleted(deleted=True)


def announce(
    conn: Connection, events: list[Event], session_id: str, action: SessionAction
) -> Session:
    """The session as it is now, announced to its members."""
    view = session_view(conn, reload(conn, session_id))
    events.append(session_event(view, action))
    return view


# --- reading ------------------------------------------------------------------------------


def get_session(conn: Connection, *, caller: Caller, session_id: str) -> Session:
    return session_view(conn, access_session(conn, caller, session_id), preview=True)


def _status_filter(status: str) -> Any:
    if status == "all":
        return sa.true()
    if status == "live":
        return s.status.in_(LIVE)
    return s.status == status


def filtered(conn: Connection, caller: Caller, query: SessionsQuery) -> sa.Select[Any]:
    statement = sa.select(agent_sessions).where(visible(caller), _status_filter(query.status))
    for principal_field in ("agent_id", "user_id"):
        ref = getattr(query, principal_field)
        if ref is not None:
            # An id that is no principal here matches nothing (no 404 from a filter).
            statement = statement.where(getattr(s, principal_field) == parse_id(ref))
    if query.parent_session_id is not None:
        parent = find(conn, caller.workspace_id, query.parent_session_id)
        statement = statement.where(s.parent_session_id == (parent["id"] if parent else None))
    for name in ("kind", "external_id", "adapter_session_id", "execution_target_id"):
        value = getattr(query, name)
        if value is not None:
            statement = statement.where(getattr(s, name) == value)
    if query.is_imported is not None:
        statement = statement.where(s.is_imported.is_(query.is_imported))
    if query.pinned is not None:
        statement = statement.where(
            s.pinned_at.is_not(None) if query.pinned else s.pinned_at.is_(None)
        )
    return statement


def list_sessions(conn: Connection, *, caller: Caller, query: SessionsQuery) -> Page[Session]:
    """Most recently active first; `cursor` is the next page's offset."""
    statement = (
        filtered(conn, caller, query)
        .order_by(s.last_activity_at.desc(), s.id.desc())
        .offset(query.offset)
        .limit(query.limit + 1)
    )
    rows = conn.execute(statement).mappings().all()
    has_more = len(rows) > query.limit
    rows = rows[: query.limit]
    views = session_views(conn, rows, preview=query.include_preview)
    return Page(views, query.offset + len(rows) if has_more else None, has_more)


def count_sessions(conn: Connection, caller: Caller, query: SessionsQuery) -> int:
    counted = filtered(conn, caller, query).with_only_columns(sa.func.count()).order_by(None)
    return int(conn.scalar(counted) or 0)


def status_counts(conn: Connection, *, caller: Caller) -> StatusCounts:
    rows = conn.execute(
        sa.select(s.status, sa.func.count()).where(visible(caller)).group_by(s.status)
    ).all()
    counts = {status: 0 for status in ("discovered", "active", "idle", "closed", "archived")}
    counts |= {status: int(count) for status, count in rows}
    return StatusCounts(**counts, all=sum(counts.values()))


def children(conn: Connection, *, caller: Caller, session_id: str) -> list[SessionChild]:
    parent = access_session(conn, caller, session_id)
    grandchildren = sa.select(agent_sessions.alias("grand").c.id).where(
        sa.literal_column("grand.parent_session_id") == s.id,
        sa.literal_column("grand.deleted_at").is_(None),
    )
    rows = (
        conn.execute(
            sa.select(agent_sessions, sa.exists(grandchildren).label("has_children"))
            .where(s.parent_session_id == parent["id"], visible(caller))
            .order_by(s.created_at, s.id)
        )
        .mappings()
        .all()
    )
    views = session_views(conn, rows, preview=True)
    return [
        SessionChild(
            session_id=view.id,
            external_id=view.external_id,
            title=view.title,
            fork_point_message_id=view.fork_point_message_id,
            branch_kind=view.branch_kind,
            message_count=view.preview.message_count if view.preview else 0,
            has_children=bool(row["has_children"]),
            spawning_tool_call_id=view.spawning_tool_call_id,
        )
        for row, view in zip(rows, views, strict=True)
    ]
