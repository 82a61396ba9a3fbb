"""`client.projects`: projects, their members and their versioned context (`/projects`). Its
methods are the declared operations; a project is named by its id or its slug."""

from __future__ import annotations

from server_core.features.projects import operations
from sesame_mcp.client.area import Area


class Projects(Area, operations.Projects):
    """Projects group tasks and carry the context their work shares. Every principal of the
    workspace reads them; owners and admins change them; members also change the context."""
