"""`GET /agents/discover`: the workspace's agents that have every capability asked for.

`namespace` and `name` must hold for one same capability; each `capability=ns.name` is a
further capability the agent must also have (AND). `active` filters on the agent's state:
true (default) active agents only, false archived ones only.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.features.agents.capabilities import capabilities_of
from server_core.features.agents.schemas import DiscoveredAgent, DiscoverQuery
from server_core.features.agents.service import AGENT_KINDS
from server_core.features.agents.tables import agent_capabilities
from server_core.kernel.auth import Caller
from server_core.kernel.store.tables import principals

MAX_AGENTS = 200


def _having(namespace: str | None, name: str | None) -> sa.Exists:
    """The agent has a capability matching `namespace` and/or `name`."""
    query = sa.select(agent_capabilities.c.id).where(
        agent_capabilities.c.agent_id == principals.c.id
    )
    if namespace is not None:
        query = query.where(agent_capabilities.c.namespace == namespace)
    if name is not None:
        query = query.where(agent_capabilities.c.name == name)
    return query.exists()


def discover_agents(
    conn: Connection, *, caller: Caller, query: DiscoverQuery
) -> list[DiscoveredAgent]:
    statement = (
        sa.select(
            principals.c.id,
            principals.c.handle,
            principals.c.display_name,
            principals.c.kind,
            principals.c.is_active,
        )
        .where(
            principals.c.workspace_id == caller.workspace_id,
            principals.c.kind.in_(AGENT_KINDS),
            principals.c.is_active.is_(query.active),
        )
        .order_by(principals.c.handle)
        .limit(MAX_AGENTS)
    )
    if query.namespace is not None or query.name is not None:
        statement = statement.where(_having(query.namespace, query.name))
    for wanted in dict.fromkeys(query.capability):
        namespace, name = wanted.split(".", 1)
        statement = statement.where(_having(namespace, name))
    rows = conn.execute(statement).mappings().all()
    capabilities = capabilities_of(conn, [row["id"] for row in rows])
    return [
        DiscoveredAgent(
            id=row["id"],
            handle=row["handle"],
            display_name=row["display_name"],
            kind=row["kind"],
            is_active=bool(row["is_active"]),
            capabilities=capabilities[row["id"]],
        )
        for row in rows
    ]
