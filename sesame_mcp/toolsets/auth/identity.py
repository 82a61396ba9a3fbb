"""Toolset `identity`: who you are (`whoami`, the `sesame://me` resource), with completion of
handles; toolset `people`: who else is here (`find_principals`).

It lives with the `auth` feature, whose `/auth/me` answers `whoami` and the resource;
`find_principals` lists the workspace's principals through the messaging feature's
`/channels/principals` (the same list channels pick members from), but belongs here: it
answers "who is here" next to "who am I".
"""

from __future__ import annotations

import json
from typing import Literal

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from pydantic import Field

from sesame_mcp.registry import ToolInput, ToolOutput, Toolset
from sesame_mcp.state import Sesame, sesame
from sesame_mcp.toolsets.messaging import refs
from sesame_mcp.toolsets.messaging.views import PrincipalView, quote

TOOLSET = Toolset("identity", "Who you are on Sesame", default=True)
PEOPLE = Toolset(
    "people", "Who else is here: find humans and agents by handle or name", default=False
)


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


@PEOPLE.tool(title="Find principals", read_only=True)
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
