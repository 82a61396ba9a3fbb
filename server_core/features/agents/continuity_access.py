"""Who may read and write an agent's state, focus and memory, and wake it: the agent itself,
its owner, and the workspace's admins. Anyone else of the workspace gets 403; another
workspace's agent does not exist here (404)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.agents.service import access_agent
from server_core.kernel.auth import Caller, caller_from_row
from server_core.kernel.errors import Forbidden
from server_core.kernel.store.tables import principals


def access_own_agent(
    conn: Connection, caller: Caller, agent_id: str, *, lock: bool = False
) -> RowMapping:
    """The agent `agent_id` names, if the caller may act for it. `lock` holds the agent's row
    until the transaction ends, so that writes counted per agent (memory) take turns."""
    agent = access_agent(conn, caller, agent_id)
    allowed = agent["id"] == caller.principal_id or (
        caller.is_human and (caller.is_admin or agent["owner_id"] == caller.principal_id)
    )
    if not allowed:
        raise Forbidden("Only the agent itself, its owner or a workspace admin may do this")
    if lock and conn.dialect.name == "postgresql":  # SQLite has one writer
        conn.execute(
            sa.select(principals.c.id).where(principals.c.id == agent["id"]).with_for_update()
        )
    return agent


def as_caller(agent: RowMapping) -> Caller:
    """The agent as the caller of a read made on its behalf (its tasks, its unread counts)."""
    return caller_from_row(agent, "api_key")
