"""The `projects` feature's tools: toolset `projects` (`projects.py`), over `/projects`."""

from sesame_mcp.toolsets.projects.projects import TOOLSET as PROJECTS

__all__ = ["PROJECTS"]
