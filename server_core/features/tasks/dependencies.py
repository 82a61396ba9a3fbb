"""Dependencies between tasks, and the auto-unblock they drive.

`POST /tasks/:id/dependencies {dependsOnId}` says the task is blocked by another until that one
is done. When a task moves to `done` (by whatever path), each task it blocks that is `blocked`
and has no other blocker left unfinished moves to `todo` by itself: its own transition,
`status_change` activity and `task` event. A task may not depend on itself, nor on a task that
already waits on it (409 `dependency_cycle`).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.tasks.access import access_task, key_of, reload
from server_core.features.tasks.errors import DependencyCycle
from server_core.features.tasks.events import task_event
from server_core.features.tasks.history import change_status
from server_core.features.tasks.schemas import AddDependencyRequest, Dependency
from server_core.features.tasks.tables import task_dependencies, tasks
from server_core.kernel.auth import Caller
from server_core.kernel.clock import utcnow
from server_core.kernel.errors import BadRequest, NotFound
from server_core.kernel.events import Event
from server_core.kernel.ids import new_id, parse_id
from server_core.kernel.operations import Created

_BLOCKER = tasks.alias("blocker")
_WITH_BLOCKER = sa.select(
    task_dependencies,
    _BLOCKER.c.number.label("blocker_number"),
    _BLOCKER.c.title.label("blocker_title"),
    _BLOCKER.c.status.label("blocker_status"),
).join(_BLOCKER, _BLOCKER.c.id == task_dependencies.c.depends_on_id)


def list_dependencies(conn: Connection, *, caller: Caller, task_id: str) -> list[Dependency]:
    task = access_task(conn, caller, task_id)
    rows = conn.execute(
        _WITH_BLOCKER.where(task_dependencies.c.task_id == task["id"]).order_by(_BLOCKER.c.number)
    ).mappings()
    return [_view(row) for row in rows]


def do_add_dependency(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    task_id: str,
    request: AddDependencyRequest,
) -> Created[Dependency]:
    """201 with the new dependency; 200 with the one that exists already."""
    task = access_task(conn, caller, task_id, lock=True)
    blocker = access_task(conn, caller, request.depends_on_id)
    if blocker["id"] == task["id"]:
        raise BadRequest("A task cannot depend on itself")
    existing = _find(conn, task["id"], blocker["id"])
    if existing is not None:
        return Created(_view(existing), created=False)
    if _waits_on(conn, blocker["id"], task["id"]):
        raise DependencyCycle(
            f"{key_of(blocker['number'])} already waits on {key_of(task['number'])}: "
            "depending on it would make a cycle"
        )
    conn.execute(
        sa.insert(task_dependencies).values(
            id=new_id(),
            task_id=task["id"],
            depends_on_id=blocker["id"],
            created_by=caller.principal_id,
            created_at=utcnow(),
        )
    )
    events.append(task_event(reload(conn, task["id"]), "updated"))
    added = _find(conn, task["id"], blocker["id"])
    assert added is not None  # just written
    return Created(_view(added), created=True)


def do_remove_dependency(
    conn: Connection, events: list[Event], *, caller: Caller, task_id: str, dependency_id: str
) -> Dependency:
    """`:depId` is the dependency's id, or the blocking task's id or number."""
    task = access_task(conn, caller, task_id, lock=True)
    row = None
    if (canonical := parse_id(dependency_id)) is not None:
        row = (
            conn.execute(
                _WITH_BLOCKER.where(
                    task_dependencies.c.task_id == task["id"], task_dependencies.c.id == canonical
                )
            )
            .mappings()
            .first()
        )
    if row is None:
        try:
            blocker = access_task(conn, caller, dependency_id)
        except NotFound:
            blocker = None
        row = _find(conn, task["id"], blocker["id"]) if blocker is not None else None
    if row is None:
        raise NotFound(f"{key_of(task['number'])} has no dependency '{dependency_id}'")
    conn.execute(sa.delete(task_dependencies).where(task_dependencies.c.id == row["id"]))
    events.append(task_event(reload(conn, task["id"]), "updated"))
    return _view(row)


def unblock_dependents(
    conn: Connection, events: list[Event], done: RowMapping, author_id: str | None, at: datetime
) -> None:
    """`done` was just done: move each blocked task it blocked, with no unfinished blocker
    left, to todo."""
    waiting = (
        conn.execute(
            sa.select(tasks)
            .join(task_dependencies, task_dependencies.c.task_id == tasks.c.id)
            .where(task_dependencies.c.depends_on_id == done["id"], tasks.c.status == "blocked")
            .with_for_update()
        )
        .mappings()
        .all()
    )
    for dependent in waiting:
        unfinished = conn.scalar(
            sa.select(sa.func.count())
            .select_from(task_dependencies)
            .join(tasks, tasks.c.id == task_dependencies.c.depends_on_id)
            .where(task_dependencies.c.task_id == dependent["id"], tasks.c.status != "done")
        )
        if unfinished:
            continue
        reason = f"unblocked: {key_of(done['number'])} is done"
        change_status(conn, dependent, "todo", author_id, at, reason)
        events.append(task_event(reload(conn, dependent["id"]), "status_changed"))


def _waits_on(conn: Connection, start: str, target: str) -> bool:
    """Whether `start` is blocked, directly or through others, by `target`."""
    seen, frontier = {start}, [start]
    while frontier:
        blockers = conn.execute(
            sa.select(task_dependencies.c.depends_on_id).where(
                task_dependencies.c.task_id.in_(frontier)
            )
        ).scalars()
        frontier = [b for b in blockers if b not in seen]
        if target in frontier:
            return True
        seen.update(frontier)
    return False


def _find(conn: Connection, task_id: str, blocker_id: str) -> RowMapping | None:
    return (
        conn.execute(
            _WITH_BLOCKER.where(
                task_dependencies.c.task_id == task_id,
                task_dependencies.c.depends_on_id == blocker_id,
            )
        )
        .mappings()
        .first()
    )


def _view(row: RowMapping) -> Dependency:
    return Dependency.model_validate(
        {
            **row,
            "depends_on": {
                "id": row["depends_on_id"],
                "task_number": row["blocker_number"],
                "key": key_of(row["blocker_number"]),
                "title": row["blocker_title"],
                "status": row["blocker_status"],
            },
        }
    )
