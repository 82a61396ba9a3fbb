"""Long-term memory: entries upserted by (category, key), listed and searched, counted by
category. Each entry's content is at most 4 KB of UTF-8 and an agent's entries at most 512 KB
together, counted after the write (an overwrite gives back the old entry's bytes first). Writes
to one agent's memory take turns on the agent's row, so concurrent writes cannot both fit in
room there is only for one."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.agents.continuity_access import access_own_agent
from server_core.features.agents.continuity_schemas import (
    AgentMemory,
    CategorySummary,
    MemoryQuery,
    PutMemoryRequest,
)
from server_core.features.agents.errors import MemoryEntryTooLarge, MemoryFull
from server_core.features.agents.tables import agent_memory
from server_core.kernel.auth import Caller
from server_core.kernel.clock import as_utc, utcnow
from server_core.kernel.errors import NotFound
from server_core.kernel.events import Event
from server_core.kernel.ids import new_id, parse_id

MAX_ENTRY_BYTES = 4 * 1024
MAX_TOTAL_BYTES = 512 * 1024


def do_put_memory(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    agent_id: str,
    request: PutMemoryRequest,
) -> AgentMemory:
    agent = access_own_agent(conn, caller, agent_id, lock=True)
    size = len(request.content.encode())
    if size > MAX_ENTRY_BYTES:
        raise MemoryEntryTooLarge(details={"bytes": size, "limit": MAX_ENTRY_BYTES})
    where = sa.and_(
        agent_memory.c.agent_id == agent["id"],
        agent_memory.c.category == request.category,
        agent_memory.c.key == request.key,
    )
    current = conn.execute(sa.select(agent_memory).where(where)).mappings().first()
    used: int = conn.execute(
        sa.select(sa.func.coalesce(sa.func.sum(agent_memory.c.size), 0)).where(
            agent_memory.c.agent_id == agent["id"]
        )
    ).scalar_one()
    total = used - (current["size"] if current is not None else 0) + size
    if total > MAX_TOTAL_BYTES:
        raise MemoryFull(details={"bytes": total, "limit": MAX_TOTAL_BYTES})
    now = utcnow()
    values = {"content": request.content, "size": size, "pinned": request.pinned, "updated_at": now}
    if current is None:
        conn.execute(
            sa.insert(agent_memory).values(
                id=new_id(),
                agent_id=agent["id"],
                workspace_id=agent["workspace_id"],
                category=request.category,
                key=request.key,
                created_at=now,
                **values,
            )
        )
    else:
        conn.execute(sa.update(agent_memory).where(where).values(**values))
    return memory_view(conn.execute(sa.select(agent_memory).where(where)).mappings().one())


def list_memories(
    conn: Connection, *, caller: Caller, agent_id: str, query: MemoryQuery
) -> list[AgentMemory]:
    """Most recently written first."""
    agent = access_own_agent(conn, caller, agent_id)
    statement = sa.select(agent_memory).where(agent_memory.c.agent_id == agent["id"])
    if query.category is not None:
        statement = statement.where(agent_memory.c.category == query.category)
    if query.pinned is not None:
        statement = statement.where(agent_memory.c.pinned.is_(query.pinned))
    if query.q:
        pattern = "%" + _escape_like(query.q) + "%"
        statement = statement.where(
            agent_memory.c.content.ilike(pattern, escape="\\")
            | agent_memory.c.key.ilike(pattern, escape="\\")
        )
    rows = conn.execute(
        statement.order_by(agent_memory.c.updated_at.desc(), agent_memory.c.id.desc()).limit(
            query.limit
        )
    ).mappings()
    return [memory_view(row) for row in rows]


def pinned_memories(conn: Connection, agent_id: str) -> list[AgentMemory]:
    rows = conn.execute(
        sa.select(agent_memory)
        .where(agent_memory.c.agent_id == agent_id, agent_memory.c.pinned.is_(True))
        .order_by(agent_memory.c.updated_at.desc(), agent_memory.c.id.desc())
    ).mappings()
    return [memory_view(row) for row in rows]


def memory_categories(conn: Connection, *, caller: Caller, agent_id: str) -> list[CategorySummary]:
    """The categories in use, by name, with their entry counts."""
    agent = access_own_agent(conn, caller, agent_id)
    rows = conn.execute(
        sa.select(agent_memory.c.category, sa.func.count().label("n"))
        .where(agent_memory.c.agent_id == agent["id"])
        .group_by(agent_memory.c.category)
        .order_by(agent_memory.c.category)
    ).mappings()
    return [CategorySummary(category=row["category"], count=row["n"]) for row in rows]


def do_delete_memory(
    conn: Connection, events: list[Event], *, caller: Caller, agent_id: str, memory_id: str
) -> AgentMemory:
    """Answers the entry it removed."""
    agent = access_own_agent(conn, caller, agent_id)
    where = sa.and_(
        agent_memory.c.id == (parse_id(memory_id) or ""), agent_memory.c.agent_id == agent["id"]
    )
    row = conn.execute(sa.select(agent_memory).where(where)).mappings().first()
    if row is None:
        raise NotFound(f"No memory entry '{memory_id}' for this agent")
    conn.execute(sa.delete(agent_memory).where(where))
    return memory_view(row)


def memory_view(row: RowMapping) -> AgentMemory:
    return AgentMemory(
        id=row["id"],
        agent_id=row["agent_id"],
        category=row["category"],
        key=row["key"],
        content=row["content"],
        pinned=row["pinned"],
        created_at=as_utc(row["created_at"]),
        updated_at=as_utc(row["updated_at"]),
    )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
