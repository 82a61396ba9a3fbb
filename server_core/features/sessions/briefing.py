"""The team briefing a session starts with (sessionStart's `additional_context`): the other
live sessions and what they work on, the files they hold with minutes left, recent decisions
on tasks, and the agent's own wake (focus, tasks, unread channels) — at most about 600 tokens
(`MAX_CHARS`), trimmed section by section."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.features.agents.wake import wake
from server_core.features.sessions.access import LIVE
from server_core.features.sessions.reservations import holder_view
from server_core.features.sessions.tables import agent_sessions, file_reservations
from server_core.features.tasks.tables import task_activity, tasks
from server_core.kernel.auth import Caller
from server_core.kernel.clock import as_utc
from server_core.kernel.errors import ApiError
from server_core.kernel.store.tables import principals

s = agent_sessions.c
r = file_reservations.c
MAX_CHARS = 2_400  # about 600 tokens
PER_SECTION = 8


def _ago(then: datetime, now: datetime) -> str:
    minutes = int((now - as_utc(then)).total_seconds() // 60)
    if minutes < 1:
        return "just now"
    if minutes < 120:
        return f"{minutes} min ago"
    return f"{minutes // 60} h ago"


def _name() -> sa.ScalarSelect[str]:
    return (
        sa.select(principals.c.display_name)
        .where(principals.c.id == sa.func.coalesce(s.user_id, s.agent_id))
        .scalar_subquery()
    )


def _active(conn: Connection, workspace_id: str, session_id: str) -> list[str]:
    rows = conn.execute(
        sa.select(_name().label("name"), s.client_id, s.adapter_name, s.current_task, s.branch)
        .where(
            s.workspace_id == workspace_id,
            s.id != session_id,
            s.status.in_(LIVE),
            s.kind.in_(("ide", "mcp")),
            s.deleted_at.is_(None),
        )
        .order_by(s.last_activity_at.desc())
        .limit(PER_SECTION)
    ).mappings()
    lines = []
    for row in rows:
        client = row["client_id"] or row["adapter_name"]
        who = f"{row['name'] or 'someone'}" + (f" ({client})" if client else "")
        task = f": {row['current_task'][:100]}" if row["current_task"] else ""
        branch = f" [{row['branch']}]" if row["branch"] else ""
        lines.append(f"  - {who}{task}{branch}")
    return lines


def _locked(conn: Connection, workspace_id: str, session_id: str, now: datetime) -> list[str]:
    rows = conn.execute(
        sa.select(file_reservations, _name().label("holder_name"), s.current_task)
        .join(agent_sessions, s.id == r.session_id)
        .where(
            r.workspace_id == workspace_id,
            r.active_path.is_not(None),
            r.expires_at > now,
            r.session_id != session_id,
        )
        .order_by(r.path)
        .limit(PER_SECTION)
    ).mappings()
    lines = []
    for row in rows:
        holder = holder_view(row, now)
        lines.append(f"  - {row['path']} ({holder.name}, {holder.minutes_left} min left)")
    return lines


def _decisions(conn: Connection, workspace_id: str, now: datetime) -> list[str]:
    rows = conn.execute(
        sa.select(task_activity.c.message, task_activity.c.created_at, principals.c.display_name)
        .join(tasks, tasks.c.id == task_activity.c.task_id)
        .outerjoin(principals, principals.c.id == task_activity.c.author_id)
        .where(tasks.c.workspace_id == workspace_id, task_activity.c.type == "decision")
        .order_by(task_activity.c.created_at.desc())
        .limit(5)
    ).mappings()
    return [
        f"  - {(row['message'] or '').strip()[:140]} "
        f"({row['display_name'] or 'someone'}, {_ago(row['created_at'], now)})"
        for row in rows
        if row["message"]
    ]


def _own(conn: Connection, caller: Caller, session_id: str) -> list[str]:
    agent_id = conn.scalar(sa.select(s.agent_id).where(s.id == session_id))
    if agent_id is None:
        return []
    try:
        woken = wake(conn, caller=caller, agent_id=agent_id)
    except ApiError:  # not the caller's own agent: its wake is not the caller's to read
        return []
    lines = []
    if woken.focused_task is not None:
        lines.append(f"  - Focus: {woken.focused_task.key} {woken.focused_task.title}")
    for task in woken.tasks.active[:3]:
        lines.append(f"  - Active: {task.key} {task.title}")
    todo = len(woken.tasks.todo)
    if todo:
        lines.append(f"  - {todo} task(s) to do")
    unread = sum(channel.unread_count for channel in woken.channels.unread)
    if unread:
        lines.append(f"  - {unread} unread message(s) in {len(woken.channels.unread)} channel(s)")
    return lines


def briefing(conn: Connection, caller: Caller, session_id: str, now: datetime) -> str:
    sections = [
        ("Active agents", _active(conn, caller.workspace_id, session_id)),
        ("Locked files", _locked(conn, caller.workspace_id, session_id, now)),
        ("Recent decisions", _decisions(conn, caller.workspace_id, now)),
        ("Your work", _own(conn, caller, session_id)),
    ]
    text = "Team briefing:"
    for title, lines in sections:
        if not lines:
            continue
        block = f"\n\n{title}:\n" + "\n".join(lines)
        while len(text) + len(block) > MAX_CHARS and lines:
            lines = lines[:-1]
            block = f"\n\n{title}:\n" + "\n".join(lines)
        if lines:
            text += block
    if text == "Team briefing:":
        text += "\n\nNo other agents are working here now and no files are reserved."
    return text
