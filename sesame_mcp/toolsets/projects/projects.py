"""Toolset `projects`: the workspace's projects, their members and their versioned context,
and the resource `sesame://projects/{project}` (by slug or id, kept current by `project`
events) with completion of slugs.

Every tool here is declared from its platform operation (`sesame_mcp.derived`): the arguments
are the operation's own, a project is named by its slug or id and a member by @handle.
"""

from __future__ import annotations

import json

from mcp.server import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError

from server_core.features.projects.operations import Projects
from sesame_mcp.client import SesameError
from sesame_mcp.derived import Ref, derive
from sesame_mcp.failures import explain
from sesame_mcp.registry import Toolset
from sesame_mcp.state import Sesame
from sesame_mcp.toolsets.messaging import refs
from sesame_mcp.toolsets.projects.views import (
    ContextOutput,
    HistoryOutput,
    ProjectMemberOutput,
    ProjectOutput,
    ProjectsOutput,
    ProjectView,
    RemovedMemberOutput,
)

TOOLSET = Toolset(
    "projects",
    "Projects: list, read with context, create, change, archive; members; project context",
    default=False,
    next_steps={
        "not_found": "list_projects shows the workspace's projects by slug",
        "forbidden": "get_project lists the project's owners and admins: ask one of them",
        "slug_taken": "list_projects shows the slugs in use; choose another",
        "project_archived": "restore it first with update_project(is_archived=false)",
    },
)


async def _as_named(_: Sesame, ref: str) -> str:
    return ref.strip()  # the platform takes a slug as well as an id


async def _principal_id(state: Sesame, ref: str) -> str:
    return (await refs.resolve_principal(state, ref)).id


PROJECT = Ref("project", "The project: its slug or id", _as_named)
MEMBER = Ref("member", "The member: @handle, display name or id", _principal_id)
CONTEXT_WORDING = {
    "overview": "What the project is, in a paragraph",
    "goals": "What it must achieve, one per entry",
    "conventions": "How work is done here, one rule per entry",
    "stack": "Languages, frameworks and tools, one per entry",
    "roles": "Who does what, one per entry",
    "repositories": "Its repositories, one per entry",
    "links": "Useful links, one per entry",
    "notes": "Anything else",
}

derive(
    TOOLSET,
    Projects.list,
    name="list_projects",
    title="List projects",
    description="The workspace's projects by name, with their slugs and member counts.",
    output=ProjectsOutput,
    descriptions={"include_archived": "Also list archived projects"},
)
derive(
    TOOLSET,
    Projects.get,
    name="get_project",
    title="Project details",
    description="A project with its members and its context (goals, conventions, stack…). "
    "Read it before working on the project's tasks.",
    output=ProjectOutput,
    refs={"project_id": PROJECT},
)
derive(
    TOOLSET,
    Projects.create,
    name="create_project",
    title="Create a project",
    description="Create a project; you become its owner.",
    output=ProjectOutput,
    descriptions={"name": "Its name", "description": "What it is about"},
)
derive(
    TOOLSET,
    Projects.update,
    name="update_project",
    title="Update a project",
    description="Rename a project, change its slug or description, or archive or restore it "
    "(owners and admins). Only what is given changes.",
    output=ProjectOutput,
    refs={"project_id": PROJECT},
    descriptions={
        "name": "New name",
        "slug": "New slug",
        "description": "New description; null clears it",
        "is_archived": "true archives the project, false restores it",
    },
)
derive(
    TOOLSET,
    Projects.archive,
    name="archive_project",
    title="Archive a project",
    description="Archive a project (owners and admins): it stays readable and can be restored "
    "with update_project.",
    output=ProjectOutput,
    refs={"project_id": PROJECT},
)
derive(
    TOOLSET,
    Projects.add_member_by_path,
    name="add_project_member",
    title="Add a project member",
    description="Add a member to a project, or change a member's role (owners and admins).",
    output=ProjectMemberOutput,
    refs={"project_id": PROJECT, "principal_id": MEMBER},
    descriptions={"role": "owner, admin, member (default) or viewer"},
    destructive=True,  # a member's role is overwritten
)
derive(
    TOOLSET,
    Projects.remove_member,
    name="remove_project_member",
    title="Remove a project member",
    description="Remove a member from a project (owners and admins), or leave it yourself.",
    output=RemovedMemberOutput,
    refs={"project_id": PROJECT, "principal_id": MEMBER},
)
derive(
    TOOLSET,
    Projects.update_context,
    name="update_project_context",
    title="Update project context",
    description="Change some fields of a project's context; the others stay. A list given "
    "replaces that list. Each change is a new version.",
    output=ContextOutput,
    refs={"project_id": PROJECT},
    descriptions=CONTEXT_WORDING,
)
derive(
    TOOLSET,
    Projects.set_context,
    name="replace_project_context",
    title="Replace project context",
    description="Replace a project's whole context: the fields not given are emptied. Each "
    "change is a new version.",
    output=ContextOutput,
    refs={"project_id": PROJECT},
    descriptions=CONTEXT_WORDING,
)
derive(
    TOOLSET,
    Projects.context_history,
    name="project_context_history",
    title="Project context history",
    description="The versions of a project's context, newest first: what changed, by whom.",
    output=HistoryOutput,
    refs={"project_id": PROJECT},
    descriptions={"limit": "How many versions, 1 to 100 (default 10)"},
)


async def project_slugs(state: Sesame, prefix: str) -> list[str]:
    """Completion values for project arguments: slugs, matched by their start or by a word of
    the project's name."""
    wanted = prefix.strip().casefold()
    projects = await state.client.projects.list()
    return [p.slug for p in projects if p.slug.startswith(wanted) or wanted in p.name.casefold()]


TOOLSET.completer("project")(project_slugs)


@TOOLSET.extra
def project_resource(server: MCPServer, state: Sesame) -> None:
    @server.resource(
        "sesame://projects/{project}",
        name="project",
        title="A project",
        description="A project (slug or id) with its members and its context (JSON)",
        mime_type="application/json",
    )
    async def project(project: str) -> str:
        try:
            found = await state.client.projects.get(project)
        except SesameError as error:
            text = explain(error, "reading the project", TOOLSET.next_steps)
            if error.status in (400, 404):
                raise ResourceNotFoundError(text) from error
            raise ResourceError(text) from error
        view = ProjectView.model_validate(found)
        return json.dumps(view.model_dump(mode="json"))
