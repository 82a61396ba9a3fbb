"""Finding sessions by text: title, summary, current task, attributes and the first message a
user sent. Message bodies are sealed at rest, so they are not searched: the first user message
is kept in clear for previews and search (written in `docs/api-notes.md`)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.features.sessions.access import session_views, visible
from server_core.features.sessions.schemas import SearchQuery, Session
from server_core.features.sessions.sessions import s
from server_core.features.sessions.tables import agent_sessions
from server_core.kernel.auth import Caller

_SEARCHED = (s.title, s.summary, s.current_task, s.first_user_message, s.external_id)


def _matches(word: str) -> sa.ColumnElement[bool]:
    needle = word.lower()
    columns = [sa.func.lower(column).contains(needle, autoescape=True) for column in _SEARCHED]
    attributes = sa.func.lower(sa.cast(s.attributes, sa.Text))
    return sa.or_(*columns, attributes.contains(needle, autoescape=True))


def search_sessions(conn: Connection, *, caller: Caller, query: SearchQuery) -> list[Session]:
    """Sessions whose text holds every word of `q`, most recently active first."""
    statement = sa.select(agent_sessions).where(visible(caller))
    if query.status == "live":
        statement = statement.where(s.status.in_(("discovered", "active", "idle")))
    elif query.status != "all":
        statement = statement.where(s.status == query.status)
    if query.is_imported is not None:
        statement = statement.where(s.is_imported.is_(query.is_imported))
    for word in query.q.split()[:10]:
        statement = statement.where(_matches(word))
    statement = statement.order_by(s.last_activity_at.desc(), s.id.desc()).limit(query.limit)
    rows = conn.execute(statement).mappings().all()
    return session_views(conn, rows, preview=True)
