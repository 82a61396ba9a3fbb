"""How messages are read: rows selected with their sender, opened with the workspace's data
key, and shown as the wire shows them (`schemas.Message`), reactions included."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.config import Settings
from server_core.features.messaging.attachment_watchers import watched_metadata
from server_core.features.messaging.attachments import attachments_of, describe_attachments
from server_core.features.messaging.schemas import Message
from server_core.features.messaging.tables import message_reactions, messages
from server_core.kernel.auth import Caller
from server_core.kernel.clock import to_wire
from server_core.kernel.errors import NotFound
from server_core.kernel.ids import parse_id
from server_core.kernel.keyring import Keyring
from server_core.kernel.store.tables import principals

# The columns a rendered message needs, sender included: only those (every JSON or timestamp
# column costs a decode per row), and whether the message has reactions, so a page without
# any skips the reactions query.
MESSAGE_COLUMNS = (
    *(
        messages.c[name]
        for name in (
            "id",
            "channel_id",
            "sender_id",
            "seq",
            "kind",
            "intent",
            "ciphertext",
            "key_id",
            "thread_root_id",
            "reply_count",
            "mentions",
            "meta",
            "attachment_ids",
            "client_generated_id",
            "is_edited",
            "is_deleted",
            "created_at",
            "updated_at",
        )
    ),
    principals.c.handle.label("sender_handle"),
    principals.c.display_name.label("sender_display_name"),
    principals.c.kind.label("sender_kind"),
    sa.exists().where(message_reactions.c.message_id == messages.c.id).label("has_reactions"),
)
MESSAGE_FROM = messages.join(principals, principals.c.id == messages.c.sender_id)


def bound_to(message_id: str) -> str:
    """What a message's text is sealed to: its id (see `keyring`)."""
    return f"message:{message_id}"


@dataclass(frozen=True)
class Author:
    """Who a message is from, as its metadata shows it."""

    id: str
    handle: str
    display_name: str
    kind: str

    @staticmethod
    def of(caller: Caller) -> Author:
        return Author(caller.principal_id, caller.handle, caller.display_name, caller.kind)


def _metadata(
    stored: dict[str, Any] | None,
    author: Author,
    reactions: list[dict[str, Any]],
    attachments: list[dict[str, Any]],
    watched: dict[str, Any] | None = None,
) -> dict[str, Any]:
    # Read-time fields win over anything a sender stored under the same names.
    return {
        **(stored or {}),
        **(watched or {}),
        "senderHandle": author.handle,
        "senderDisplayName": author.display_name,
        "senderKind": author.kind,
        "reactions": reactions,
        "attachments": attachments,
        "linkPreviews": [],
    }


def wire_message(
    row: RowMapping,
    plaintext: str | None,
    author: Author,
    reactions: list[dict[str, Any]],
    attachments: list[dict[str, Any]] | None = None,
    watched: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A message row as the wire shows it (camelCase; see `schemas.Message`); `watched`: the
    fields other features keep for its attachments (`attachment_watchers`)."""
    created_at = to_wire(row["created_at"])
    return {
        "id": row["id"],
        "channelId": row["channel_id"],
        "senderId": row["sender_id"],
        "seq": row["seq"],
        "kind": row["kind"],
        "intent": row["intent"],
        "plaintext": plaintext,
        "threadRootId": row["thread_root_id"],
        "replyCount": row["reply_count"],
        "mentions": row["mentions"] or [],
        "metadata": _metadata(row["meta"], author, reactions, attachments or [], watched),
        "clientGeneratedId": row["client_generated_id"],
        "isEdited": bool(row["is_edited"]),
        "isDeleted": bool(row["is_deleted"]),
        "createdAt": created_at,
        # Usually the same instant: formatted once.
        "updatedAt": created_at
        if row["updated_at"] == row["created_at"]
        else to_wire(row["updated_at"]),
    }


def plaintext_of(conn: Connection, keyring: Keyring, row: RowMapping) -> str | None:
    if row["ciphertext"] is None:
        return None
    return keyring.open(conn, row["key_id"], row["ciphertext"], bound_to(row["id"]))


def reactions_of(
    conn: Connection, message_ids: Sequence[str], viewer_id: str
) -> dict[str, list[dict[str, Any]]]:
    """`{messageId: [{emoji, count, hasReacted}]}`, emojis in the order first used."""
    if not message_ids:
        return {}
    mine = sa.func.max(sa.case((message_reactions.c.principal_id == viewer_id, 1), else_=0))
    rows = conn.execute(
        sa.select(
            message_reactions.c.message_id,
            message_reactions.c.emoji,
            sa.func.count().label("count"),
            mine.label("mine"),
        )
        .where(message_reactions.c.message_id.in_(message_ids))
        .group_by(message_reactions.c.message_id, message_reactions.c.emoji)
        .order_by(sa.func.min(message_reactions.c.created_at), message_reactions.c.emoji)
    ).all()
    found: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        found.setdefault(row.message_id, []).append(
            {"emoji": row.emoji, "count": row.count, "hasReacted": bool(row.mine)}
        )
    return found


def render(
    conn: Connection,
    keyring: Keyring,
    rows: Sequence[RowMapping],
    viewer_id: str,
    settings: Settings | None = None,
) -> list[dict[str, Any]]:
    """Rows selected with `MESSAGE_COLUMNS` → wire dicts, with reactions, text and attachments
    (their download links signed now, when `settings` are given; see `attachments`)."""
    reactions = reactions_of(conn, [row["id"] for row in rows if row["has_reactions"]], viewer_id)
    attached = [
        file_id for row in rows if not row["is_deleted"] for file_id in row["attachment_ids"] or ()
    ]
    described = describe_attachments(conn, keyring, settings, attached) if attached else {}
    with_attachments = [
        row["id"] for row in rows if not row["is_deleted"] and row["attachment_ids"]
    ]
    watched = watched_metadata(conn, keyring, with_attachments) if with_attachments else {}
    return [
        wire_message(
            row,
            plaintext_of(conn, keyring, row),
            Author(
                row["sender_id"],
                row["sender_handle"],
                row["sender_display_name"],
                row["sender_kind"],
            ),
            reactions.get(row["id"], []),
            attachments_of(described, row["attachment_ids"]) if not row["is_deleted"] else [],
            watched.get(row["id"]),
        )
        for row in rows
    ]


def load_message(conn: Connection, channel_id: str, message_id: str) -> RowMapping:
    canonical = parse_id(message_id)
    row = (
        conn.execute(
            sa.select(*MESSAGE_COLUMNS)
            .select_from(MESSAGE_FROM)
            .where(messages.c.id == canonical, messages.c.channel_id == channel_id)
        )
        .mappings()
        .first()
        if canonical
        else None
    )
    if row is None:
        raise NotFound(f"No message with id '{message_id}' in this channel")
    return row


def get_message(
    conn: Connection,
    keyring: Keyring,
    channel_id: str,
    message_id: str,
    viewer_id: str,
    settings: Settings | None = None,
) -> Message:
    row = load_message(conn, channel_id, message_id)
    return Message.model_validate(render(conn, keyring, [row], viewer_id, settings)[0])
