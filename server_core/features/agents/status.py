"""Agent status and presence: what a principal is doing, broadcast to its workspace.

`PUT /agents/:id/status` and the gateway's `status` frame both land in `set_status`; the
gateway also announces `online` / `offline` as connections come and go. The wire models
(`StatusRequest`, `AgentStatus`) are in `schemas.py`.
"""

from __future__ import annotations

from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.features.agents.schemas import AgentStatus, StatusRequest
from server_core.features.agents.tables import principal_status
from server_core.kernel.auth import Caller
from server_core.kernel.clock import as_utc, utcnow
from server_core.kernel.events import Event, EventRoute


class Presence(Event):
    """Delivered to every connected client of the workspace."""

    wire_name: ClassVar[str] = "presence"
    principal_id: str
    status: str
    handle: str
    detail: str | None = None
    progress: int | None = None
    emoji: str | None = None


def presence_event(caller: Caller, request: StatusRequest) -> Presence:
    return Presence(
        principal_id=caller.principal_id,
        status=request.status,
        handle=caller.handle,
        detail=request.detail,
        progress=request.progress,
        emoji=request.emoji,
        route=EventRoute(workspace_id=caller.workspace_id),
    )


def set_status(
    conn: Connection,
    events: list[Event],
    *,
    subject: Caller,
    request: StatusRequest,
) -> AgentStatus:
    """Record `subject`'s status and announce it as a `presence` event."""
    now = utcnow()
    values = {
        "status": request.status,
        "detail": request.detail,
        "progress": request.progress,
        "emoji": request.emoji,
        "updated_at": now,
    }
    changed = conn.execute(
        sa.update(principal_status)
        .where(principal_status.c.principal_id == subject.principal_id)
        .values(**values)
    ).rowcount
    if not changed:
        conn.execute(
            sa.insert(principal_status).values(
                principal_id=subject.principal_id, workspace_id=subject.workspace_id, **values
            )
        )
    events.append(presence_event(subject, request))
    return AgentStatus(
        principal_id=subject.principal_id,
        handle=subject.handle,
        **{**values, "updated_at": as_utc(now)},
    )
