"""Channel settings, context and coordination: changed by the channel's owners and admins
(archiving by owners only), each change announced with `channel.updated`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.features.messaging.access import access_channel
from server_core.features.messaging.channels import check_future
from server_core.features.messaging.events import ChannelUpdated
from server_core.features.messaging.schemas import (
    Channel,
    LoopPrevention,
    SetContextRequest,
    SetCoordinationRequest,
    UpdateChannelRequest,
)
from server_core.features.messaging.tables import channel_context_history, channels
from server_core.features.messaging.views import channel_view
from server_core.kernel.auth import Caller
from server_core.kernel.clock import as_utc, to_wire, utcnow
from server_core.kernel.events import Event, EventRoute
from server_core.kernel.ids import new_id


def _wire_value(value: Any) -> Any:
    return to_wire(value) if isinstance(value, datetime) else value


def _publish_update(
    events: list[Event], caller: Caller, channel_id: str, changes: dict[str, Any]
) -> None:
    events.append(
        ChannelUpdated(
            channel_id=channel_id,
            changes=changes,
            route=EventRoute(workspace_id=caller.workspace_id, channel_id=channel_id),
        )
    )


_WIRE_NAMES = {
    "name": "name",
    "description": "description",
    "is_archived": "isArchived",
    "auto_archive_at": "autoArchiveAt",
    "visibility": "visibility",
}


def do_update_channel(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    channel_id: str,
    request: UpdateChannelRequest,
) -> Channel:
    """Owners and admins change settings; only owners archive or un-archive."""
    access = access_channel(conn, caller, channel_id, lock=True)
    access.require_manager("change channel settings")
    channel = access.channel
    sent = request.model_dump(exclude_unset=True, by_alias=False)
    changes: dict[str, Any] = {}
    for field, value in sent.items():
        if value is None and field not in ("auto_archive_at", "name", "description"):
            continue  # null for a required setting means "leave as is"
        if field == "auto_archive_at":
            value = check_future(value)
            current = as_utc(channel[field]) if channel[field] else None
        else:
            current = channel[field]
        if value != current:
            changes[field] = value
    if "is_archived" in changes:
        access.require_owner("archive or un-archive the channel")
    elif channel["is_archived"] and changes:
        access.require_active()  # un-archive first
    if changes:
        now = utcnow()
        extra: dict[str, Any] = {}
        if "is_archived" in changes:
            extra["archived_at"] = now if changes["is_archived"] else None
        conn.execute(
            sa.update(channels)
            .where(channels.c.id == channel["id"])
            .values(**changes, **extra, updated_at=now)
        )
        _publish_update(
            events,
            caller,
            channel["id"],
            {_WIRE_NAMES[k]: _wire_value(v) for k, v in changes.items()},
        )
    return channel_view(conn, caller, channel["id"])


def do_set_context(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    channel_id: str,
    request: SetContextRequest,
) -> Channel:
    """Replace the context; the previous version goes to the history, the version goes up."""
    access = access_channel(conn, caller, channel_id, lock=True)
    access.require_manager("change the channel context")
    access.require_active()
    channel = access.channel
    now = utcnow()
    conn.execute(
        sa.insert(channel_context_history).values(
            id=new_id(),
            channel_id=channel["id"],
            version=channel["context_version"],
            context=channel["context"],
            replaced_by=caller.principal_id,
            created_at=now,
        )
    )
    version = channel["context_version"] + 1
    conn.execute(
        sa.update(channels)
        .where(channels.c.id == channel["id"])
        .values(context=request.context, context_version=version, updated_at=now)
    )
    _publish_update(
        events, caller, channel["id"], {"context": request.context, "contextVersion": version}
    )
    return channel_view(conn, caller, channel["id"])


def do_set_coordination(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    channel_id: str,
    request: SetCoordinationRequest,
) -> Channel:
    """Set the mode and (some of) the loop-prevention limits; turn-taking starts afresh."""
    access = access_channel(conn, caller, channel_id, lock=True)
    access.require_manager("change coordination")
    access.require_active()
    channel = access.channel
    limits = LoopPrevention.model_validate(channel["loop_prevention"] or {}).model_dump(mode="json")
    if request.loop_prevention is not None:
        limits.update(request.loop_prevention.model_dump(mode="json", exclude_none=True))
    conn.execute(
        sa.update(channels)
        .where(channels.c.id == channel["id"])
        .values(
            coordination_mode=request.mode,
            loop_prevention=limits,
            turn_principal_id=None,
            floor_ids=[],
            consecutive_count=0,
            updated_at=utcnow(),
        )
    )
    _publish_update(
        events, caller, channel["id"], {"coordinationMode": request.mode, "loopPrevention": limits}
    )
    return channel_view(conn, caller, channel["id"])
