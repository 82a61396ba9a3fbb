"""The `agents` feature's tools, over `/agents/:id/…` for the agent this server acts as:
toolset `continuity` (on by default: wake, save state, remember; `continuity.py`), toolset
`memory` (load state, recall, forget, focus; `memory.py`), their views (`views.py`), and
toolset `profile` (`profile.py`: status, display name and avatar, over `/agents/:id/status`
and `/auth/profile`)."""

from sesame_mcp.toolsets.agents.continuity import TOOLSET as CONTINUITY
from sesame_mcp.toolsets.agents.memory import TOOLSET as MEMORY
from sesame_mcp.toolsets.agents.profile import TOOLSET as PROFILE

__all__ = ["CONTINUITY", "MEMORY", "PROFILE"]
