"""Finding tasks and reading them whole: a task is named by its id or its number (`T-42`), and
answered with its assignees, context and subtask progress.

Every principal of the workspace reads and works on every task of it (the board is shared);
deleting a task is for its creator and the workspace's admins. Other workspaces' tasks do not
exist here (404).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from pydantic import TypeAdapter
from sqlalchemy.engine import Connection, Row, RowMapping

from server_core.features.tasks.schemas import Assignee, Progress, Task
from server_core.features.tasks.tables import task_assignees, tasks
from server_core.kernel.auth import Caller
from server_core.kernel.errors import Forbidden, NotFound
from server_core.kernel.ids import parse_id
from server_core.kernel.store.tables import principals

_NUMBER = re.compile(r"^(?:t-?)?(\d{1,9})$", re.IGNORECASE)
_TASK_LIST = TypeAdapter(list[Task])


def key_of(number: int) -> str:
    return f"T-{number}"


def access_task(conn: Connection, caller: Caller, ref: str, *, lock: bool = False) -> RowMapping:
    """The task `ref` (its id, `T-42` or `42`) names in the caller's workspace, or 404. `lock`
    holds its row until the transaction ends (PostgreSQL; SQLite has one writer)."""
    ref = ref.strip()
    canonical = parse_id(ref)
    number = _NUMBER.match(ref) if canonical is None else None
    if canonical is None and number is None:
        raise NotFound(f"No task '{ref}' in this workspace: name it by id or as T-42")
    query = sa.select(tasks).where(tasks.c.workspace_id == caller.workspace_id)
    if canonical is not None:
        query = query.where(tasks.c.id == canonical)
    else:
        assert number is not None
        query = query.where(tasks.c.number == int(number.group(1)))
    if lock:
        query = query.with_for_update()
    row = conn.execute(query).mappings().first()
    if row is None:
        raise NotFound(f"No task '{ref}' in this workspace")
    return row


def check_can_delete(caller: Caller, task: RowMapping) -> None:
    if caller.is_admin or task["created_by"] == caller.principal_id:
        return
    raise Forbidden("Only the task's creator or a workspace admin may delete it")


def assignees_of(conn: Connection, task_ids: Sequence[str]) -> dict[str, list[Assignee]]:
    if not task_ids:
        return {}
    rows = conn.execute(
        sa.select(
            task_assignees.c.task_id,
            principals.c.id,
            principals.c.handle,
            principals.c.display_name,
            principals.c.kind,
        )
        .join(principals, principals.c.id == task_assignees.c.principal_id)
        .where(task_assignees.c.task_id.in_(task_ids))
        .order_by(task_assignees.c.assigned_at, principals.c.handle)
    ).all()
    # A list's tasks mostly share a few assignees: each principal's view is made once.
    people: dict[str, Assignee] = {}
    found: dict[str, list[Assignee]] = {}
    for task_id, principal_id, handle, display_name, kind in rows:
        person = people.get(principal_id)
        if person is None:
            person = people[principal_id] = Assignee(
                id=principal_id, handle=handle, display_name=display_name, kind=kind
            )
        found.setdefault(task_id, []).append(person)
    return found


def progress_of(conn: Connection, task_ids: Sequence[str]) -> dict[str, Progress]:
    """Subtask counts by status, for the tasks among `task_ids` that have subtasks."""
    if not task_ids:
        return {}
    rows = conn.execute(
        sa.select(tasks.c.parent_id, tasks.c.status, sa.func.count().label("n"))
        .where(tasks.c.parent_id.in_(task_ids))
        .group_by(tasks.c.parent_id, tasks.c.status)
    ).mappings()
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row["parent_id"], {})[row["status"]] = row["n"]
    return {parent: _progress(by_status) for parent, by_status in counts.items()}


def _progress(by_status: dict[str, int]) -> Progress:
    total = sum(by_status.values())
    done = by_status.get("done", 0)
    return Progress(
        total=total,
        done=done,
        active=by_status.get("active", 0),
        blocked=by_status.get("blocked", 0),
        percentage=round(100 * done / total) if total else 0,
    )


def task_views(conn: Connection, rows: Sequence[Row[Any] | RowMapping]) -> list[Task]:
    """The tasks as the API answers them (three queries, however many tasks). Tuple rows
    (`.all()`, not `.mappings()`) are the cheaper to read: a long list spends its time here."""
    fields = [_fields(row) for row in rows]
    ids = [task["id"] for task in fields]
    assignees = assignees_of(conn, ids)
    progress = progress_of(conn, ids)
    for task in fields:
        people = assignees.get(task["id"], [])
        task["task_number"] = task["number"]
        task["key"] = key_of(task["number"])
        task["assignee_ids"] = [person.id for person in people]
        task["assignees"] = people
        task["progress"] = progress.get(task["id"])
    return _TASK_LIST.validate_python(fields)  # one call for the list: cheaper than one each


def _fields(row: Row[Any] | RowMapping) -> dict[str, Any]:
    if isinstance(row, Row):
        return dict(zip(row._fields, row, strict=True))
    return dict(row)


def task_view(conn: Connection, row: Row[Any] | RowMapping) -> Task:
    return task_views(conn, [row])[0]


def reload(conn: Connection, task_id: str) -> Task:
    return task_view(
        conn, conn.execute(sa.select(tasks).where(tasks.c.id == task_id)).mappings().one()
    )
