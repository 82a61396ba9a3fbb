"""Work streams: starting one (its status message posted to its channel), listing and
reading them, and changing or finishing one.

A stream starts `running`. PATCH changes its title or finishes it — `completed`, `failed` or
`cancelled` — with an optional `resultSummary`; a finished stream changes no more (409
`work_stream_finished`), so the onComplete chain (`completion.py`) runs exactly once, in the
finishing transaction."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.features.messaging.channels import access_member_channel
from server_core.features.messaging.messages import post_system_message
from server_core.features.tasks.access import access_task
from server_core.features.work_streams.access import (
    access_stream,
    check_can_change,
    check_running,
    reload,
    stream_view,
    visible,
)
from server_core.features.work_streams.completion import finish, refresh_message, status_text
from server_core.features.work_streams.events import StreamAction, stream_event
from server_core.features.work_streams.schemas import (
    CreateWorkStreamRequest,
    OnComplete,
    UpdateWorkStreamRequest,
    WorkStream,
    WorkStreamsQuery,
)
from server_core.features.work_streams.tables import work_streams
from server_core.kernel.auth import Caller
from server_core.kernel.clock import utcnow
from server_core.kernel.errors import NotFound, ValidationFailed
from server_core.kernel.events import Event
from server_core.kernel.ids import new_id, parse_id
from server_core.kernel.keyring import Keyring
from server_core.kernel.principals import access_principal

ws = work_streams.c


def list_streams(conn: Connection, *, caller: Caller, query: WorkStreamsQuery) -> list[WorkStream]:
    """Newest first."""
    statement = sa.select(work_streams).where(visible(caller))
    if query.status is not None:
        statement = statement.where(ws.status == query.status)
    if query.task_id is not None:
        try:
            task_id = access_task(conn, caller, query.task_id)["id"]
        except NotFound:
            return []
        statement = statement.where(ws.task_id == task_id)
    if query.channel_id is not None:
        statement = statement.where(ws.channel_id == parse_id(query.channel_id))
    statement = statement.order_by(ws.created_at.desc(), ws.id.desc()).limit(query.limit)
    return [stream_view(row) for row in conn.execute(statement).mappings()]


def get_stream(conn: Connection, *, caller: Caller, stream_id: str) -> WorkStream:
    return stream_view(access_stream(conn, caller, stream_id))


def do_create_stream(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    keyring: Keyring,
    request: CreateWorkStreamRequest,
) -> WorkStream:
    on_complete = request.on_complete or OnComplete()
    task = access_task(conn, caller, request.task_id) if request.task_id else None
    if on_complete.auto_advance and task is None:
        raise ValidationFailed("onComplete.autoAdvance needs a taskId to advance")
    notify: Any = on_complete.notify
    if not isinstance(notify, bool):
        ids = [access_principal(conn, caller, ref)["id"] for ref in notify.principal_ids]
        notify = {"principalIds": list(dict.fromkeys(ids))}
    channel_id = None
    if request.channel_id is not None:
        access = access_member_channel(conn, caller, request.channel_id)
        access.require_active()
        channel_id = access.channel["id"]
    now = utcnow()
    stream_id = new_id()
    conn.execute(
        sa.insert(work_streams).values(
            id=stream_id,
            workspace_id=caller.workspace_id,
            principal_id=caller.principal_id,
            runner_type=request.runner_type,
            title=request.title,
            task_id=task["id"] if task is not None else None,
            channel_id=channel_id,
            message_id=None,
            status="running",
            result_summary=None,
            on_complete={"autoAdvance": on_complete.auto_advance, "notify": notify},
            last_seq=0,
            created_at=now,
            updated_at=now,
            finished_at=None,
        )
    )
    if channel_id is not None:
        stream = reload(conn, stream_id)
        message = post_system_message(
            conn,
            events,
            keyring,
            channel_id,
            caller,
            status_text(conn, stream),
            metadata={"workStreamId": stream_id, "status": "running"},
        )
        conn.execute(
            sa.update(work_streams).where(ws.id == stream_id).values(message_id=message.id)
        )
    return announce(conn, events, stream_id, "created")


def do_update_stream(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    keyring: Keyring,
    stream_id: str,
    request: UpdateWorkStreamRequest,
) -> WorkStream:
    """Only what is sent changes; a status finishes the stream and runs its onComplete."""
    stream = access_stream(conn, caller, stream_id, lock=True)
    check_can_change(caller, stream)
    check_running(stream)
    now = utcnow()
    changes: dict[str, Any] = {}
    if request.title is not None:
        changes["title"] = request.title
    if "result_summary" in request.model_fields_set:
        changes["result_summary"] = request.result_summary
    if request.status is not None:
        changes |= {"status": request.status, "finished_at": now}
    if not changes:
        return stream_view(stream)
    conn.execute(
        sa.update(work_streams).where(ws.id == stream["id"]).values(**changes, updated_at=now)
    )
    action: StreamAction = "updated"
    if request.status is not None:
        finish(conn, events, keyring, caller, reload(conn, stream["id"]))
        action = request.status
    elif "title" in changes:
        refresh_message(conn, events, keyring, reload(conn, stream["id"]))
    return announce(conn, events, stream["id"], action)


def announce(
    conn: Connection, events: list[Event], stream_id: str, action: StreamAction
) -> WorkStream:
    """The stream as it is now, announced to its channel (or the workspace)."""
    view = stream_view(reload(conn, stream_id))
    events.append(stream_event(view, action))
    return view
