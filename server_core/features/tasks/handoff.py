"""Handing a task to someone else, and reading the latest handoff.

A handoff makes the recipient the task's only assignee, applies the context update it brings
(as PATCH …/context does), logs a `handoff` activity entry whose metadata keeps everything
the recipient needs (reason, summary, instructions, state, priority), publishes the task with
action `handoff`, and DMs the recipient unless `notify` is false.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.tasks.access import access_task, reload
from server_core.features.tasks.context import apply_context
from server_core.features.tasks.events import task_event
from server_core.features.tasks.history import log_activity
from server_core.features.tasks.notifications import headline, notify
from server_core.features.tasks.schemas import Handoff, HandoffRequest
from server_core.features.tasks.tables import task_activity, task_assignees, tasks
from server_core.kernel.auth import Caller
from server_core.kernel.clock import utcnow
from server_core.kernel.errors import Conflict, NotFound
from server_core.kernel.events import Event
from server_core.kernel.keyring import Keyring
from server_core.kernel.principals import access_principal
from server_core.kernel.store.tables import principals


def do_handoff(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    keyring: Keyring,
    task_id: str,
    request: HandoffRequest,
) -> Handoff:
    task = access_task(conn, caller, task_id, lock=True)
    recipient = _recipient(conn, caller, request)
    now = utcnow()
    conn.execute(sa.delete(task_assignees).where(task_assignees.c.task_id == task["id"]))
    conn.execute(
        sa.insert(task_assignees).values(
            task_id=task["id"], principal_id=recipient["id"], assigned_at=now
        )
    )
    conn.execute(sa.update(tasks).where(tasks.c.id == task["id"]).values(updated_at=now))
    if request.context_update is not None:
        sent = request.context_update.model_dump(
            by_alias=False, include=request.context_update.model_fields_set
        )
        apply_context(conn, task, lambda current: {**current, **sent}, caller.principal_id)
    details = {
        "fromId": caller.principal_id,
        "fromHandle": caller.handle,
        "toId": recipient["id"],
        "toHandle": recipient["handle"],
        "reason": request.reason,
        "summary": request.summary,
        "instructions": request.instructions,
        "state": request.state,
        "priority": request.priority,
    }
    entry = log_activity(
        conn, task["id"], "handoff", request.reason, caller.principal_id, now, details
    )
    events.append(task_event(reload(conn, task["id"]), "handoff"))
    if request.notify:
        urgency = f" ({request.priority})" if request.priority else ""
        text = (
            f"{headline(task)} — Handed off to you by @{caller.handle}{urgency}: {request.reason}"
        )
        if request.instructions:
            text += f"\nNext: {request.instructions}"
        notify(conn, events, keyring, caller, [recipient["id"]], text)
    return _handoff(entry.id, task["id"], details, entry.created_at)


def latest_handoff(conn: Connection, *, caller: Caller, task_id: str) -> Handoff | None:
    """The task's most recent handoff, or null when it was never handed off."""
    task = access_task(conn, caller, task_id)
    row = (
        conn.execute(
            sa.select(task_activity)
            .where(task_activity.c.task_id == task["id"], task_activity.c.type == "handoff")
            .order_by(task_activity.c.created_at.desc(), task_activity.c.id.desc())
            .limit(1)
        )
        .mappings()
        .first()
    )
    if row is None:
        return None
    return _handoff(row["id"], task["id"], row["meta"], row["created_at"])


def _recipient(conn: Connection, caller: Caller, request: HandoffRequest) -> RowMapping:
    recipient: RowMapping | None
    if request.to_id is not None:
        recipient = access_principal(conn, caller, request.to_id)
    else:
        handle = (request.to_handle or "").removeprefix("@").lower()
        recipient = (
            conn.execute(
                sa.select(principals).where(
                    principals.c.workspace_id == caller.workspace_id, principals.c.handle == handle
                )
            )
            .mappings()
            .first()
        )
    if recipient is None:
        raise NotFound(f"No principal @{request.to_handle} in this workspace")
    if not recipient["is_active"]:
        raise Conflict(f"@{recipient['handle']} is archived and cannot take work")
    return recipient


def _handoff(entry_id: str, task_id: str, details: dict[str, Any], at: Any) -> Handoff:
    return Handoff.model_validate(
        {
            "id": entry_id,
            "task_id": task_id,
            "from_id": details.get("fromId"),
            "from_handle": details.get("fromHandle"),
            "to_id": details["toId"],
            "to_handle": details["toHandle"],
            "reason": details["reason"],
            "summary": details.get("summary"),
            "instructions": details.get("instructions"),
            "state": details.get("state") or {},
            "priority": details.get("priority"),
            "created_at": at,
        }
    )
