"""What an agent can do: capabilities named `namespace.name`, listed by anyone of the
workspace and changed by the agent itself or a human who manages it (its owner or an admin).

`PUT` replaces the whole set in one transaction; `POST` of a (namespace, name) the agent
already has updates that capability in place (registering again is harmless).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.agents.schemas import (
    Capability,
    CapabilityRequest,
    SetCapabilitiesRequest,
)
from server_core.features.agents.service import access_agent, check_can_manage
from server_core.features.agents.tables import agent_capabilities
from server_core.kernel.auth import Caller
from server_core.kernel.clock import utcnow
from server_core.kernel.errors import BadRequest, NotFound
from server_core.kernel.events import Event
from server_core.kernel.ids import new_id, parse_id

ORDER = (agent_capabilities.c.namespace, agent_capabilities.c.name)


def access_own_agent(conn: Connection, caller: Caller, agent_id: str) -> RowMapping:
    """An agent the caller speaks for: the agent itself, or its owner or an admin."""
    agent = access_agent(conn, caller, agent_id)
    if agent["id"] != caller.principal_id:
        check_can_manage(caller, agent)
    return agent


def capabilities_of(conn: Connection, agent_ids: Sequence[str]) -> dict[str, list[Capability]]:
    """Each agent's capabilities, by namespace then name (one query)."""
    found: dict[str, list[Capability]] = {agent_id: [] for agent_id in agent_ids}
    if not agent_ids:
        return found
    rows = conn.execute(
        sa.select(agent_capabilities)
        .where(agent_capabilities.c.agent_id.in_(list(agent_ids)))
        .order_by(*ORDER)
    ).mappings()
    for row in rows:
        found[row["agent_id"]].append(Capability.model_validate(row))
    return found


def list_capabilities(conn: Connection, *, caller: Caller, agent_id: str) -> list[Capability]:
    agent = access_agent(conn, caller, agent_id)
    return capabilities_of(conn, [agent["id"]])[agent["id"]]


def _values(request: CapabilityRequest) -> dict[str, Any]:
    return request.model_dump(by_alias=False)


def do_set_capabilities(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    agent_id: str,
    request: SetCapabilitiesRequest,
) -> list[Capability]:
    agent = access_own_agent(conn, caller, agent_id)
    _check_distinct(request.capabilities)
    now = utcnow()
    conn.execute(sa.delete(agent_capabilities).where(agent_capabilities.c.agent_id == agent["id"]))
    if request.capabilities:
        conn.execute(
            sa.insert(agent_capabilities),
            [
                {
                    **_values(item),
                    "id": new_id(),
                    "agent_id": agent["id"],
                    "workspace_id": agent["workspace_id"],
                    "created_at": now,
                    "updated_at": now,
                }
                for item in request.capabilities
            ],
        )
    return capabilities_of(conn, [agent["id"]])[agent["id"]]


def _check_distinct(items: Iterable[CapabilityRequest]) -> None:
    seen: set[tuple[str, str]] = set()
    for item in items:
        key = (item.namespace, item.name)
        if key in seen:
            raise BadRequest(f"capabilities: '{item.namespace}.{item.name}' is listed twice")
        seen.add(key)


def do_add_capability(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    agent_id: str,
    request: CapabilityRequest,
) -> Capability:
    agent = access_own_agent(conn, caller, agent_id)
    now = utcnow()
    key = (
        agent_capabilities.c.agent_id == agent["id"],
        agent_capabilities.c.namespace == request.namespace,
        agent_capabilities.c.name == request.name,
    )
    changed = conn.execute(
        sa.update(agent_capabilities).where(*key).values(**_values(request), updated_at=now)
    ).rowcount
    if not changed:
        conn.execute(
            sa.insert(agent_capabilities).values(
                **_values(request),
                id=new_id(),
                agent_id=agent["id"],
                workspace_id=agent["workspace_id"],
                created_at=now,
                updated_at=now,
            )
        )
    row = conn.execute(sa.select(agent_capabilities).where(*key)).mappings().one()
    return Capability.model_validate(row)


def do_remove_capability(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    agent_id: str,
    capability_id: str,
) -> Capability:
    agent = access_own_agent(conn, caller, agent_id)
    canonical = parse_id(capability_id)
    row = (
        conn.execute(
            sa.select(agent_capabilities).where(
                agent_capabilities.c.id == canonical, agent_capabilities.c.agent_id == agent["id"]
            )
        )
        .mappings()
        .first()
        if canonical
        else None
    )
    if row is None:
        raise NotFound(f"The agent has no capability with id '{capability_id}'")
    conn.execute(sa.delete(agent_capabilities).where(agent_capabilities.c.id == row["id"]))
    return Capability.model_validate(row)
