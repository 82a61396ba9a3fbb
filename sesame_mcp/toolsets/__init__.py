"""One module per platform area: its toolset, tools, resources and prompts."""

from __future__ import annotations

from sesame_mcp.registry import Toolset
from sesame_mcp.toolsets import events, identity

# In the order `tools/list` shows them.
ALL_TOOLSETS: list[Toolset] = [identity.TOOLSET, events.TOOLSET]
