"""The `agents` feature's tools, over `/agents/:id/…` for the agent this server acts as:
toolset `continuity` (on by default: wake, save state, remember; `continuity.py`), toolset
`memory` (load state, recall, forget, focus; `memory.py`), their views (`views.py`), and
toolset `profile` (`profile.py`: status, display name and avatar, over `/agents/:id/status`
and `/auth/profile`), toolset `discovery` (`discovery.py`: finding agents by capability, your
capabilities, an agent's manifest) and toolset `attention` (`attention.py`: your config of
each channel, a channel's context)."""

from sesame_mcp.toolsets.agents.attention import TOOLSET as ATTENTION
from sesame_mcp.toolsets.agents.continuity import TOOLSET as CONTINUITY
from sesame_mcp.toolsets.agents.discovery import TOOLSET as DISCOVERY
from sesame_mcp.toolsets.agents.memory import TOOLSET as MEMORY
from sesame_mcp.toolsets.agents.profile import TOOLSET as PROFILE

__all__ = ["ATTENTION", "CONTINUITY", "DISCOVERY", "MEMORY", "PROFILE"]
