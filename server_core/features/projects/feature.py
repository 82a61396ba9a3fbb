"""The projects feature: which service answers each operation, its events and errors."""

from __future__ import annotations

from server_core.features.projects import context, members, projects
from server_core.features.projects.errors import ProjectArchived, SlugTaken
from server_core.features.projects.events import ProjectChanged
from server_core.features.projects.operations import Projects
from server_core.kernel.feature import Feature

FEATURE = Feature(
    "projects",
    serves={
        Projects.list: projects.list_projects,
        Projects.create: projects.do_create_project,
        Projects.get: projects.get_project,
        Projects.update: projects.do_update_project,
        Projects.archive: projects.do_archive_project,
        Projects.add_member: members.do_add_member,
        Projects.add_member_by_path: members.do_add_member_by_path,
        Projects.remove_member: members.do_remove_member,
        Projects.context: context.get_context,
        Projects.set_context: context.do_set_context,
        Projects.update_context: context.do_update_context,
        Projects.context_history: context.context_history,
    },
    events=[ProjectChanged],
    errors=[SlugTaken, ProjectArchived],
)
