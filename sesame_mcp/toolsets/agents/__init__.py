"""The `agents` feature's tools: toolset `profile` (`profile.py`), over
`/agents/:id/status` (and `/auth/profile`, see the module), toolset `continuity`
(`continuity.py`: wake, state, memory and focus, over `/agents/:id/…`), toolset `discovery`
(`discovery.py`: finding agents by capability, your capabilities, an agent's manifest) and
toolset `attention` (`attention.py`: your config of each channel, a channel's context)."""

from sesame_mcp.toolsets.agents.attention import TOOLSET as ATTENTION
from sesame_mcp.toolsets.agents.continuity import TOOLSET as CONTINUITY
from sesame_mcp.toolsets.agents.discovery import TOOLSET as DISCOVERY
from sesame_mcp.toolsets.agents.profile import TOOLSET as PROFILE

__all__ = ["ATTENTION", "CONTINUITY", "DISCOVERY", "PROFILE"]
