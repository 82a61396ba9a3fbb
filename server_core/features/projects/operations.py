"""`/projects`: projects, their members and their versioned context. A project is named in
paths by its id or its slug."""

from __future__ import annotations

from server_core.features.projects.errors import ProjectArchived, SlugTaken
from server_core.features.projects.schemas import (
    AddMemberRequest,
    ContextHistoryQuery,
    CreateProjectRequest,
    ListProjectsQuery,
    MemberRoleRequest,
    ProjectContext,
    ProjectContextFields,
    ProjectContextVersion,
    ProjectMember,
    ProjectWithMembers,
    UpdateProjectRequest,
)
from server_core.kernel.errors import Conflict, Forbidden, NotFound
from server_core.kernel.operations import Operation, Operations, PathParam

PROJECT = PathParam("id", "project_id", "Project id or slug", max_length=64)
MEMBER = PathParam("pid", "principal_id", "Principal id", max_length=64)
ProjectList = list[ProjectWithMembers]  # named once: inside the class, `list` is an operation
Versions = list[ProjectContextVersion]
CHANGE_REFUSALS = [Forbidden, NotFound, ProjectArchived]


class Projects(Operations):
    """Projects group tasks and carry the context their work shares. Every principal of the
    workspace reads them; owners and admins change them; members also change the context."""

    area = "projects"

    list = Operation(
        "GET",
        "/projects",
        query=ListProjectsQuery,
        response=ProjectList,
        summary="List the workspace's projects, by name (archived ones with includeArchived)",
    )
    create = Operation(
        "POST",
        "/projects",
        body=CreateProjectRequest,
        response=ProjectWithMembers,
        status=201,
        errors=[SlugTaken],
        summary="Create a project (slug and name); its creator becomes its owner",
    )
    get = Operation(
        "GET",
        "/projects/{id}",
        params=[PROJECT],
        response=ProjectWithMembers,
        errors=[NotFound],
        summary="Get a project with its members and context",
    )
    update = Operation(
        "PATCH",
        "/projects/{id}",
        params=[PROJECT],
        body=UpdateProjectRequest,
        response=ProjectWithMembers,
        errors=[*CHANGE_REFUSALS, SlugTaken],
        summary="Update a project's name, slug or description, archive or restore it",
    )
    archive = Operation(
        "DELETE",
        "/projects/{id}",
        params=[PROJECT],
        response=ProjectWithMembers,
        errors=[Forbidden, NotFound],
        summary="Archive a project (restore it with PATCH isArchived: false)",
    )
    add_member = Operation(
        "POST",
        "/projects/{id}/members",
        params=[PROJECT],
        body=AddMemberRequest,
        response=ProjectMember,
        status=201,
        also={200: "Already a member: its role is now the one given"},
        errors=[*CHANGE_REFUSALS, Conflict],
        idempotent=True,
        summary="Add a member {principalId, role} or change its role",
    )
    add_member_by_path = Operation(
        "POST",
        "/projects/{id}/members/{pid}",
        params=[PROJECT, MEMBER],
        body=MemberRoleRequest,
        body_required=False,
        response=ProjectMember,
        status=201,
        also={200: "Already a member: its role is now the one given"},
        errors=[*CHANGE_REFUSALS, Conflict],
        idempotent=True,
        summary="Add the principal as a member (role in the body, default member)",
    )
    remove_member = Operation(
        "DELETE",
        "/projects/{id}/members/{pid}",
        params=[PROJECT, MEMBER],
        response=ProjectMember,
        errors=[*CHANGE_REFUSALS, Conflict],
        summary="Remove a member (or leave); the last owner stays",
    )
    context = Operation(
        "GET",
        "/projects/{id}/context",
        params=[PROJECT],
        response=ProjectContext | None,  # type: ignore[arg-type]
        errors=[NotFound],
        summary="Get the project's context (null when none was set)",
    )
    set_context = Operation(
        "PUT",
        "/projects/{id}/context",
        params=[PROJECT],
        body=ProjectContextFields,
        response=ProjectContext,
        errors=CHANGE_REFUSALS,
        summary="Replace the project's context (fields left out are emptied); a new version",
    )
    update_context = Operation(
        "PATCH",
        "/projects/{id}/context",
        params=[PROJECT],
        body=ProjectContextFields,
        response=ProjectContext,
        errors=CHANGE_REFUSALS,
        summary="Change only the context fields sent; a new version",
    )
    context_history = Operation(
        "GET",
        "/projects/{id}/context/history",
        params=[PROJECT],
        query=ContextHistoryQuery,
        response=Versions,
        errors=[NotFound],
        summary="The context's versions, newest first (limit: default 10, at most 100)",
    )
