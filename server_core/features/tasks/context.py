"""A task's context block: read it, replace it (PUT), change some fields (PATCH), append to its
lists. A change that changes something is logged as `context_update` activity naming the
fields, and publishes the task as `updated`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from pydantic.alias_generators import to_camel
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.tasks.access import access_task, reload
from server_core.features.tasks.events import task_event
from server_core.features.tasks.history import log_activity
from server_core.features.tasks.schemas import (
    CONTEXT_FIELDS,
    AppendContextRequest,
    ContextFields,
    TaskContext,
)
from server_core.features.tasks.tables import tasks
from server_core.features.tasks.tasks import context_snapshot
from server_core.kernel.auth import Caller
from server_core.kernel.clock import utcnow
from server_core.kernel.events import Event


def get_context(conn: Connection, *, caller: Caller, task_id: str) -> TaskContext | None:
    """The context block, or null when none was set."""
    context = access_task(conn, caller, task_id)["context"]
    return TaskContext.model_validate(context) if context is not None else None


def do_set_context(
    conn: Connection, events: list[Event], *, caller: Caller, task_id: str, request: ContextFields
) -> TaskContext:
    return _change(conn, events, caller, task_id, lambda _: request.model_dump(by_alias=False))


def do_update_context(
    conn: Connection, events: list[Event], *, caller: Caller, task_id: str, request: ContextFields
) -> TaskContext:
    sent = request.model_dump(by_alias=False, include=request.model_fields_set)
    return _change(conn, events, caller, task_id, lambda current: {**current, **sent})


def do_append_context(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    task_id: str,
    request: AppendContextRequest,
) -> TaskContext:
    """Add entries at the end of the lists given (creating the block when there is none)."""
    added = request.model_dump(by_alias=False, exclude_none=True)

    def appended(current: dict[str, Any]) -> dict[str, Any]:
        return {**current, **{name: current[name] + items for name, items in added.items()}}

    return _change(conn, events, caller, task_id, appended)


def _change(
    conn: Connection,
    events: list[Event],
    caller: Caller,
    task_id: str,
    new_context: Callable[[dict[str, Any]], dict[str, Any]],
) -> TaskContext:
    task = access_task(conn, caller, task_id, lock=True)
    context, changed = apply_context(conn, task, new_context, caller.principal_id)
    if changed:
        events.append(task_event(reload(conn, task["id"]), "updated"))
    return TaskContext.model_validate(context)


def apply_context(
    conn: Connection,
    task: RowMapping,
    new_context: Callable[[dict[str, Any]], dict[str, Any]],
    author_id: str,
) -> tuple[dict[str, Any], list[str]]:
    """Write the context `new_context` makes of the current one and log what changed; the
    context and the fields it changed (none: nothing written)."""
    current = context_snapshot(task["context"] or {})
    context = context_snapshot(new_context(current))
    # Named as on the wire (relevantFiles), in the activity clients read.
    changed = [to_camel(name) for name in CONTEXT_FIELDS if context[name] != current[name]]
    if task["context"] is not None and not changed:
        return context, []
    now = utcnow()
    conn.execute(
        sa.update(tasks).where(tasks.c.id == task["id"]).values(context=context, updated_at=now)
    )
    fields = ", ".join(changed) or "none"
    log_activity(
        conn,
        task["id"],
        "context_update",
        f"Context updated: {fields}",
        author_id,
        now,
        {"fields": changed},
    )
    return context, changed or ["created"]
