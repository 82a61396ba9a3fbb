"""Session state: a JSON object per (agent, namespace), upserted with a version that counts the
writes (1 on the first) and an optional TTL. A row past its expiry is treated as missing and
deleted by whichever read or write finds it."""

from __future__ import annotations

import json
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.agents.continuity_access import access_own_agent
from server_core.features.agents.continuity_schemas import (
    AgentState,
    PutStateRequest,
    StateQuery,
    StateSaved,
)
from server_core.features.agents.errors import NoState, StateTooLarge
from server_core.features.agents.tables import agent_state
from server_core.kernel.auth import Caller
from server_core.kernel.clock import as_utc, utcnow
from server_core.kernel.events import Event

MAX_STATE_BYTES = 32 * 1024


def do_put_state(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    agent_id: str,
    request: PutStateRequest,
) -> StateSaved:
    agent = access_own_agent(conn, caller, agent_id)
    # Measured as compact UTF-8 JSON, the way it is stored.
    size = len(json.dumps(request.state, separators=(",", ":"), ensure_ascii=False).encode())
    if size > MAX_STATE_BYTES:
        raise StateTooLarge(details={"bytes": size, "limit": MAX_STATE_BYTES})
    now = utcnow()
    expires_at = now + timedelta(seconds=request.ttl_seconds) if request.ttl_seconds else None
    current = live_state(conn, agent["id"], request.namespace, lock=True)
    values = {"state": request.state, "updated_at": now, "expires_at": expires_at}
    if current is None:
        version = 1
        conn.execute(
            sa.insert(agent_state).values(
                agent_id=agent["id"],
                namespace=request.namespace,
                workspace_id=agent["workspace_id"],
                version=version,
                **values,
            )
        )
    else:
        version = current["version"] + 1
        conn.execute(
            sa.update(agent_state)
            .where(_key(agent["id"], request.namespace))
            .values(version=version, **values)
        )
    return StateSaved(
        namespace=request.namespace, version=version, updated_at=now, expires_at=expires_at
    )


def do_get_state(
    conn: Connection, events: list[Event], *, caller: Caller, agent_id: str, query: StateQuery
) -> AgentState:
    """A write transaction: finding the state expired deletes it."""
    agent = access_own_agent(conn, caller, agent_id)
    row = live_state(conn, agent["id"], query.namespace)
    if row is None:
        raise NoState(f"No state in namespace '{query.namespace}' (or it has expired)")
    return state_view(row)


def do_delete_state(
    conn: Connection, events: list[Event], *, caller: Caller, agent_id: str, query: StateQuery
) -> AgentState:
    """Answers the state it removed; 404 when there was none (or it had expired), as GET."""
    agent = access_own_agent(conn, caller, agent_id)
    row = live_state(conn, agent["id"], query.namespace, lock=True)
    if row is None:
        raise NoState(f"No state in namespace '{query.namespace}' (or it has expired)")
    conn.execute(sa.delete(agent_state).where(_key(agent["id"], query.namespace)))
    return state_view(row)


def live_state(
    conn: Connection, agent_id: str, namespace: str, *, lock: bool = False, clean: bool = True
) -> RowMapping | None:
    """The namespace's row unless missing or expired; an expired one is deleted here unless
    `clean` is false (in a read transaction). A write after expiry starts again at version 1."""
    statement = sa.select(agent_state).where(_key(agent_id, namespace))
    if lock:
        statement = statement.with_for_update()
    row = conn.execute(statement).mappings().first()
    if row is None:
        return None
    if row["expires_at"] is not None and as_utc(row["expires_at"]) <= utcnow():
        if clean:
            conn.execute(sa.delete(agent_state).where(_key(agent_id, namespace)))
        return None
    return row


def state_view(row: RowMapping) -> AgentState:
    return AgentState(
        namespace=row["namespace"],
        state=row["state"],
        version=row["version"],
        updated_at=as_utc(row["updated_at"]),
        expires_at=as_utc(row["expires_at"]) if row["expires_at"] is not None else None,
    )


def _key(agent_id: str, namespace: str) -> sa.ColumnElement[bool]:
    return sa.and_(agent_state.c.agent_id == agent_id, agent_state.c.namespace == namespace)
