"""Task templates: reusable patterns for a kind of work.

A template holds a title pattern with `{{var}}` placeholders (`{{ var }}` too), a default
priority and labels, a context block, and subtask templates. `POST /tasks/templates/:id/create`
fills the placeholders from `variables` (a missing one is refused, naming it), then creates
the task and one subtask per subtask template in one transaction, each numbered and announced
as any created task. Every principal of the workspace reads and uses templates; changing or
deleting one is for its creator and the workspace's admins.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.projects.access import access_project
from server_core.features.tasks.access import reload
from server_core.features.tasks.errors import MissingVariables
from server_core.features.tasks.schemas import (
    ContextFields,
    CreateTaskRequest,
    CreateTemplateRequest,
    Template,
    TemplatesQuery,
    TemplateTasks,
    UpdateTemplateRequest,
    UseTemplateRequest,
)
from server_core.features.tasks.tables import task_templates
from server_core.features.tasks.tasks import context_snapshot, do_create_task
from server_core.kernel.auth import Caller
from server_core.kernel.clock import utcnow
from server_core.kernel.errors import Forbidden, NotFound, ValidationFailed
from server_core.kernel.events import Event
from server_core.kernel.ids import new_id, parse_id

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}")


def placeholders(*patterns: str) -> list[str]:
    """The variables the patterns name, in order of first use, once each."""
    found: dict[str, None] = {}
    for pattern in patterns:
        found.update(dict.fromkeys(PLACEHOLDER.findall(pattern)))
    return list(found)


def fill(pattern: str, variables: dict[str, str]) -> str:
    """`pattern` with each placeholder replaced by its value (values are not read again)."""
    return PLACEHOLDER.sub(lambda match: variables[match.group(1)], pattern)


def access_template(
    conn: Connection, caller: Caller, ref: str, *, lock: bool = False
) -> RowMapping:
    """The template `ref` names in the caller's workspace, or 404."""
    canonical = parse_id(ref.strip())
    row = None
    if canonical is not None:
        query = sa.select(task_templates).where(
            task_templates.c.workspace_id == caller.workspace_id,
            task_templates.c.id == canonical,
        )
        row = conn.execute(query.with_for_update() if lock else query).mappings().first()
    if row is None:
        raise NotFound(f"No task template '{ref}' in this workspace")
    return row


def check_can_change(caller: Caller, template: RowMapping) -> None:
    if caller.is_admin or template["created_by"] == caller.principal_id:
        return
    raise Forbidden("Only the template's creator or a workspace admin may change or delete it")


def list_templates(conn: Connection, *, caller: Caller, query: TemplatesQuery) -> list[Template]:
    """By name; `projectId` keeps that project's templates only."""
    statement = sa.select(task_templates).where(
        task_templates.c.workspace_id == caller.workspace_id
    )
    if query.project_id:
        project = access_project(conn, caller, query.project_id)
        statement = statement.where(task_templates.c.project_id == project["id"])
    rows = conn.execute(
        statement.order_by(task_templates.c.name, task_templates.c.created_at)
    ).mappings()
    return [template_view(row) for row in rows]


def get_template(conn: Connection, *, caller: Caller, template_id: str) -> Template:
    return template_view(access_template(conn, caller, template_id))


def do_create_template(
    conn: Connection, events: list[Event], *, caller: Caller, request: CreateTemplateRequest
) -> Template:
    now = utcnow()
    values = {
        "id": new_id(),
        "workspace_id": caller.workspace_id,
        "project_id": _project_id(conn, caller, request.project_id),
        "name": request.name,
        "description": request.description,
        "title_pattern": request.title_pattern,
        "default_priority": request.default_priority,
        "default_labels": list(dict.fromkeys(request.default_labels)),
        "context": _context(request.context),
        "subtask_templates": [
            {"title": item.title, "context": _context(item.context)}
            for item in request.subtask_templates
        ],
        "created_by": caller.principal_id,
        "created_at": now,
        "updated_at": now,
    }
    conn.execute(sa.insert(task_templates).values(**values))
    return template_view(values)


