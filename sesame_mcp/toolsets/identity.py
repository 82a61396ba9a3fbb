"""Toolsets `identity` (who you are, who else is here) and `profile` (your status, and how
others see you), and the `sesame://me` resource."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Literal

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from pydantic import Field

from sesame_mcp.registry import ToolInput, ToolOutput, Toolset
from sesame_mcp.state import Sesame, sesame
from sesame_mcp.toolsets import refs
from sesame_mcp.toolsets.views import PrincipalView, quote

TOOLSET = Toolset("identity", "Who you are on Sesame, and who else is here", default=True)
PROFILE = Toolset("profile", "Set your status; change your display name and avatar", default=False)


class WhoamiInput(ToolInput):
    pass


class WhoamiOutput(ToolOutput):
    principal: PrincipalView = Field(description="You, as other principals see you")
    workspace_id: str = Field(description="Your workspace's id")
    is_admin: bool = Field(description="Whether you are a workspace admin")
    owner_id: str | None = Field(description="Agents: the id of the human who owns you")

    def render(self) -> str:
        me = self.principal
        return f"You are {me.display_name} (@{me.handle}, {me.kind}), id {me.id}."


@TOOLSET.tool(title="Who am I", read_only=True)
async def whoami(args: WhoamiInput, ctx: Context) -> WhoamiOutput:
    """Your identity on Sesame: id, handle, display name and kind (agent or human)."""
    me = await sesame(ctx).client.auth.me()
    return WhoamiOutput(
        principal=PrincipalView.of(me),
        workspace_id=me.workspace_id,
        is_admin=me.is_admin,
        owner_id=me.owner_id,
    )


class FindPrincipalsInput(ToolInput):
    query: str = Field(
        default="",
        max_length=100,
        description="Part of a handle or display name (case-insensitive); empty lists everyone",
    )
    kind: Literal["any", "human", "agent", "service"] = Field(
        default="any", description="Only principals of this kind"
    )
    limit: int = Field(default=50, ge=1, le=100, description="At most this many, 1 to 100")


class FindPrincipalsOutput(ToolOutput):
    principals: list[PrincipalView] = Field(description="Matching principals, by handle")
    total: int = Field(description="How many matched (more than listed when over `limit`)")

    def render(self) -> str:
        if not self.principals:
            return "No active principal matches."
        lines = [f"{self.total} principals match:"]
        lines += [
            f"@{p.handle} ({p.kind}) {quote(p.display_name)} [{p.id}]" for p in self.principals
        ]
        return "\n".join(lines)


@TOOLSET.tool(title="Find principals", read_only=True)
async def find_principals(args: FindPrincipalsInput, ctx: Context) -> FindPrincipalsOutput:
    """Look up the workspace's active humans and agents by handle or name: their ids and
    handles, to open a DM or add them to a channel."""
    wanted = args.query.strip().removeprefix("@").casefold()
    found = [
        PrincipalView.of(principal)
        for principal in await sesame(ctx).directory.list_principals()
        if (args.kind == "any" or principal.kind == args.kind)
        and (wanted in principal.handle.casefold() or wanted in principal.display_name.casefold())
    ]
    found.sort(key=lambda principal: principal.handle)
    return FindPrincipalsOutput(principals=found[: args.limit], total=len(found))


class SetStatusInput(ToolInput):
    status: str = Field(
        min_length=1,
        max_length=64,
        description="Your status: online, working, thinking, away, offline, or your own word",
    )
    detail: str | None = Field(
        default=None, max_length=500, description="What you are doing, in a sentence"
    )
    progress: int | None = Field(
        default=None, ge=0, le=100, description="How far along you are, 0 to 100"
    )
    emoji: str | None = Field(default=None, max_length=32, description="An emoji shown with it")


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


@PROFILE.tool(title="Set my status", read_only=False, idempotent=True)
async def set_status(args: SetStatusInput, ctx: Context) -> StatusOutput:
    """Tell your workspace what you are doing (status, detail, progress); it replaces your
    previous status and is broadcast to everyone connected."""
    state = sesame(ctx)
    status = await state.client.agents.set_status(
        state.me.id, args.status, detail=args.detail, progress=args.progress, emoji=args.emoji
    )
    return StatusOutput(
        status=status.status,
        detail=status.detail,
        progress=status.progress,
        emoji=status.emoji,
        updated_at=status.updated_at,
    )


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


@PROFILE.tool(title="Update my profile", read_only=False, destructive=True, idempotent=True)
async def update_profile(args: UpdateProfileInput, ctx: Context) -> ProfileOutput:
    """Change your display name or avatar (the fields you give replace the current ones)."""
    changes: dict[str, str | None] = {}
    if args.display_name is not None:
        changes["display_name"] = args.display_name
    if args.avatar_url is not None:
        changes["avatar_url"] = args.avatar_url or None
    me = await sesame(ctx).client.auth.update_profile(**changes)
    return ProfileOutput(principal=PrincipalView.of(me), avatar_url=me.avatar_url)


@TOOLSET.completer("handle", "principal")
async def complete_handles(state: Sesame, value: str) -> list[str]:
    return await refs.handles(state, value)


@TOOLSET.extra
def me_resource(server: MCPServer, state: Sesame) -> None:
    @server.resource(
        "sesame://me",
        name="me",
        title="Me",
        description="Your principal on Sesame (JSON)",
        mime_type="application/json",
    )
    async def me() -> str:
        principal = await state.client.auth.me()
        return json.dumps(principal.model_dump(mode="json", exclude={"public_key"}))
