"""Toolset `toolsets`: switch the optional toolsets on and off while the server runs, so the
default tool list stays short and an agent still reaches every operation when it needs one."""

from __future__ import annotations

from mcp.server.mcpserver import Context
from pydantic import Field

from sesame_mcp.registry import ToolFailure, ToolInput, ToolOutput, Toolset, UnknownToolset
from sesame_mcp.state import sesame

TOOLSET = Toolset("toolsets", "Switch optional toolsets on and off", default=True)


class SwitchToolsetsInput(ToolInput):
    enable: list[str] = Field(
        default_factory=list, max_length=20, description="Toolsets to switch on"
    )
    disable: list[str] = Field(
        default_factory=list, max_length=20, description="Toolsets to switch off"
    )


class ToolsetsOutput(ToolOutput):
    enabled: list[str] = Field(description="The toolsets on now")
    added: list[str] = Field(description="Tools that came with this change")
    removed: list[str] = Field(description="Tools that went with this change")
    read_only: bool = Field(description="Whether this server offers read tools only")
    available: dict[str, str] = Field(description="The toolsets off: name → what it holds")

    def render(self) -> str:
        lines = [f"Toolsets on: {', '.join(self.enabled) or 'none'}."]
        if self.available:
            offered = "; ".join(f"{name} ({what})" for name, what in self.available.items())
            lines.append(f"Off: {offered}.")
        if self.added:
            lines.append(f"New tools: {', '.join(self.added)}.")
        if self.removed:
            lines.append(f"Tools gone: {', '.join(self.removed)}.")
        if self.read_only:
            lines.append("This server is read-only: tools that write stay hidden.")
        return " ".join(lines)


@TOOLSET.tool(title="Switch toolsets", read_only=True, idempotent=True)
async def switch_toolsets(args: SwitchToolsetsInput, ctx: Context) -> ToolsetsOutput:
    """Switch toolsets on or off; no arguments lists what each holds: memory, people,
    profile, discovery, attention, channel_admin, message_admin, vault, vault_admin, projects,
    tasks, tasks_admin, schedule, autonomy, drive, webhooks, work_streams, library,
    library_admin, sessions."""
    toolbox = sesame(ctx).toolbox
    if toolbox is None:
        raise ToolFailure("this server's toolsets are fixed.")
    if args.enable or args.disable:
        try:
            added, removed = toolbox.switch(args.enable, args.disable)
        except UnknownToolset as error:
            raise ToolFailure(f"{error}.") from None
        if added or removed:
            await toolbox.announce(ctx)
    else:
        added, removed = [], []
    return ToolsetsOutput(
        enabled=toolbox.enabled,
        added=added,
        removed=removed,
        read_only=toolbox.read_only,
        available={
            toolset.name: toolset.description
            for toolset in toolbox.toolsets
            if toolset.name not in toolbox.enabled
        },
    )
