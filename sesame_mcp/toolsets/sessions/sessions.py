"""The sessions of the workspace (toolset `sessions`, declared in `reservations.py`): the
runs of agents (IDE conversations, MCP connections, headless chats) and the files they hold.
`list_sessions`, `end_session`, `read_session` and `send_to_session` look at and talk to
them."""

from __future__ import annotations

from typing import Any, Literal

from mcp.server.mcpserver import Context
from pydantic import Field

from sesame_mcp.registry import ToolInput, ToolOutput
from sesame_mcp.state import Sesame, sesame
from sesame_mcp.toolsets.messaging.views import DATA_NOTE, MessageView
from sesame_mcp.toolsets.sessions.reservations import (
    SESSION_REF,
    TOOLSET,
    SessionRef,
    own_session,
    required_own_session,
)
from sesame_mcp.toolsets.sessions.views import SessionView

MAX_LIST = 200
MAX_READ = 200
MAX_WAIT = 120


async def session_views(state: Sesame, records: list[Any]) -> list[SessionView]:
    """Sessions as views, their agents named by handle."""
    views = []
    for record in records:
        view = SessionView.model_validate(record)
        if view.agent_id:
            view.agent_handle = await state.directory.handle(view.agent_id)
        views.append(view)
    return views


class SessionsOutput(ToolOutput):
    sessions: list[SessionView] = Field(description="Newest activity first")
    own_session_id: str | None = Field(description="This connection's session")

    def render(self) -> str:
        if not self.sessions:
            return "No sessions match."
        lines = [s.line(own=s.id == self.own_session_id) for s in self.sessions]
        return "\n".join([f"{len(self.sessions)} sessions:", *lines])


class ListInput(ToolInput):
    status: Literal["discovered", "active", "idle", "closed", "archived", "live", "all"] = Field(
        default="live", description="live (active, idle or discovered), a status, or all"
    )
    kind: Literal["chat", "ide", "mcp", "subagent", "imported"] | None = Field(
        default=None, description="Only this kind"
    )
    limit: int = Field(default=20, ge=1, le=MAX_LIST, description="At most this many")


@TOOLSET.tool(title="List sessions", read_only=True)
async def list_sessions(args: ListInput, ctx: Context) -> SessionsOutput:
    """Sessions you can see, newest activity first: who runs them, from which host, what they
    work on and the files they hold."""
    state = sesame(ctx)
    page = await state.client.sessions.list(status=args.status, kind=args.kind, limit=args.limit)
    sessions = await session_views(state, page.items)
    own = await own_session(state, ctx)
    return SessionsOutput(sessions=sessions, own_session_id=own)


class SessionOutput(ToolOutput):
    session: SessionView

    def render(self) -> str:
        return "Session " + self.session.line()[2:]


class EndInput(ToolInput):
    session: SessionRef | None = Field(
        default=None, description=SESSION_REF + "; default: this connection's"
    )


@TOOLSET.tool(title="End a session", read_only=False, destructive=True, idempotent=True)
async def end_session(args: EndInput, ctx: Context) -> SessionOutput:
    """End a session (default: this connection's): it is closed and its file reservations
    are released. This connection's starts again at its next call."""
    state = sesame(ctx)
    target = args.session or await required_own_session(state, ctx)
    ended = SessionView.model_validate(await state.client.sessions.end(target))
    if state.connections is not None:
        state.connections.forget(ended.id)  # its next call starts it again
    return SessionOutput(session=ended)


class HistoryOutput(SessionOutput):
    messages: list[MessageView] = Field(description="Oldest first")

    def render(self) -> str:
        lines = [super().render()]
        if not self.messages:
            return "\n".join([*lines, "No messages after that seq."])
        lines.append(f"{len(self.messages)} messages, oldest first. {DATA_NOTE}")
        return "\n".join([*lines, *(message.line() for message in self.messages)])


class ReadInput(ToolInput):
    session: SessionRef = Field(description=SESSION_REF)
    after: int = Field(default=0, ge=0, description="Only messages after this seq (0: all)")
    limit: int = Field(default=50, ge=1, le=MAX_READ, description="At most this many")


@TOOLSET.tool(title="Read a session", read_only=True)
async def read_session(args: ReadInput, ctx: Context) -> HistoryOutput:
    """A session and its history (messages after a seq, oldest first)."""
    state = sesame(ctx)
    session = await state.client.sessions.get(args.session)
    page = await state.client.sessions.messages(
        args.session, after=str(args.after), limit=args.limit, order="asc"
    )
    return HistoryOutput(
        session=SessionView.model_validate(session),
        messages=[MessageView.of(message) for message in page.items],
    )


class SentOutput(ToolOutput):
    message: MessageView
    reply: MessageView | None = Field(description="sync: the reply, null if none came in time")
    timed_out: bool

    def render(self) -> str:
        text = f"Sent #{self.message.seq}."
        if self.reply is not None:
            return f"{text} Reply ({DATA_NOTE})\n{self.reply.line()}"
        return f"{text} No reply in time." if self.timed_out else text


class SendInput(ToolInput):
    session: SessionRef = Field(description=SESSION_REF)
    content: str = Field(min_length=1, max_length=100_000, description="The message")
    mode: Literal["sync", "async"] = Field(
        default="async", description="async: return at once; sync: wait for the reply"
    )
    timeout: int = Field(default=30, ge=1, le=MAX_WAIT, description="sync: seconds to wait")


@TOOLSET.tool(title="Send to a session", read_only=False)
async def send_to_session(args: SendInput, ctx: Context) -> SentOutput:
    """Post a message into a session's history; with mode sync, wait for its agent's reply."""
    state = sesame(ctx)
    timeout = float(args.timeout) if args.mode == "sync" else None
    sent = await state.client.sessions.send(
        args.session, args.content, mode=args.mode, timeout=timeout
    )
    return SentOutput(
        message=MessageView.of(sent.message),
        reply=MessageView.of(sent.reply) if sent.reply is not None else None,
        timed_out=sent.timed_out,
    )
