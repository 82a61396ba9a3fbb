"""Sequencing: a message is written as its channel's next seq.

The channel row is locked (read with `lock=True` in the same transaction), the message takes
`last_seq + 1` and the channel's `last_seq` is written back with it, so per-channel seq is
gap-free and strictly increasing on both engines and across processes. The text is stored only
sealed by the workspace's data key (see `keyring`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.features.messaging.events import MessageCreated
from server_core.features.messaging.rendering import Author, bound_to, wire_message
from server_core.features.messaging.schemas import Message
from server_core.features.messaging.tables import channel_members, channels, messages
from server_core.kernel.clock import utcnow
from server_core.kernel.events import EventRoute
from server_core.kernel.ids import new_id
from server_core.kernel.keyring import Keyring

# Built once: sends are the hottest write, and building a statement costs more than running it.
_INSERT_MESSAGE = sa.insert(messages)
# The SET clause comes from the parameters: the new seq plus any turn-taking changes.
_ADVANCE_CHANNEL = sa.update(channels).where(channels.c.id == sa.bindparam("where_id"))
# The sender has read what it wrote (the read position never moves back); an agent's loop
# prevention counters come as extra parameters and land in the same statement.
_moves_read = channel_members.c.last_read_seq < sa.bindparam("seq", type_=sa.BigInteger)
_RECORD_SENDER = (
    sa.update(channel_members)
    .where(
        channel_members.c.channel_id == sa.bindparam("where_channel_id"),
        channel_members.c.principal_id == sa.bindparam("where_principal_id"),
    )
    .values(
        last_read_seq=sa.case(
            (_moves_read, sa.bindparam("seq", type_=sa.BigInteger)),
            else_=channel_members.c.last_read_seq,
        ),
        last_read_at=sa.case(
            (_moves_read, sa.bindparam("now", type_=channel_members.c.last_read_at.type)),
            else_=channel_members.c.last_read_at,
        ),
    )
)
_COUNT_REPLY = (
    sa.update(messages)
    .where(messages.c.id == sa.bindparam("where_id"))
    .values(reply_count=messages.c.reply_count + 1)
)


def _row(
    message_id: str,
    channel: Mapping[str, Any],
    author: Author,
    seq: int,
    kind: str,
    intent: str,
    metadata: dict[str, Any] | None,
    now: datetime,
) -> dict[str, Any]:
    """A message's columns (besides the sealed text) as `wire_message` reads them."""
    return {
        "id": message_id,
        "channel_id": channel["id"],
        "sender_id": author.id,
        "seq": seq,
        "kind": kind,
        "intent": intent,
        "thread_root_id": None,
        "reply_count": 0,
        "mentions": [],
        "meta": metadata or {},
        "client_generated_id": None,
        "is_edited": False,
        "is_deleted": False,
        "created_at": now,
        "updated_at": now,
    }


def append(
    conn: Connection,
    keyring: Keyring,
    channel: Mapping[str, Any],
    author: Author,
    content: str,
    *,
    kind: str = "text",
    intent: str = "chat",
    thread_root_id: str | None = None,
    mentions: list[dict[str, Any]] | None = None,
    metadata: dict[str, Any] | None = None,
    client_generated_id: str | None = None,
    channel_changes: dict[str, Any] | None = None,
    sender_changes: dict[str, Any] | None = None,
    now: datetime | None = None,
    attachment_ids: list[str] | None = None,
    attachments: list[dict[str, Any]] | None = None,
) -> tuple[Message, MessageCreated]:
    """Write a message as the channel's next seq. The channel row must be locked (read with
    `lock=True` in this transaction); `channel_changes` are written with the new seq, and
    `sender_changes` to the author's membership."""
    now = now or utcnow()
    seq = channel["last_seq"] + 1
    message_id = new_id()
    key_id = keyring.current_key_id(conn, channel["workspace_id"])
    row = _row(message_id, channel, author, seq, kind, intent, metadata, now)
    row |= {
        "thread_root_id": thread_root_id,
        "mentions": mentions or [],
        "client_generated_id": client_generated_id,
    }
    conn.execute(
        _INSERT_MESSAGE,
        {
            **row,
            "workspace_id": channel["workspace_id"],
            "ciphertext": keyring.seal(conn, key_id, content, bound_to(message_id)),
            "key_id": key_id,
            "attachment_ids": attachment_ids or [],
        },
    )
    same_sender = channel["last_sender_id"] == author.id
    conn.execute(
        _ADVANCE_CHANNEL,
        {
            "where_id": channel["id"],
            "last_seq": seq,
            "last_message_at": now,
            "last_sender_id": author.id,
            "consecutive_count": channel["consecutive_count"] + 1 if same_sender else 1,
            **(channel_changes or {}),
        },
    )
    if thread_root_id is not None:
        conn.execute(_COUNT_REPLY, {"where_id": thread_root_id})
    conn.execute(
        _RECORD_SENDER,
        {
            "where_channel_id": channel["id"],
            "where_principal_id": author.id,
            "seq": seq,
            "now": now,
            **(sender_changes or {}),
        },
    )
    message = Message.model_validate(wire_message(row, content, author, [], attachments or []))  # type: ignore[arg-type]
    event = MessageCreated(
        message=message,
        route=EventRoute(workspace_id=channel["workspace_id"], channel_id=channel["id"]),
    )
    return message, event


def append_many(
    conn: Connection,
    keyring: Keyring,
    channel: Mapping[str, Any],
    author: Author,
    items: Sequence[tuple[str, dict[str, Any]]],
    *,
    kind: str,
    intent: str,
) -> list[tuple[Message, MessageCreated]]:
    """Write several top-level messages of one author, (text, metadata) each, as the channel's
    next seqs: one insert for all, one channel and one membership update. The channel row
    must be locked, as for `append`."""
    now = utcnow()
    key_id = keyring.current_key_id(conn, channel["workspace_id"])
    rows = [
        _row(new_id(), channel, author, channel["last_seq"] + offset, kind, intent, meta, now)
        for offset, (_, meta) in enumerate(items, start=1)
    ]
    conn.execute(
        _INSERT_MESSAGE,
        [
            {
                **row,
                "workspace_id": channel["workspace_id"],
                "ciphertext": keyring.seal(conn, key_id, content, bound_to(row["id"])),
                "key_id": key_id,
                "attachment_ids": [],
            }
            for row, (content, _) in zip(rows, items, strict=True)
        ],
    )
    last = rows[-1]["seq"]
    run = channel["consecutive_count"] if channel["last_sender_id"] == author.id else 0
    conn.execute(
        _ADVANCE_CHANNEL,
        {
            "where_id": channel["id"],
            "last_seq": last,
            "last_message_at": now,
            "last_sender_id": author.id,
            "consecutive_count": run + len(rows),
        },
    )
    conn.execute(
        _RECORD_SENDER,
        {
            "where_channel_id": channel["id"],
            "where_principal_id": author.id,
            "seq": last,
            "now": now,
        },
    )
    route = EventRoute(workspace_id=channel["workspace_id"], channel_id=channel["id"])
    appended = []
    for row, (content, _) in zip(rows, items, strict=True):
        message = Message.model_validate(wire_message(row, content, author, [], []))  # type: ignore[arg-type]
        appended.append((message, MessageCreated(message=message, route=route)))
    return appended
