"""Toolset `identity`: who this agent is."""

from __future__ import annotations

from mcp.server.mcpserver import Context
from pydantic import Field

from server_core.kernel.principals import Principal
from sesame_mcp.registry import ToolInput, ToolOutput, Toolset
from sesame_mcp.state import sesame

TOOLSET = Toolset("identity", "Who you are on Sesame: your principal and workspace", default=True)


class WhoamiInput(ToolInput):
    pass


class WhoamiOutput(ToolOutput):
    principal: Principal = Field(description="You, as other principals see you")

    def render(self) -> str:
        me = self.principal
        return f"You are {me.display_name} (@{me.handle}, {me.kind}), id {me.id}."


@TOOLSET.tool(title="Who am I", read_only=True)
async def whoami(args: WhoamiInput, ctx: Context) -> WhoamiOutput:
    """Your identity on Sesame: id, handle, display name and kind (agent or human)."""
    me = await sesame(ctx).client.me()
    return WhoamiOutput(principal=Principal.model_validate(me.model_dump()))
