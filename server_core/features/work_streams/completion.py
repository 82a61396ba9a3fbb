"""What finishing a work stream does, in the finishing transaction:

1. `onComplete.autoAdvance`: the linked task moves through the tasks service (so auto-unblock,
   focus auto-advance, the transition log and the assignees' DMs follow) — to `done` when the
   stream completed, to `blocked` when it failed (a task already done or cancelled is left
   as it is); a cancelled stream leaves the task alone;
2. `onComplete.notify` (completed or failed only): a wake message (`deliver_wake`) for the
   owner (`true`) or each listed principal, in their control channel, with the task's full
   context — the result summary, the task's description and context block (acceptance
   criteria, decisions, constraints, files, links, notes) and its artifacts — enough to go
   on without reading anything else;
3. the stream's status message in its channel is edited (a `message.edited` event) to say how
   it ended, and its `metadata.status` follows.

The status message is edited as the stream's owner, who posted it; if the owner can no longer
edit there (it left the channel, or the channel is archived) the message stays as it was.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.agents.wake_messages import deliver_wake
from server_core.features.messaging.messages import do_edit
from server_core.features.messaging.schemas import EditMessageRequest
from server_core.features.messaging.tables import messages
from server_core.features.tasks.schemas import NotifyQuery, TaskContext, UpdateTaskRequest
from server_core.features.tasks.tables import task_activity, tasks
from server_core.features.tasks.tasks import do_update_task
from server_core.kernel.auth import Caller, caller_from_row
from server_core.kernel.errors import ApiError
from server_core.kernel.events import Event
from server_core.kernel.keyring import Keyring
from server_core.kernel.store.tables import principals

log = logging.getLogger(__name__)

ICONS = {"running": "▶️", "completed": "✅", "failed": "❌", "cancelled": "⏹️"}
VERBS = {"running": "started", "completed": "completed", "failed": "failed"}
MAX_SUMMARY = 4_000  # characters of the summary quoted in a message
MAX_ARTIFACTS = 20


def finish(
    conn: Connection, events: list[Event], keyring: Keyring, caller: Caller, stream: RowMapping
) -> None:
    """Run the onComplete chain of `stream`, just finished (its row says how)."""
    on_complete = stream["on_complete"] or {}
    status = stream["status"]
    task = _task(conn, stream["task_id"])
    if on_complete.get("autoAdvance") and task is not None:
        target = {"completed": "done", "failed": "blocked"}.get(status)
        if target is not None and task["status"] not in ("done", "cancelled"):
            do_update_task(
                conn,
                events,
                caller=caller,
                keyring=keyring,
                task_id=task["id"],
                request=UpdateTaskRequest(status=target),
                query=NotifyQuery(),
            )
            task = _task(conn, task["id"])
    notify = on_complete.get("notify")
    if notify and status in ("completed", "failed"):
        ids = [stream["principal_id"]] if notify is True else notify["principalIds"]
        text = wake_text(conn, stream, task)
        metadata = {
            "reason": "work_stream",
            "workStreamId": stream["id"],
            "workStreamTitle": stream["title"],
            "status": status,
            "resultSummary": stream["result_summary"],
            "taskId": task["id"] if task is not None else None,
        }
        for principal_id in ids:
            deliver_wake(
                conn, events, keyring, principal_id=principal_id, text=text, metadata=metadata
            )
    refresh_message(conn, events, keyring, stream)


def status_text(conn: Connection, stream: RowMapping) -> str:
    """The channel's status message for the stream as it is."""
    status = stream["status"]
    verb = VERBS.get(status, status)
    lines = [f"{ICONS.get(status, '•')} Work stream {verb}: {stream['title']}"]
    task = _task(conn, stream["task_id"])
    about = f"Runner: {stream['runner_type']}"
    if task is not None:
        about += f" · Task: T-{task['number']} {task['title']}"
    lines.append(about)
    if stream["result_summary"] and status != "running":
        lines.append(_clip(stream["result_summary"]))
    return "\n".join(lines)


def refresh_message(
    conn: Connection, events: list[Event], keyring: Keyring, stream: RowMapping
) -> None:
    """Edit the stream's status message to match the stream."""
    if stream["message_id"] is None or stream["channel_id"] is None:
        return
    owner = (
        conn.execute(sa.select(principals).where(principals.c.id == stream["principal_id"]))
        .mappings()
        .one()
    )
    try:
        with conn.begin_nested():
            do_edit(
                conn,
                events,
                keyring=keyring,
                caller=caller_from_row(owner, "api_key"),
                channel_id=stream["channel_id"],
                message_id=stream["message_id"],
                request=EditMessageRequest(content=status_text(conn, stream)),
            )
            meta = conn.execute(
                sa.select(messages.c.meta).where(messages.c.id == stream["message_id"])
            ).scalar()
            conn.execute(
                sa.update(messages)
                .where(messages.c.id == stream["message_id"])
                .values(meta={**(meta or {}), "status": stream["status"]})
            )
    except ApiError as refused:
        log.info("work stream %s: status message not edited: %s", stream["id"], refused.message)


def wake_text(conn: Connection, stream: RowMapping, task: RowMapping | None) -> str:
    """The wake message: how the stream ended, its summary, and the task in full."""
    status = stream["status"]
    parts = [f"{ICONS[status]} Work stream {status}: {stream['title']}"]
    if stream["result_summary"]:
        parts.append("Result: " + _clip(stream["result_summary"]))
    if task is not None:
        parts.append(_task_text(conn, task))
    return "\n\n".join(parts)


def _task_text(conn: Connection, task: RowMapping) -> str:
    lines = [f"📋 T-{task['number']}: {task['title']} — status {task['status']}"]
    if task["description"]:
        lines.append(_clip(task["description"]))
    context = TaskContext.model_validate(task["context"] or {})
    if context.background:
        lines.append("Background: " + _clip(context.background))
    named: dict[str, list[str]] = {
        "Acceptance criteria": context.acceptance,
        "Decisions": context.decisions,
        "Constraints": context.constraints,
        "Relevant files": context.relevant_files,
        "Relevant links": context.relevant_links,
    }
    for name, items in named.items():
        if items:
            lines.append(f"{name}:\n" + "\n".join(f"- {item}" for item in items))
    if context.notes:
        lines.append("Notes: " + _clip(context.notes))
    artifacts = _artifacts(conn, task["id"])
    if artifacts:
        lines.append("Artifacts:\n" + "\n".join(f"- {a}" for a in artifacts))
    return "\n".join(lines)


def _artifacts(conn: Connection, task_id: str) -> list[str]:
    rows = conn.execute(
        sa.select(task_activity.c.message, task_activity.c.meta)
        .where(task_activity.c.task_id == task_id, task_activity.c.type == "artifact")
        .order_by(task_activity.c.created_at, task_activity.c.id)
        .limit(MAX_ARTIFACTS)
    )
    found = []
    for message, meta in rows:
        meta = meta or {}
        ref = " ".join(str(meta[k]) for k in ("kind", "ref") if meta.get(k))
        found.append(": ".join(part for part in (ref, message or "") if part))
    return found


def _task(conn: Connection, task_id: str | None) -> Any:
    if task_id is None:
        return None
    return conn.execute(sa.select(tasks).where(tasks.c.id == task_id)).mappings().first()


def _clip(text: str) -> str:
    return text if len(text) <= MAX_SUMMARY else text[: MAX_SUMMARY - 1] + "…"
