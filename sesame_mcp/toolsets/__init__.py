"""One module per platform area: its toolsets, tools, resources and prompts."""

from __future__ import annotations

from sesame_mcp.registry import Toolset
from sesame_mcp.toolsets import (
    channel_admin,
    channels,
    events,
    history,  # noqa: F401  (registers the messaging toolset's resource, prompts, completions)
    identity,
    messaging,
    switch,
    vault,
    vault_admin,
)

# In the order `tools/list` shows them: the default toolsets first.
ALL_TOOLSETS: list[Toolset] = [
    identity.TOOLSET,
    channels.TOOLSET,
    messaging.TOOLSET,
    events.TOOLSET,
    switch.TOOLSET,
    identity.PROFILE,
    channel_admin.TOOLSET,
    messaging.ADMIN,
    vault.TOOLSET,
    vault_admin.TOOLSET,
]
