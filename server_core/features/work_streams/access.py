"""Finding the work streams the caller may see or change, and reading them as wire models.

Anyone in the workspace sees a stream without a channel; a stream linked to a channel is seen
by that channel's members, its owner and the workspace's admins (it shows the channel's work,
and its events go to those members only; admins oversee every stream, so they can finish one
left running). Output is appended by the owner; the owner or a workspace admin changes and
finishes it."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.messaging.tables import channel_members
from server_core.features.work_streams.errors import WorkStreamFinished
from server_core.features.work_streams.schemas import OnComplete, WorkStream
from server_core.features.work_streams.tables import work_streams
from server_core.kernel.auth import Caller
from server_core.kernel.clock import as_utc
from server_core.kernel.errors import Forbidden, NotFound
from server_core.kernel.ids import parse_id

ws = work_streams.c


def visible(caller: Caller) -> Any:
    """The condition a stream the caller may see meets."""
    member_of = sa.select(channel_members.c.channel_id).where(
        channel_members.c.principal_id == caller.principal_id
    )
    if caller.is_admin:
        return ws.workspace_id == caller.workspace_id
    return sa.and_(
        ws.workspace_id == caller.workspace_id,
        ws.channel_id.is_(None)
        | ws.channel_id.in_(member_of)
        | (ws.principal_id == caller.principal_id),
    )


def access_stream(
    conn: Connection, caller: Caller, stream_id: str, *, lock: bool = False
) -> RowMapping:
    """The stream `stream_id` the caller may see, or 404."""
    canonical = parse_id(stream_id)
    row = None
    if canonical is not None:
        query = sa.select(work_streams).where(ws.id == canonical, visible(caller))
        row = conn.execute(query.with_for_update() if lock else query).mappings().first()
    if row is None:
        raise NotFound(f"No work stream '{stream_id}' in this workspace")
    return row


def check_owner(caller: Caller, stream: RowMapping) -> None:
    if stream["principal_id"] != caller.principal_id:
        raise Forbidden("Only the work stream's owner may append its output")


def check_can_change(caller: Caller, stream: RowMapping) -> None:
    if caller.is_admin or stream["principal_id"] == caller.principal_id:
        return
    raise Forbidden("Only the work stream's owner or a workspace admin may change it")


def check_running(stream: RowMapping) -> None:
    if stream["status"] != "running":
        raise WorkStreamFinished(f"The work stream is {stream['status']} already")


def reload(conn: Connection, stream_id: str) -> RowMapping:
    return conn.execute(sa.select(work_streams).where(ws.id == stream_id)).mappings().one()


def stream_view(row: RowMapping) -> WorkStream:
    fields = {name: row[name] for name in WorkStream.model_fields if name in row}
    for name in ("created_at", "updated_at", "finished_at"):
        fields[name] = as_utc(row[name]) if row[name] is not None else None
    fields["on_complete"] = OnComplete.model_validate(row["on_complete"] or {})
    return WorkStream(**fields)
