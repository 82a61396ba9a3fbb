"""What the sessions tools answer with: sessions, reservations and the check of paths, as
compact views with their lines. Tasks, titles and reasons are quoted: others wrote them."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from sesame_mcp.registry import View
from sesame_mcp.toolsets.messaging.views import quote


class SessionView(View):
    id: str
    kind: str
    status: str
    client_id: str | None = None
    adapter_name: str | None = None
    agent_id: str | None = None
    agent_handle: str | None = None
    title: str | None = None
    current_task: str | None = None
    current_file: str | None = None
    cwd: str | None = None
    reserved_files: list[str] = Field(default_factory=list)
    last_activity_at: datetime | None = None

    def line(self, *, own: bool = False) -> str:
        """`- @scout cursor (mcp, active) task "fix login" files: a.py, b.py [id]`"""
        who = f"@{self.agent_handle}" if self.agent_handle else None
        what = " ".join(part for part in (who, self.client_id or self.adapter_name) if part)
        head = f"- {what or 'session'} ({self.kind}, {self.status})"
        if own:
            head += " (this connection)"
        if self.title:
            head += f" {quote(self.title)}"
        if self.current_task:
            head += f" task {quote(self.current_task)}"
        if self.reserved_files:
            head += " files: " + ", ".join(self.reserved_files[:5])
            if len(self.reserved_files) > 5:
                head += f" and {len(self.reserved_files) - 5} more"
        return f"{head} [{self.id}]"


class HolderView(View):
    session_id: str
    principal_id: str | None = None
    name: str | None = None
    task: str | None = None
    minutes_left: int | None = None

    def label(self) -> str:
        who = self.name or self.principal_id or "another session"
        said = who + (f" — {quote(self.task)}" if self.task else "")
        return said + (f" ({self.minutes_left} min left)" if self.minutes_left is not None else "")


class ReservationView(View):
    id: str
    session_id: str
    path: str
    exclusive: bool = True
    reason: str | None = None
    expires_at: datetime | None = None


class ConflictView(View):
    path: str
    holder: HolderView | None = None

    def line(self) -> str:
        holder = self.holder.label() if self.holder else "another session"
        return f"- {self.path}: reserved by {holder}"


class CheckView(View):
    path: str
    allowed: bool
    holder: HolderView | None = None
    message: str | None = None

    def line(self) -> str:
        if self.allowed:
            return f"- {self.path}: yours to write"
        said = self.message or (
            f"reserved by {self.holder.label()}" if self.holder else "reserved by another session"
        )
        return f"- {self.path}: do not write: {said}"
