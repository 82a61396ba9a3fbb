"""Coordination emojis: a reaction on the message that announces a task (see `channel_tasks`)
changes the task.

| emoji | meaning                      | the task                                           |
|-------|------------------------------|----------------------------------------------------|
| 👋    | claimed                      | `active`; the reactor is assigned if no one is     |
| ⚙️    | in progress                  | `active`                                           |
| ✅    | complete                     | `done` (its dependents unblock, as on any path)    |
| ✋    | deferred ("back to open")    | `backlog`                                          |

An emoji counts with or without its variation selector (⚙ and ⚙️) and in any skin tone (👋🏽),
and by the names the reaction API also takes (`wave`, `gear`, `white_check_mark`,
`raised_hand` or `hand`, with or without colons). The change is a PATCH by the reactor, made by
PATCH's own service in the reaction's transaction: transition, `status_change` activity, `task`
event and DMs to the assignees. Removing a reaction changes nothing back: the task's history
already says what happened, and the next emoji or PATCH moves it on.

The tasks feature registers `apply_coordination_emoji` with messaging's reaction listeners
(`messaging.reaction_listeners`) when it is loaded; messaging never imports tasks.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.tasks.schemas import NotifyQuery, Status, UpdateTaskRequest
from server_core.features.tasks.tables import task_assignees, tasks
from server_core.features.tasks.tasks import do_update_task
from server_core.kernel.auth import Caller
from server_core.kernel.events import Event
from server_core.kernel.keyring import Keyring

_CLAIM = "👋"
_EFFECTS: dict[str, Status] = {_CLAIM: "active", "⚙": "active", "✅": "done", "✋": "backlog"}
_NAMES = {
    "wave": _CLAIM,
    "gear": "⚙",
    "white_check_mark": "✅",
    "raised_hand": "✋",
    "hand": "✋",
}
# Presentation selectors and skin-tone modifiers: the same emoji for our purpose.
_MODIFIERS = frozenset({"\ufe0e", "\ufe0f", *map(chr, range(0x1F3FB, 0x1F400))})


def coordination_emoji(emoji: str) -> str | None:
    """The coordination emoji `emoji` is, in its plain form, or None."""
    text = emoji.strip()
    name = text.strip(":").lower()
    plain = _NAMES.get(name) or "".join(char for char in text if char not in _MODIFIERS)
    return plain if plain in _EFFECTS else None


def apply_coordination_emoji(
    conn: Connection,
    events: list[Event],
    *,
    keyring: Keyring,
    caller: Caller,
    message: RowMapping,
    emoji: str,
) -> None:
    """A reaction was added to `message`: change the task it announces, if it announces one
    and the emoji means something."""
    plain = coordination_emoji(emoji)
    if plain is None:
        return
    linked = conn.execute(
        sa.select(tasks.c.id)
        .where(tasks.c.message_id == message["id"], tasks.c.workspace_id == caller.workspace_id)
        .order_by(tasks.c.number)
    ).scalars()
    for task_id in list(linked):
        change: dict[str, Any] = {"status": _EFFECTS[plain]}
        if plain == _CLAIM and not _assigned(conn, task_id):
            change["assignee_ids"] = [caller.principal_id]
        do_update_task(
            conn,
            events,
            caller=caller,
            keyring=keyring,
            task_id=task_id,
            request=UpdateTaskRequest.model_validate(change),
            query=NotifyQuery(),
        )


def _assigned(conn: Connection, task_id: str) -> bool:
    found = conn.scalar(
        sa.select(sa.literal(1)).where(task_assignees.c.task_id == task_id).limit(1)
    )
    return found is not None