def do_update_template(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    template_id: str,
    request: UpdateTemplateRequest,
) -> Template:
    """Only the fields sent change."""
    template = access_template(conn, caller, template_id, lock=True)
    check_can_change(caller, template)
    sent = request.model_fields_set
    changes: dict[str, Any] = {}
    for name in ("name", "title_pattern"):
        if name in sent and getattr(request, name) is not None:
            changes[name] = getattr(request, name)
    for name in ("description", "default_priority"):
        if name in sent:
            changes[name] = getattr(request, name)
    if "default_labels" in sent:
        changes["default_labels"] = list(dict.fromkeys(request.default_labels or []))
    if "context" in sent:
        changes["context"] = _context(request.context)
    if "subtask_templates" in sent:
        changes["subtask_templates"] = [
            {"title": item.title, "context": _context(item.context)}
            for item in request.subtask_templates or []
        ]
    if "project_id" in sent:
        changes["project_id"] = _project_id(conn, caller, request.project_id)
    changes = {name: value for name, value in changes.items() if template[name] != value}
    if not changes:
        return template_view(template)
    changes["updated_at"] = utcnow()
    conn.execute(
        sa.update(task_templates).where(task_templates.c.id == template["id"]).values(**changes)
    )
    return template_view({**template, **changes})


def do_delete_template(
    conn: Connection, events: list[Event], *, caller: Caller, template_id: str
) -> Template:
    """Tasks made from it stay."""
    template = access_template(conn, caller, template_id, lock=True)
    check_can_change(caller, template)
    conn.execute(sa.delete(task_templates).where(task_templates.c.id == template["id"]))
    return template_view(template)


def do_use_template(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    template_id: str,
    request: UseTemplateRequest,
) -> TemplateTasks:
    """The task and its subtasks, made in one transaction: all of them or none."""
    template = access_template(conn, caller, template_id)
    subtasks: list[dict[str, Any]] = template["subtask_templates"]
    overrides = request.overrides
    titles = [template["title_pattern"]] if overrides.title is None else []
    titles += [item["title"] for item in subtasks]
    missing = [name for name in placeholders(*titles) if name not in request.variables]
    if missing:
        raise MissingVariables(
            "Give a value for " + ", ".join(f"{{{{{name}}}}}" for name in missing),
            details={"missing": missing},
        )
    variables = {name: str(value) for name, value in request.variables.items()}
    context = dict(template["context"] or {})
    if overrides.context is not None:
        context.update(
            overrides.context.model_dump(by_alias=False, include=overrides.context.model_fields_set)
        )
    task_fields: dict[str, Any] = {
        "title": overrides.title or fill(template["title_pattern"], variables),
        "description": overrides.description,
        "project_id": request.project_id or template["project_id"],
        "status": overrides.status or "todo",
        "priority": overrides.priority or template["default_priority"] or "medium",
        "assignee_ids": request.assignee_ids,
        "labels": overrides.labels if overrides.labels is not None else template["default_labels"],
        "due_date": overrides.due_date,
        "context": context or None,
    }
    task = do_create_task(conn, events, caller=caller, request=_request(task_fields, "the task"))
    made = []
    for index, item in enumerate(subtasks):
        fields = {
            **task_fields,
            "title": fill(item["title"], variables),
            "description": None,
            "parent_id": task.id,
            "project_id": task.project_id,
            "context": item.get("context"),
        }
        made.append(
            do_create_task(
                conn, events, caller=caller, request=_request(fields, f"subtask {index + 1}")
            )
        )
    return TemplateTasks(task=reload(conn, task.id), subtasks=made)


def template_view(row: Any) -> Template:
    subtasks = row["subtask_templates"]
    return Template.model_validate(
        {
            **row,
            "variables": placeholders(row["title_pattern"], *(item["title"] for item in subtasks)),
        }
    )


def _request(fields: dict[str, Any], what: str) -> CreateTaskRequest:
    """The create request for one task of the template: a filled title can outgrow the limit."""
    try:
        return CreateTaskRequest.model_validate(fields)
    except ValidationError as error:
        problems = [
            {"field": ".".join(str(part) for part in problem["loc"]), "message": problem["msg"]}
            for problem in error.errors(include_url=False, include_input=False)
        ]
        first = problems[0]
        raise ValidationFailed(
            f"{what}: {first['field']}: {first['message']}", details=problems
        ) from None


def _context(fields: ContextFields | None) -> dict[str, Any] | None:
    return context_snapshot(fields.model_dump(by_alias=False)) if fields is not None else None


def _project_id(conn: Connection, caller: Caller, ref: str | None) -> str | None:
    return str(access_project(conn, caller, ref)["id"]) if ref else None
