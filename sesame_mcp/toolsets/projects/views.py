"""What the `projects` tools answer with: projects, members and context versions as compact
views, each with its text."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field, field_validator

from sesame_mcp.registry import ToolOutput, View
from sesame_mcp.toolsets.messaging.views import quote


class MemberView(View):
    principal_id: str
    handle: str
    kind: str
    role: str


class ContextView(View):
    """A project's context; version 0 (and no `updated_at`) when none was ever set."""

    overview: str | None = None
    goals: list[str] = Field(default_factory=list)
    conventions: list[str] = Field(default_factory=list)
    stack: list[str] = Field(default_factory=list)
    roles: list[str] = Field(default_factory=list)
    repositories: list[str] = Field(default_factory=list)
    links: list[str] = Field(default_factory=list)
    notes: str | None = None
    version: int = 0
    updated_at: datetime | None = None

    def lines(self) -> list[str]:
        if self.updated_at is None:
            return ["Context: none set yet."]
        lines = [f"Context (version {self.version}, {self.updated_at:%Y-%m-%d %H:%M} UTC):"]
        if self.overview:
            lines.append(f"  overview: {quote(self.overview)}")
        for name in ("goals", "conventions", "stack", "roles", "repositories", "links"):
            entries: list[str] = getattr(self, name)
            if entries:
                lines.append(f"  {name}: " + "; ".join(quote(entry) for entry in entries))
        if self.notes:
            lines.append(f"  notes: {quote(self.notes)}")
        return lines


class ProjectView(View):
    id: str
    slug: str
    name: str
    description: str | None
    is_archived: bool
    members: list[MemberView]
    # Never null, so that clients read one shape: version 0 when no context was set.
    context: ContextView

    @field_validator("context", mode="before")
    @classmethod
    def _no_context(cls, value: Any) -> Any:
        return ContextView() if value is None else value

    def line(self) -> str:
        archived = " (archived)" if self.is_archived else ""
        return f"- {self.slug}: {self.name} [{self.id}], {len(self.members)} members{archived}"

    def text(self) -> str:
        lines = [f"Project {self.slug}: {self.name} [{self.id}]"]
        if self.is_archived:
            lines.append("Archived: restore it with update_project(is_archived=false).")
        if self.description:
            lines.append(f"Description: {quote(self.description)}")
        who = ", ".join(f"@{m.handle} ({m.role})" for m in self.members)
        lines.append(f"Members: {who or 'none'}")
        lines += self.context.lines()
        return "\n".join(lines)


class ProjectOutput(ToolOutput):
    project: ProjectView = Field(description="The project, its members and its context")

    def render(self) -> str:
        return self.project.text()


class ProjectsOutput(ToolOutput):
    projects: list[ProjectView] = Field(description="The workspace's projects, by name")

    def render(self) -> str:
        if not self.projects:
            return "No projects yet: create_project makes one."
        return "\n".join([f"{len(self.projects)} projects:", *(p.line() for p in self.projects)])


class ProjectMemberOutput(ToolOutput):
    member: MemberView

    def render(self) -> str:
        return f"@{self.member.handle} is a project {self.member.role}."


class RemovedMemberOutput(ToolOutput):
    member: MemberView

    def render(self) -> str:
        return f"@{self.member.handle} is no longer a member of the project."


class ContextOutput(ToolOutput):
    context: ContextView

    def render(self) -> str:
        return "\n".join(self.context.lines())


class VersionView(View):
    version: int
    changed_fields: list[str]
    changed_by: str | None
    created_at: datetime

    def line(self) -> str:
        fields = ", ".join(self.changed_fields) or "nothing"
        return (
            f"- v{self.version} {self.created_at:%Y-%m-%d %H:%M} UTC by {self.changed_by}: {fields}"
        )


class HistoryOutput(ToolOutput):
    versions: list[VersionView] = Field(description="Newest first")

    def render(self) -> str:
        if not self.versions:
            return "The project's context was never set."
        return "\n".join(["Context versions, newest first:", *(v.line() for v in self.versions)])
