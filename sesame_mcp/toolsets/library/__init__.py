"""The `library` feature's tools, over `/library`: toolset `library` (`library.py`: libraries,
reading, writing, editing, appending to, renaming, deleting and restoring pages, their history
and backlinks, collections and the typed query; `views.py`: what they answer with) and toolset
`library_admin` (`library_admin.py` declares it; `admin.py`: sync pull and push, lint of a page
and of the whole library, `admin_views.py` what they answer with; `git_mirror.py`: configure,
push, pull). `knowledge.py` adds search and entity resolution to `library`, and conventions and
entities to `library_admin` (`knowledge_views.py`: what they answer with)."""

# The modules declare their tools as they load: the order they load in is the order the tools
# are listed in.
# isort: off
from sesame_mcp.toolsets.library.library import TOOLSET as LIBRARY
from sesame_mcp.toolsets.library import knowledge, admin, git_mirror  # noqa: F401
from sesame_mcp.toolsets.library.library_admin import TOOLSET as LIBRARY_ADMIN

# isort: on

__all__ = ["LIBRARY", "LIBRARY_ADMIN"]
