"""Finding the sessions the caller may see or change, and reading them as wire models.

A session is seen by the members of its history channel (its agent, its user, who created it,
and anyone added there) and by the workspace's admins; a deleted one by no one. `{id}` in a
path is the session's id or its `externalId` (unique in the workspace), so a client that names
its sessions itself never needs to keep ours."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.messaging.tables import channel_members, channels
from server_core.features.sessions.errors import SessionEnded
from server_core.features.sessions.schemas import Session, SessionPreview
from server_core.features.sessions.tables import agent_sessions, file_reservations
from server_core.kernel.auth import Caller
from server_core.kernel.clock import as_utc, utcnow
from server_core.kernel.errors import Forbidden, NotFound
from server_core.kernel.ids import parse_id

s = agent_sessions.c
r = file_reservations.c
LIVE = ("discovered", "active", "idle")
_TIMES = (
    "pinned_at",
    "summary_updated_at",
    "last_activity_at",
    "last_heartbeat_at",
    "created_at",
    "updated_at",
    "ended_at",
)


def visible(caller: Caller) -> Any:
    """The condition a session the caller may see meets."""
    mine = s.workspace_id == caller.workspace_id
    if caller.is_admin:
        return sa.and_(mine, s.deleted_at.is_(None))
    member_of = sa.select(channel_members.c.channel_id).where(
        channel_members.c.principal_id == caller.principal_id
    )
    return sa.and_(mine, s.deleted_at.is_(None), s.channel_id.in_(member_of))


# Built once: these run on every hook call, and a statement built afresh costs more than
# running it.
_BY_ID = sa.select(agent_sessions).where(
    s.id == sa.bindparam("ref"), s.workspace_id == sa.bindparam("workspace_id")
)
_BY_EXTERNAL_ID = sa.select(agent_sessions).where(
    s.external_id == sa.bindparam("ref"), s.workspace_id == sa.bindparam("workspace_id")
)
_SEEN_BY_ADMIN = sa.select(agent_sessions).where(s.id == sa.bindparam("id"), s.deleted_at.is_(None))
_SEEN_BY_MEMBER = _SEEN_BY_ADMIN.where(
    s.channel_id.in_(
        sa.select(channel_members.c.channel_id).where(
            channel_members.c.principal_id == sa.bindparam("principal_id")
        )
    )
)
_SEEN = {
    (admin, lock): (query.with_for_update() if lock else query)
    for admin, query in ((True, _SEEN_BY_ADMIN), (False, _SEEN_BY_MEMBER))
    for lock in (True, False)
}


def find(conn: Connection, workspace_id: str, ref: str) -> RowMapping | None:
    """A session of the workspace by id or externalId, deleted ones included."""
    canonical = parse_id(ref)
    if canonical is not None:
        found = conn.execute(_BY_ID, {"ref": canonical, "workspace_id": workspace_id})
        row = found.mappings().first()
        if row is not None:
            return row
    found = conn.execute(_BY_EXTERNAL_ID, {"ref": ref, "workspace_id": workspace_id})
    return found.mappings().first()


def access_session(conn: Connection, caller: Caller, ref: str, *, lock: bool = False) -> RowMapping:
    """The session `ref` (id or externalId) the caller may see, or 404."""
    row = find(conn, caller.workspace_id, ref)
    if row is not None:
        query = _SEEN[(caller.is_admin, lock)]
        values = {"id": row["id"], "principal_id": caller.principal_id}
        row = conn.execute(query, values).mappings().first()
    if row is None:
        raise NotFound(f"No session '{ref}' in this workspace")
    return row


def check_can_change(caller: Caller, row: RowMapping) -> None:
    """Its agent, its user, who created it, or an admin; other members only read it."""
    if caller.is_admin or caller.principal_id in (
        row["agent_id"],
        row["user_id"],
        row["created_by"],
    ):
        return
    raise Forbidden("Only the session's agent, user or creator (or an admin) may change it")


def check_live(row: RowMapping) -> None:
    if row["status"] in ("closed", "archived"):
        raise SessionEnded(
            f"The session has ended ({row['end_reason'] or row['status']}): create it again "
            "with its externalId to resume it"
        )


def reload(conn: Connection, session_id: str) -> RowMapping:
    return conn.execute(sa.select(agent_sessions).where(s.id == session_id)).mappings().one()


def reserved_paths(conn: Connection, session_ids: Sequence[str]) -> dict[str, list[str]]:
    """The paths each session holds now."""
    held: dict[str, list[str]] = defaultdict(list)
    if not session_ids:
        return held
    rows = conn.execute(
        sa.select(r.session_id, r.path)
        .where(
            r.session_id.in_(list(session_ids)),
            r.released_at.is_(None),
            r.expires_at > utcnow(),
            r.active_path.is_not(None) | r.exclusive.is_(False),  # expired ones leave their path
        )
        .order_by(r.path)
    )
    for session_id, path in rows:
        held[session_id].append(path)
    return held


def message_counts(conn: Connection, rows: Sequence[RowMapping]) -> dict[str, int]:
    """Messages in each session's history after its clear point (seqs are gap-free, so the
    channel's last seq tells without counting rows)."""
    channel_ids = [row["channel_id"] for row in rows]
    if not channel_ids:
        return {}
    last = dict(
        conn.execute(
            sa.select(channels.c.id, channels.c.last_seq).where(channels.c.id.in_(channel_ids))
        ).all()
    )
    return {
        row["id"]: max(0, last.get(row["channel_id"], 0) - row["cleared_through_seq"])
        for row in rows
    }


def session_views(
    conn: Connection, rows: Sequence[RowMapping], *, preview: bool = False
) -> list[Session]:
    held = reserved_paths(conn, [row["id"] for row in rows])
    counts = message_counts(conn, rows) if preview else {}
    views = []
    for row in rows:
        fields = {name: row[name] for name in Session.model_fields if name in row}
        for name in _TIMES:
            fields[name] = as_utc(row[name]) if row[name] is not None else None
        fields["reserved_files"] = held.get(row["id"], [])
        if preview:
            fields["preview"] = SessionPreview(
                message_count=counts.get(row["id"], 0),
                first_user_message=row["first_user_message"],
            )
        views.append(Session(**fields))
    return views


def session_view(conn: Connection, row: RowMapping, *, preview: bool = False) -> Session:
    return session_views(conn, [row], preview=preview)[0]
