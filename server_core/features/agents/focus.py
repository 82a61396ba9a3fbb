"""The task an agent is focused on. Setting it needs a task assigned to the agent; switching
from one task to another logs a `progress` entry on the task left. When the focused task is
done, by whatever path, focus moves on to the task `GET /tasks/next` would give the agent, or
is cleared when there is none (`advance_focus`, called where every status change passes)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.features.agents.continuity_access import access_own_agent, as_caller
from server_core.features.agents.continuity_schemas import FocusRequest
from server_core.features.agents.errors import TaskNotAssigned
from server_core.features.agents.tables import agent_focus
from server_core.features.tasks.access import access_task, key_of, task_view
from server_core.features.tasks.history import log_activity
from server_core.features.tasks.queries import next_task
from server_core.features.tasks.schemas import Task
from server_core.features.tasks.tables import task_assignees
from server_core.kernel.auth import Caller
from server_core.kernel.clock import utcnow
from server_core.kernel.events import Event
from server_core.kernel.store.tables import principals


def do_set_focus(
    conn: Connection, events: list[Event], *, caller: Caller, agent_id: str, request: FocusRequest
) -> Task | None:
    """The focused task with its context, or null when cleared."""
    agent = access_own_agent(conn, caller, agent_id)
    current = focused_task_id(conn, agent["id"])
    if request.task_id is None:
        conn.execute(sa.delete(agent_focus).where(agent_focus.c.agent_id == agent["id"]))
        return None
    task = access_task(conn, caller, request.task_id)
    assigned = conn.execute(
        sa.select(task_assignees.c.task_id).where(
            task_assignees.c.task_id == task["id"], task_assignees.c.principal_id == agent["id"]
        )
    ).first()
    if assigned is None:
        raise TaskNotAssigned(f"{key_of(task['number'])} is not assigned to @{agent['handle']}")
    if current == task["id"]:
        return task_view(conn, task)
    now = utcnow()
    if current is None:
        conn.execute(
            sa.insert(agent_focus).values(
                agent_id=agent["id"],
                workspace_id=agent["workspace_id"],
                task_id=task["id"],
                focused_at=now,
            )
        )
    else:
        conn.execute(
            sa.update(agent_focus)
            .where(agent_focus.c.agent_id == agent["id"])
            .values(task_id=task["id"], focused_at=now)
        )
        message = f"Focus switched to {key_of(task['number'])}"
        log_activity(conn, current, "progress", message, caller.principal_id, now)
    return task_view(conn, task)


def focused_task_id(conn: Connection, agent_id: str) -> str | None:
    found: str | None = conn.execute(
        sa.select(agent_focus.c.task_id).where(agent_focus.c.agent_id == agent_id)
    ).scalar()
    return found


def advance_focus(conn: Connection, task_id: str, at: datetime) -> None:
    """Move every agent focused on `task_id` (just done) to its next task, or clear it."""
    focused = conn.execute(
        sa.select(principals)
        .join(agent_focus, agent_focus.c.agent_id == principals.c.id)
        .where(agent_focus.c.task_id == task_id)
    ).mappings()
    for agent in list(focused):
        following = next_task(conn, caller=as_caller(agent))
        where = agent_focus.c.agent_id == agent["id"]
        if following is None:
            conn.execute(sa.delete(agent_focus).where(where))
        else:
            conn.execute(
                sa.update(agent_focus).where(where).values(task_id=following.id, focused_at=at)
            )
