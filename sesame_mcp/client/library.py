"""`client.library`: libraries, their members and pages (`/library`). Its methods are the
declared operations."""

from __future__ import annotations

from server_core.features.library import operations
from sesame_mcp.client.area import Area


class Library(Area, operations.Libraries):
    """Shared markdown knowledge bases: libraries, members, pages, revisions and backlinks."""
