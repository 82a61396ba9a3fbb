"""The `library` feature's tools, over `/library`: toolset `library` (`library.py`: libraries,
reading, writing, editing, appending to, renaming, deleting and restoring pages, their history
and backlinks, collections and the typed query; `views.py`: what they answer with) and toolset
`library_admin` (`admin.py`: sync pull and push, lint of a page and of the whole library;
`admin_views.py`: what they answer with)."""

from sesame_mcp.toolsets.library.admin import TOOLSET as LIBRARY_ADMIN
from sesame_mcp.toolsets.library.library import TOOLSET as LIBRARY

__all__ = ["LIBRARY", "LIBRARY_ADMIN"]
