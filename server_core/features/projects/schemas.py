"""Wire models of `/projects`: projects, their members, and their versioned context."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints

from server_core.kernel.wire import RequestModel, Timestamp, WireModel, no_nul

ProjectRole = Literal["owner", "admin", "member", "viewer"]
ROLES: tuple[ProjectRole, ...] = ("owner", "admin", "member", "viewer")
# Who may change the project itself (name, slug, archiving, members), and who its context.
MANAGERS: frozenset[str] = frozenset({"owner", "admin"})
EDITORS: frozenset[str] = frozenset({"owner", "admin", "member"})

SLUG_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"
MAX_HISTORY = 100
MAX_LIST_ITEMS = 100

Slug = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, pattern=SLUG_PATTERN),
    Field(
        description="URL-safe name, unique in the workspace: lowercase letters, digits and "
        "inner hyphens, 1 to 64 characters",
        examples=["auth-rewrite"],
    ),
]
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(no_nul),
]
Description = Annotated[str, StringConstraints(max_length=5000), AfterValidator(no_nul)]
Prose = Annotated[str, StringConstraints(max_length=20_000), AfterValidator(no_nul)]
Entry = Annotated[str, StringConstraints(min_length=1, max_length=2000), AfterValidator(no_nul)]
Entries = Annotated[list[Entry], Field(max_length=MAX_LIST_ITEMS)]
PrincipalId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
    AfterValidator(no_nul),
]


class Project(WireModel):
    id: str
    workspace_id: str
    slug: str
    name: str
    description: str | None
    is_archived: bool
    archived_at: Timestamp | None
    created_by: str | None
    created_at: Timestamp
    updated_at: Timestamp


class ProjectMember(WireModel):
    principal_id: str
    handle: str
    display_name: str
    kind: str
    role: ProjectRole
    added_at: Timestamp


# Its fields, in the order they are listed; the array ones are lists of short entries.
CONTEXT_FIELDS = (
    "overview",
    "goals",
    "conventions",
    "stack",
    "roles",
    "repositories",
    "links",
    "notes",
)
LIST_FIELDS = ("goals", "conventions", "stack", "roles", "repositories", "links")


class ProjectContext(WireModel):
    """How work is done in the project, shared by all its tasks. Each change makes a version."""

    overview: str | None = None
    goals: list[str] = Field(default_factory=list)
    conventions: list[str] = Field(default_factory=list)
    stack: list[str] = Field(default_factory=list)
    roles: list[str] = Field(default_factory=list, description="Who does what, one per entry")
    repositories: list[str] = Field(default_factory=list)
    links: list[str] = Field(default_factory=list)
    notes: str | None = None
    version: int = Field(description="1 for the first context set, then one more per change")
    updated_by: str | None
    updated_at: Timestamp


class ProjectContextVersion(WireModel):
    version: int
    context: ProjectContextFields
    changed_fields: list[str] = Field(description="The fields this version changed")
    changed_by: str | None
    created_at: Timestamp


class ProjectWithMembers(Project):
    members: list[ProjectMember]
    context: ProjectContext | None


class CreateProjectRequest(RequestModel):
    slug: Slug
    name: Name
    description: Description | None = None


class ListProjectsQuery(RequestModel):
    include_archived: bool = Field(default=False, description="Also list archived projects")


class UpdateProjectRequest(RequestModel):
    """Only the fields sent change; `description: null` clears it, `isArchived: false`
    restores an archived project."""

    name: Name | None = None
    slug: Slug | None = None
    description: Description | None = None
    is_archived: bool | None = None


class AddMemberRequest(RequestModel):
    principal_id: PrincipalId
    role: ProjectRole = "member"


class MemberRoleRequest(RequestModel):
    role: ProjectRole = "member"


class ProjectContextFields(RequestModel):
    """The context's fields. PUT replaces them all (what is left out is emptied); PATCH changes
    only the fields sent (an array sent replaces that array)."""

    overview: Prose | None = None
    goals: Entries | None = None
    conventions: Entries | None = None
    stack: Entries | None = None
    roles: Entries | None = None
    repositories: Entries | None = None
    links: Entries | None = None
    notes: Prose | None = None


class ContextHistoryQuery(RequestModel):
    limit: int = Field(default=10, ge=1, le=MAX_HISTORY)


ProjectContextVersion.model_rebuild()
