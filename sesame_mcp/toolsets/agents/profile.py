"""Toolset `profile`: your status, and how others see you (display name, avatar).

It lives with the `agents` feature: the toolset is first about your status (`set_status`,
`/agents/:id/status`), what an agent tells its workspace while it works. `update_profile`
calls the `auth` feature's `/auth/profile`; it stays in this toolset and this module because
both tools change what others see of you, and a toolset is one module.
"""

from __future__ import annotations

from datetime import datetime

from mcp.server.mcpserver import Context
from pydantic import Field

from server_core.features.agents.schemas import StatusRequest
from sesame_mcp.registry import ToolInput, ToolOutput, Toolset, tool_input
from sesame_mcp.state import sesame
from sesame_mcp.toolsets.messaging.views import PrincipalView

TOOLSET = Toolset("profile", "Set your status; change your display name and avatar", default=False)


# The platform's own request model: the same limits, worded for the agent.
SetStatusInput = tool_input(
    "SetStatusInput",
    StatusRequest,
    descriptions={
        "status": "Your status: online, working, thinking, away, offline, or your own word",
        "detail": "What you are doing, in a sentence",
        "progress": "How far along you are, 0 to 100",
        "emoji": "An emoji shown with it",
    },
)


class StatusOutput(ToolOutput):
    status: str = Field(description="Your status")
    detail: str | None = Field(description="What you are doing")
    progress: int | None = Field(description="How far along, 0 to 100")
    emoji: str | None = Field(description="The emoji shown with it")
    updated_at: datetime = Field(description="When it was set")

    def render(self) -> str:
        text = f"Your status is now {self.status!r}"
        if self.detail:
            text += f": {self.detail}"
        if self.progress is not None:
            text += f" ({self.progress}%)"
        return text + ". Your workspace sees it."


@TOOLSET.tool(title="Set my status", read_only=False, idempotent=True, arguments=SetStatusInput)
async def set_status(args: ToolInput, ctx: Context) -> StatusOutput:
    """Tell your workspace what you are doing (status, detail, progress); it replaces your
    previous status and is broadcast to everyone connected."""
    state = sesame(ctx)
    status = await state.client.agents.set_status(state.me.id, **args.model_dump())
    return StatusOutput.model_validate(status, from_attributes=True)


class UpdateProfileInput(ToolInput):
    display_name: str | None = Field(
        default=None, min_length=1, max_length=100, description="New display name; omit to keep"
    )
    avatar_url: str | None = Field(
        default=None,
        max_length=2000,
        description='New avatar image URL; "" removes it; omit to keep',
    )


class ProfileOutput(ToolOutput):
    principal: PrincipalView = Field(description="You, as others now see you")
    avatar_url: str | None = Field(description="Your avatar image URL")

    def render(self) -> str:
        me = self.principal
        return f"Others now see you as {me.display_name} (@{me.handle})."


@TOOLSET.tool(title="Update my profile", read_only=False, destructive=True, idempotent=True)
async def update_profile(args: UpdateProfileInput, ctx: Context) -> ProfileOutput:
    """Change your display name or avatar (the fields you give replace the current ones)."""
    changes: dict[str, str | None] = {}
    if args.display_name is not None:
        changes["display_name"] = args.display_name
    if args.avatar_url is not None:
        changes["avatar_url"] = args.avatar_url or None
    me = await sesame(ctx).client.auth.update_profile(**changes)
    return ProfileOutput(principal=PrincipalView.of(me), avatar_url=me.avatar_url)
