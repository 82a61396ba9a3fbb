"""One module per platform area: its toolsets, tools, resources and prompts."""

from __future__ import annotations

from sesame_mcp.registry import Toolset
from sesame_mcp.toolsets import channel_admin, channels, history, identity, messaging

assert history  # registers the messaging toolset's resource, prompts and completions

# In the order `tools/list` shows them: the default toolsets first.
ALL_TOOLSETS: list[Toolset] = [
    identity.TOOLSET,
    channels.TOOLSET,
    messaging.TOOLSET,
    identity.PROFILE,
    channel_admin.TOOLSET,
    messaging.ADMIN,
]
