"""Many tasks at once: reorder, batch, and the summary of the board by project.

A batch runs its operations in order, each on its own (a savepoint): one that fails is rolled
back and reported, the others stand. An `update` or `assign` of several tasks succeeds or
fails as a whole. Each operation goes through the same service as its single form, so a status
moving to done unblocks dependents and assignees are notified as with PATCH.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.engine import Connection

from server_core.features.projects.tables import projects
from server_core.features.tasks.access import access_task, reload
from server_core.features.tasks.events import task_event
from server_core.features.tasks.schemas import (
    FINISHED,
    BatchError,
    BatchOperation,
    BatchRequest,
    BatchResult,
    CreateTaskRequest,
    NotifyQuery,
    ProjectSummary,
    ReorderRequest,
    Task,
    UpdateTaskRequest,
)
from server_core.features.tasks.tables import tasks
from server_core.features.tasks.tasks import do_create_task, do_update_task
from server_core.kernel.auth import Caller
from server_core.kernel.clock import utcnow
from server_core.kernel.errors import ApiError, BadRequest, ValidationFailed
from server_core.kernel.events import Event
from server_core.kernel.keyring import Keyring


def do_reorder(
    conn: Connection, events: list[Event], *, caller: Caller, request: ReorderRequest
) -> list[Task]:
    """Positions 0, 1, 2… in the order given (each task once); the tasks in that order."""
    rows = [access_task(conn, caller, ref, lock=True) for ref in request.task_ids]
    if len({row["id"] for row in rows}) != len(rows):
        raise BadRequest("taskIds names a task more than once")
    now = utcnow()
    moved: list[Task] = []
    for position, row in enumerate(rows):
        if row["position"] != position:
            conn.execute(
                sa.update(tasks)
                .where(tasks.c.id == row["id"])
                .values(position=position, updated_at=now)
            )
            events.append(task_event(reload(conn, row["id"]), "updated"))
        moved.append(reload(conn, row["id"]))
    return moved


def do_batch(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    keyring: Keyring,
    request: BatchRequest,
) -> list[BatchResult]:
    results = []
    for index, operation in enumerate(request.operations):
        published = len(events)
        try:
            with conn.begin_nested():
                done = _run(conn, events, caller, keyring, operation)
        except ApiError as error:
            del events[published:]
            body = error.body()
            failure = BatchError(
                error=body["error"], status=error.status, code=error.code, details=error.details
            )
            results.append(
                BatchResult(index=index, op=operation.op, ok=False, tasks=[], error=failure)
            )
        else:
            results.append(
                BatchResult(index=index, op=operation.op, ok=True, tasks=done, error=None)
            )
    return results


def summary(conn: Connection, *, caller: Caller) -> list[ProjectSummary]:
    """Counts by status per project (unarchived, by name), then tasks in no project."""
    now = utcnow()
    unfinished_overdue = sa.and_(tasks.c.due_date < now, tasks.c.status.not_in(tuple(FINISHED)))
    rows = conn.execute(
        sa.select(
            tasks.c.project_id,
            tasks.c.status,
            sa.func.count().label("n"),
            sa.func.sum(sa.case((unfinished_overdue, 1), else_=0)).label("overdue"),
        )
        .where(tasks.c.workspace_id == caller.workspace_id)
        .group_by(tasks.c.project_id, tasks.c.status)
    ).mappings()
    counts: dict[str | None, dict[str, int]] = {}
    overdue: dict[str | None, int] = {}
    for row in rows:
        counts.setdefault(row["project_id"], {})[row["status"]] = row["n"]
        overdue[row["project_id"]] = overdue.get(row["project_id"], 0) + int(row["overdue"] or 0)
    listed = conn.execute(
        sa.select(projects.c.id, projects.c.slug, projects.c.name)
        .where(projects.c.workspace_id == caller.workspace_id, projects.c.is_archived.is_(False))
        .order_by(projects.c.name, projects.c.slug)
    ).mappings()
    found = [_summary(row["id"], row["slug"], row["name"], counts, overdue) for row in listed]
    if None in counts:
        found.append(_summary(None, None, None, counts, overdue))
    return found


def _summary(
    project_id: str | None,
    slug: str | None,
    name: str | None,
    counts: dict[str | None, dict[str, int]],
    overdue: dict[str | None, int],
) -> ProjectSummary:
    by_status = counts.get(project_id, {})
    return ProjectSummary(
        project_id=project_id,
        slug=slug,
        name=name,
        total=sum(by_status.values()),
        by_status=by_status,
        overdue=overdue.get(project_id, 0),
    )


def _run(
    conn: Connection,
    events: list[Event],
    caller: Caller,
    keyring: Keyring,
    operation: BatchOperation,
) -> list[Task]:
    if operation.op == "create":
        create = _parse(CreateTaskRequest, operation.data)
        return [do_create_task(conn, events, caller=caller, request=create)]
    if not operation.ids:
        raise BadRequest(f"{operation.op} needs ids: the tasks it changes")
    data: dict[str, Any] = operation.data
    if operation.op == "assign":
        if "assigneeIds" not in data:
            raise BadRequest("assign needs data.assigneeIds")
        data = {"assigneeIds": data["assigneeIds"]}
    update = _parse(UpdateTaskRequest, data)
    return [
        do_update_task(
            conn,
            events,
            caller=caller,
            keyring=keyring,
            task_id=ref,
            request=update,
            query=NotifyQuery(),
        )
        for ref in operation.ids
    ]


def _parse(model: Any, data: dict[str, Any]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problems = [
            {"field": ".".join(str(part) for part in problem["loc"]), "message": problem["msg"]}
            for problem in error.errors(include_url=False, include_input=False)
        ]
        first = problems[0] if problems else {"field": "data", "message": "invalid"}
        raise ValidationFailed(
            f"data.{first['field']}: {first['message']}", details=problems
        ) from None
