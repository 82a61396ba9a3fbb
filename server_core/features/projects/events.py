"""The `project` event: a project was created, changed (its fields, members or context) or
archived; delivered to the whole workspace, as the spec routes it."""

from __future__ import annotations

from typing import ClassVar, Literal

from server_core.features.projects.schemas import ProjectWithMembers
from server_core.kernel.events import Event, EventRoute

ProjectAction = Literal["created", "updated", "archived"]


class ProjectChanged(Event):
    wire_name: ClassVar[str] = "project"
    workspace_id: str
    project: ProjectWithMembers
    action: ProjectAction


def project_event(project: ProjectWithMembers, action: ProjectAction) -> ProjectChanged:
    return ProjectChanged(
        route=EventRoute(workspace_id=project.workspace_id),
        workspace_id=project.workspace_id,
        project=project,
        action=action,
    )
