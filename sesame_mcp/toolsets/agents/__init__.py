"""The `agents` feature's tools: toolset `profile` (`profile.py`), over
`/agents/:id/status` (and `/auth/profile`, see the module)."""

from sesame_mcp.toolsets.agents.profile import TOOLSET as PROFILE

__all__ = ["PROFILE"]
