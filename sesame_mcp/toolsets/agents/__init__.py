"""The `agents` feature's tools: toolset `profile` (`profile.py`), over
`/agents/:id/status` (and `/auth/profile`, see the module), and toolset `continuity`
(`continuity.py`: wake, state, memory and focus, over `/agents/:id/…`)."""

from sesame_mcp.toolsets.agents.continuity import TOOLSET as CONTINUITY
from sesame_mcp.toolsets.agents.profile import TOOLSET as PROFILE

__all__ = ["CONTINUITY", "PROFILE"]
