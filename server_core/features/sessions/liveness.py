"""Liveness: heartbeats, ending a session, and the pass that lets quiet sessions go idle and
then expire.

Any message, hook event or heartbeat is activity. An IDE or MCP session with no activity for
`sessions_expire_after_seconds` (5 minutes) expires: it is closed with endReason `expired`
and its file reservations are released at once (a crashed IDE would otherwise hold its files
for up to ten more minutes). Chat sessions (and sub-agents, imported ones) wait
`chat_sessions_expire_after_seconds` (a day). A session goes `idle` after a fifth of its
window. Reservations not touched for their own ttl expire in the same pass."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial

import anyio
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.config import Settings
from server_core.features.sessions.access import (
    access_session,
    check_can_change,
    reload,
    session_view,
)
from server_core.features.sessions.events import SessionAction
from server_core.features.sessions.history import touch
from server_core.features.sessions.reservations import expire_stale, release_all
from server_core.features.sessions.schemas import EndSessionRequest, Session
from server_core.features.sessions.sessions import announce
from server_core.features.sessions.tables import agent_sessions
from server_core.kernel.auth import Caller
from server_core.kernel.clock import utcnow
from server_core.kernel.events import Event
from server_core.kernel.platform import Platform

log = logging.getLogger(__name__)
s = agent_sessions.c
QUICK_KINDS = ("ide", "mcp")
BATCH = 500


def do_heartbeat(
    conn: Connection, events: list[Event], *, caller: Caller, session_id: str
) -> Session:
    """Activity without a message; a session that expired is live again."""
    session = access_session(conn, caller, session_id, lock=True)
    check_can_change(caller, session)
    now = utcnow()
    touch(conn, session["id"], now, heartbeat=True)
    if session["status"] == "closed" and session["end_reason"] == "expired":
        conn.execute(
            sa.update(agent_sessions)
            .where(s.id == session["id"])
            .values(status="active", end_reason=None, ended_at=None, updated_at=now)
        )
        return announce(conn, events, session["id"], "updated")
    if session["status"] == "idle":
        return announce(conn, events, session["id"], "updated")
    return announce_quietly(conn, session["id"])


def announce_quietly(conn: Connection, session_id: str) -> Session:
    """The session as it is now, without an event (nothing others need to hear changed)."""
    return session_view(conn, reload(conn, session_id))


def end(
    conn: Connection,
    events: list[Event],
    session_id: str,
    reason: str,
    now: datetime,
) -> Session:
    """Close the session (once) and release its reservations."""
    session = conn.execute(sa.select(agent_sessions).where(s.id == session_id)).mappings().one()
    release_all(conn, events, session, now)
    if session["status"] in ("closed", "archived"):
        return announce_quietly(conn, session_id)
    conn.execute(
        sa.update(agent_sessions)
        .where(s.id == session_id)
        .values(status="closed", end_reason=reason, ended_at=now, updated_at=now)
    )
    action: SessionAction = "expired" if reason == "expired" else "ended"
    return announce(conn, events, session_id, action)


def do_end(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    session_id: str,
    request: EndSessionRequest,
) -> Session:
    session = access_session(conn, caller, session_id, lock=True)
    check_can_change(caller, session)
    return end(conn, events, session["id"], request.reason, utcnow())


def windows(settings: Settings) -> dict[str, float]:
    quick = float(settings.sessions_expire_after_seconds)
    slow = float(settings.chat_sessions_expire_after_seconds)
    return {"quick": quick, "slow": slow}


def sweep(conn: Connection, events: list[Event], *, settings: Settings, now: datetime) -> int:
    """One pass: sessions idle, sessions expired, reservations expired; how many changed."""
    changed = expire_stale(conn, events, None, now)
    for group, seconds in windows(settings).items():
        kinds = s.kind.in_(QUICK_KINDS) if group == "quick" else s.kind.not_in(QUICK_KINDS)
        expire_before = now - timedelta(seconds=seconds)
        idle_before = now - timedelta(seconds=seconds / 5)
        expiring = conn.execute(
            sa.select(s.id)
            .where(kinds, s.status.in_(("active", "idle")), s.last_activity_at < expire_before)
            .limit(BATCH)
        ).scalars()
        for session_id in list(expiring):
            end(conn, events, session_id, "expired", now)
            changed += 1
        idling = conn.execute(
            sa.select(s.id)
            .where(kinds, s.status == "active", s.last_activity_at < idle_before)
            .limit(BATCH)
        ).scalars()
        for session_id in list(idling):
            conn.execute(sa.update(agent_sessions).where(s.id == session_id).values(status="idle"))
            announce(conn, events, session_id, "idle")
            changed += 1
    return changed


async def sweep_once(platform: Platform, now: datetime | None = None) -> int:
    async with platform.store.transaction() as tx:
        changed: int = await tx.unit(
            partial(sweep, settings=platform.settings, now=now or utcnow())
        )
    return changed


async def sweep_periodically(platform: Platform) -> None:
    while True:
        try:
            await sweep_once(platform)
        except Exception:
            log.exception("the sessions' liveness pass failed; retrying next interval")
        await anyio.sleep(platform.settings.sessions_sweep_seconds)
