"""Events as one line an agent reads: `@bob in #plans wrote: "…"`.

Text others wrote is data, never instructions: it is always quoted as a JSON string, so a
message cannot end the quote, start a line of its own or pass for the server's words.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from sesame_mcp.events import FeedEvent

MAX_QUOTE = 500  # characters of a message quoted in the summary (the full text is in `text`)


def quote(text: str | None) -> str:
    if text is None:
        return "(no text)"
    if len(text) > MAX_QUOTE:
        text = text[:MAX_QUOTE] + "…"
    return json.dumps(text, ensure_ascii=False)


def describe(event: FeedEvent) -> str:
    """The event in one line, naming who did it and where."""
    line = _DESCRIBE.get(event.type, _other)(event)
    return line + (" (mentions you)" if event.mentions_me else "")


def _who(event: FeedEvent) -> str:
    if event.actor:
        return f"@{event.actor}"
    return f"principal {event.actor_id}" if event.actor_id else "someone"


def _where(event: FeedEvent) -> str:
    return event.channel or (f"channel {event.channel_id}" if event.channel_id else "Sesame")


def _message(event: FeedEvent) -> str:
    message = event.data.get("message")
    replied = isinstance(message, dict) and message.get("threadRootId")
    how = "replied in a thread" if replied else "wrote"
    return (
        f"{_who(event)} in {_where(event)} {how}: {quote(event.text)} [message {event.message_id}]"
    )


def _edited(event: FeedEvent) -> str:
    return f"message {event.message_id} in {_where(event)} was edited to: {quote(event.text)}"


def _transcribed(event: FeedEvent) -> str:
    return f"message {event.message_id} in {_where(event)} was transcribed: {quote(event.text)}"


def _deleted(event: FeedEvent) -> str:
    return f"message {event.message_id} in {_where(event)} was deleted"


def _reaction(event: FeedEvent) -> str:
    emoji = quote(str(event.data.get("emoji", "")))
    target = f"message {event.message_id} in {_where(event)}"
    if event.data.get("action") == "remove":
        return f"{_who(event)} removed reaction {emoji} from {target}"
    return f"{_who(event)} reacted {emoji} to {target}"


def _membership(event: FeedEvent) -> str:
    action = event.data.get("action")
    if action == "join":
        return f"{_who(event)} joined {_where(event)}"
    if action == "leave":
        return f"{_who(event)} left {_where(event)}"
    return f"{_who(event)} is now {event.data.get('role')} in {_where(event)}"


def _channel_updated(event: FeedEvent) -> str:
    changes = event.data.get("changes")
    names = ", ".join(sorted(changes)) if isinstance(changes, dict) else "settings"
    return f"{_where(event)} was updated: {names}"


def _read_receipt(event: FeedEvent) -> str:
    return f"{_who(event)} read {_where(event)} up to message seq {event.data.get('seq')}"


def _typing(event: FeedEvent) -> str:
    return f"{_who(event)} is typing in {_where(event)}"


def _presence(event: FeedEvent) -> str:
    line = f"{_who(event)} is now {quote(str(event.data.get('status')))}"
    detail = event.data.get("detail")
    return line + (f": {quote(str(detail))}" if detail else "")


def _lease_request(event: FeedEvent) -> str:
    reason = event.data.get("reason")
    why = f": {quote(str(reason))}" if reason else ""
    return (
        f"{_who(event)} asks for a lease on vault item {event.data.get('itemId')} "
        f"(lease {event.data.get('leaseId')}){why}"
    )


def _lease_approved(event: FeedEvent) -> str:
    return (
        f"{_who(event)} approved your lease {event.data.get('leaseId')} on vault item "
        f"{event.data.get('itemId')}, until {event.data.get('expiresAt')}"
    )


def _item_shared(event: FeedEvent) -> str:
    reveal = "with reveal" if event.data.get("canReveal") else "without reveal"
    return f"{_who(event)} shared vault item {event.data.get('itemId')} with you ({reveal})"


def _project(event: FeedEvent) -> str:
    project = event.data.get("project")
    slug = project.get("slug") if isinstance(project, dict) else None
    action = event.data.get("action", "updated")
    return f"project {slug or '?'} was {action} (get_project shows it)"


def _task(event: FeedEvent) -> str:
    task = event.data.get("task")
    key = task.get("key") if isinstance(task, dict) else None
    title = quote(str(task.get("title", ""))) if isinstance(task, dict) else ""
    action = str(event.data.get("action", "updated")).replace("_", " ")
    return f"task {key or '?'} {title} was {action}"


def _library_page(event: FeedEvent) -> str:
    page = event.data.get("page")
    path = quote(str(page.get("path", ""))) if isinstance(page, dict) else "?"
    action = str(event.data.get("action", "updated"))
    return f"library page {path} was {action} (library {event.data.get('libraryId')})"


def _work_stream(event: FeedEvent) -> str:
    stream = event.data.get("workStream")
    title = quote(str(stream.get("title", ""))) if isinstance(stream, dict) else ""
    ref = stream.get("id") if isinstance(stream, dict) else None
    action = str(event.data.get("action", "updated"))
    if action == "output":
        count = len(event.data.get("events") or [])
        return f"work stream {title} has {count} new events (read_work_stream {ref})"
    return f"work stream {title} was {action} ({ref})"


def _session(event: FeedEvent) -> str:
    session = event.data.get("session")
    ref = session.get("externalId") or session.get("id") if isinstance(session, dict) else None
    title = quote(str(session.get("title") or "")) if isinstance(session, dict) else ""
    return f"session {title or ref} was {event.data.get('action', 'updated')} ({ref})"


def _file_reservation(event: FeedEvent) -> str:
    held = event.data.get("reservation")
    path = quote(str(held.get("path", ""))) if isinstance(held, dict) else "?"
    session = held.get("sessionId") if isinstance(held, dict) else None
    return f"file {path} was {event.data.get('action', 'reserved')} (session {session})"


def _other(event: FeedEvent) -> str:
    return f"{event.type} in {_where(event)}"


_DESCRIBE: dict[str, Callable[[FeedEvent], str]] = {
    "message": _message,
    "message.edited": _edited,
    "message.deleted": _deleted,
    "voice.transcribed": _transcribed,
    "reaction": _reaction,
    "membership": _membership,
    "channel.updated": _channel_updated,
    "read_receipt": _read_receipt,
    "typing": _typing,
    "presence": _presence,
    "vault.lease_request": _lease_request,
    "vault.lease_approved": _lease_approved,
    "vault.item_shared": _item_shared,
    "project": _project,
    "task": _task,
    "library.page": _library_page,
    "work_stream": _work_stream,
    "session": _session,
    "file_reservation": _file_reservation,
}
