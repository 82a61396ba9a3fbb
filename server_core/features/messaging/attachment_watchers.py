"""Attachments that mean more to another feature (voice: audio and video get a transcript).

Messaging knows nothing of what files contain. A feature that derives something from them
registers a watcher here when its `feature.py` is imported; messaging then tells it of every
message sent with attachments, inside the send's transaction once the message is written (its
changes commit or roll back with the send), and asks it, whenever messages with attachments
are shown, for the metadata fields it keeps for them (`transcribing`, `transcript`, …), and
tells it when such a message is deleted. Those fields are read-time fields: they win over
anything a sender stored under the same names.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy.engine import Connection

from server_core.config import Settings
from server_core.features.messaging.schemas import Message
from server_core.kernel.keyring import Keyring


class AttachmentWatcher(Protocol):
    def sent(
        self,
        conn: Connection,
        *,
        settings: Settings | None,
        workspace_id: str,
        message: Message,
    ) -> None:
        """`message` (its `metadata.attachments` described) was just written."""
        ...

    def deleted(self, conn: Connection, *, message_id: str) -> None:
        """The message was deleted: what was kept for it goes with its text."""
        ...

    def shown(
        self, conn: Connection, *, keyring: Keyring, message_ids: Sequence[str]
    ) -> dict[str, dict[str, Any]]:
        """`{messageId: {field: value}}`: metadata fields of those messages it keeps."""
        ...


_WATCHERS: list[AttachmentWatcher] = []


def watch_attachments(watcher: AttachmentWatcher) -> None:
    """Tell `watcher` of attachments from now on (once, however often it is registered)."""
    if watcher not in _WATCHERS:
        _WATCHERS.append(watcher)


def attachments_sent(
    conn: Connection,
    keyring: Keyring,
    settings: Settings | None,
    workspace_id: str,
    message: Message,
) -> None:
    """Tell the watchers, then show the sent message as a later read will."""
    if not _WATCHERS or not message.metadata.get("attachments"):
        return
    for watcher in tuple(_WATCHERS):
        watcher.sent(conn, settings=settings, workspace_id=workspace_id, message=message)
    message.metadata.update(watched_metadata(conn, keyring, [message.id]).get(message.id, {}))


def attachments_deleted(conn: Connection, message_id: str) -> None:
    for watcher in tuple(_WATCHERS):
        watcher.deleted(conn, message_id=message_id)


def watched_metadata(
    conn: Connection, keyring: Keyring, message_ids: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """The watchers' fields of these messages (those that have any)."""
    if not _WATCHERS or not message_ids:
        return {}
    found: dict[str, dict[str, Any]] = {}
    for watcher in tuple(_WATCHERS):
        for message_id, fields in watcher.shown(
            conn, keyring=keyring, message_ids=message_ids
        ).items():
            found.setdefault(message_id, {}).update(fields)
    return found
