"""`GET /agents/:id/wake`: everything an agent needs on a cold start, in one read — who it is
and what it is focused on, its tasks by status with their context, upcoming schedule events,
channels with unread messages, its default state and its pinned memories."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.features.agents.continuity_access import access_own_agent, as_caller
from server_core.features.agents.continuity_schemas import (
    DEFAULT_NAMESPACE,
    UnreadChannel,
    Wake,
    WakeAgent,
    WakeChannels,
    WakeMemories,
    WakeSchedule,
    WakeTasks,
)
from server_core.features.agents.focus import focused_task_id
from server_core.features.agents.memory import pinned_memories
from server_core.features.agents.state import live_state, state_view
from server_core.features.messaging.tables import channel_members, channels, messages
from server_core.features.schedule.upcoming import upcoming_for
from server_core.features.tasks.queries import get_task, my_tasks
from server_core.features.tasks.schemas import MineQuery, Task
from server_core.kernel.auth import Caller
from server_core.kernel.clock import utcnow

WAKE_STATUSES = ("active", "blocked", "todo")


def wake(conn: Connection, *, caller: Caller, agent_id: str) -> Wake:
    agent = access_own_agent(conn, caller, agent_id)
    now = utcnow()
    as_agent = as_caller(agent)
    # Most urgent first, as /tasks/mine lists them.
    assigned = my_tasks(conn, caller=as_agent, query=MineQuery(status=",".join(WAKE_STATUSES)))
    by_status: dict[str, list[Task]] = {status: [] for status in WAKE_STATUSES}
    for task in assigned:
        by_status[task.status].append(task)
    focus_id = focused_task_id(conn, agent["id"])
    focused = next((task for task in assigned if task.id == focus_id), None)
    if focus_id is not None and focused is None:  # focused on a task in another status
        focused = get_task(conn, caller=as_agent, task_id=focus_id)
    # A read: expired state shows as none here and is deleted by the next state read or write.
    state = live_state(conn, agent["id"], DEFAULT_NAMESPACE, clean=False)
    return Wake(
        agent=WakeAgent(
            id=agent["id"],
            handle=agent["handle"],
            display_name=agent["display_name"],
            focused_task_id=focus_id,
        ),
        focused_task=focused,
        tasks=WakeTasks(**by_status),
        schedule=WakeSchedule(upcoming=upcoming_for(conn, agent["id"], now)),
        channels=WakeChannels(unread=_unread_channels(conn, as_agent)),
        state=state_view(state) if state is not None else None,
        memories=WakeMemories(pinned=pinned_memories(conn, agent["id"])),
        server_time=now,
    )


def _unread_channels(conn: Connection, agent: Caller) -> list[UnreadChannel]:
    """The agent's channels with unread messages, counted as messaging counts them (messages
    after its read position, not its own, not deleted; archived channels left out), in one
    query: membership, channel and count together."""
    member = channel_members.c
    rows = conn.execute(
        sa.select(channels.c.id, channels.c.name, channels.c.kind, sa.func.count())
        .select_from(channel_members)
        .join(channels, channels.c.id == member.channel_id)
        .join(
            messages,
            sa.and_(
                messages.c.channel_id == member.channel_id, messages.c.seq > member.last_read_seq
            ),
        )
        .where(
            member.principal_id == agent.principal_id,
            channels.c.is_archived.is_(False),
            messages.c.sender_id != agent.principal_id,
            messages.c.is_deleted.is_(False),
        )
        .group_by(channels.c.id, channels.c.name, channels.c.kind)
        .order_by(channels.c.name, channels.c.id)
    ).all()
    return [
        UnreadChannel(channel_id=channel_id, name=name, kind=kind, unread_count=count)
        for channel_id, name, kind, count in rows
    ]
