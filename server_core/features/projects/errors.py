"""Errors of projects, on top of the kernel's tree (`server_core.kernel.errors`):

Conflict
├── SlugTaken                409 slug_taken         (another project of the workspace)
└── ProjectArchived          409 project_archived   (restore it first: isArchived false)
"""

from __future__ import annotations

from server_core.kernel.errors import Conflict


class SlugTaken(Conflict):
    code = "slug_taken"
    default_message = "Another project of this workspace has that slug"


class ProjectArchived(Conflict):
    code = "project_archived"
    default_message = (
        "This project is archived: restore it (PATCH isArchived: false) before changing it"
    )
