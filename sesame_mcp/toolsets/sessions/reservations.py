"""Toolset `sessions`, and the file reservations of this connection's session (which is a
platform session: `sesame_mcp.connections`): reserve the files you are about to edit so other
sessions leave them alone, release them when done, and check paths before writing (what IDE
hooks do for hosts that have them). A reservation lasts 10 minutes after it was last renewed;
reserving again renews it; ending the session releases every one. The tools on sessions
themselves are in `sessions.py`."""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import Context
from pydantic import Field, StringConstraints

from sesame_mcp.registry import ToolFailure, ToolInput, ToolOutput, Toolset
from sesame_mcp.state import Sesame, sesame
from sesame_mcp.toolsets.sessions.views import CheckView, ConflictView, ReservationView

TOOLSET = Toolset(
    "sessions",
    "Sessions: reserve the files you edit, check before writing, see and message other sessions",
    default=False,
    next_steps={
        "not_found": "list_sessions shows the sessions you can see, with their ids",
        "session_ended": "the session has ended: list_sessions shows the live ones",
    },
)

SessionRef = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
SESSION_REF = "The session's id or external id (list_sessions shows them)"


async def own_session(state: Sesame, ctx: Context) -> str | None:
    """The id of this connection's platform session (None when the platform keeps none)."""
    if state.connections is None:
        return None
    live = await state.connections.current(ctx.session, ctx.protocol_version)
    return live.id if live is not None else None


async def required_own_session(state: Sesame, ctx: Context) -> str:
    """This connection's session, or a failure the agent can read."""
    found = await own_session(state, ctx)
    if found is None:
        raise ToolFailure(
            "This connection has no session on the platform (it may not keep sessions): "
            "file reservations are not available."
        )
    return found


MAX_PATHS = 50
Path = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
PATHS = "Repo-relative paths, e.g. src/app.py"


class ReservedOutput(ToolOutput):
    granted: list[ReservationView]
    conflicts: list[ConflictView] = Field(description="Paths another session holds")

    def render(self) -> str:
        lines = []
        if self.granted:
            paths = ", ".join(r.path for r in self.granted)
            lines.append(f"Reserved for this session (10 min, renewed on reserve): {paths}")
        if self.conflicts:
            lines.append("Not reserved; do not edit these:")
            lines += [conflict.line() for conflict in self.conflicts]
        return "\n".join(lines) or "Nothing reserved."


class ReserveInput(ToolInput):
    paths: list[Path] = Field(min_length=1, max_length=MAX_PATHS, description=PATHS)
    reason: str | None = Field(
        default=None, max_length=2000, description="What you are doing, shown to others"
    )


@TOOLSET.tool(title="Reserve files", read_only=False, idempotent=True)
async def reserve_files(args: ReserveInput, ctx: Context) -> ReservedOutput:
    """Reserve files you are about to edit, for this session: others are told to leave them.
    Says which are held by another session."""
    state = sesame(ctx)
    session_id = await required_own_session(state, ctx)
    answer = await state.client.sessions.reserve(session_id, args.paths, reason=args.reason)
    return ReservedOutput.model_validate(answer)


class ReleasedOutput(ToolOutput):
    released: int

    def render(self) -> str:
        return f"Released {self.released} reservations."


class ReleaseInput(ToolInput):
    paths: list[Path] | None = Field(
        default=None, max_length=MAX_PATHS, description=PATHS + "; default: all of yours"
    )


@TOOLSET.tool(title="Release files", read_only=False, destructive=True, idempotent=True)
async def release_files(args: ReleaseInput, ctx: Context) -> ReleasedOutput:
    """Release this session's reservations of these files (all of them by default) once you
    are done editing."""
    state = sesame(ctx)
    session_id = await required_own_session(state, ctx)
    answer = await state.client.sessions.release(session_id, path=args.paths or [])
    return ReleasedOutput.model_validate(answer)


class CheckedOutput(ToolOutput):
    paths: list[CheckView]

    def render(self) -> str:
        return "\n".join(view.line() for view in self.paths)


class CheckInput(ToolInput):
    paths: list[Path] = Field(min_length=1, max_length=MAX_PATHS, description=PATHS)


@TOOLSET.tool(title="Check files", read_only=True)
async def check_files(args: CheckInput, ctx: Context) -> CheckedOutput:
    """Before writing files: whether this session may write each one, or who holds it."""
    state = sesame(ctx)
    session_id = await own_session(state, ctx)
    checked = await state.client.sessions.check(args.paths, session_id=session_id)
    return CheckedOutput(paths=[CheckView.model_validate(item) for item in checked])
