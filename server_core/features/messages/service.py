"""Messages: send, history, edit, delete, reactions, read positions.

Every function is a synchronous unit `(connection, events, …)`: a route runs it in one hop in
its request's transaction (`Tx.unit`), and sends run through the store's write combiner so
concurrent sends share a commit.

Sequencing: a send locks its channel row, takes `last_seq + 1` and writes it back in the same
transaction, so per-channel seq is gap-free and strictly increasing on both engines and across
processes. Message text is stored only sealed by the workspace's data key (see `keyring`).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.channels.access import access_channel, access_member_channel
from server_core.features.channels.events import ReadReceiptEvent
from server_core.features.messages import rules
from server_core.features.messages.events import (
    MessageCreated,
    MessageDeleted,
    MessageEdited,
    ReactionChanged,
)
from server_core.features.messages.schemas import (
    EditMessageRequest,
    Message,
    SendMessageRequest,
)
from server_core.kernel.auth import Caller
from server_core.kernel.clock import to_wire, utcnow
from server_core.kernel.errors import (
    AttachmentsUnavailable,
    BadRequest,
    Forbidden,
    NotFound,
)
from server_core.kernel.errors import (
    MessageDeleted as MessageWasDeleted,
)
from server_core.kernel.events import Event, EventRoute
from server_core.kernel.ids import new_id, parse_id
from server_core.kernel.keyring import Keyring
from server_core.kernel.store.tables import (
    channel_members,
    channels,
    message_reactions,
    message_revisions,
    messages,
    principals,
)

# The columns a rendered message needs, sender included: only those (every JSON or timestamp
# column costs a decode per row), and whether the message has reactions, so a page without
# any skips the reactions query.
_MESSAGE_COLUMNS = (
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
_FROM = messages.join(principals, principals.c.id == messages.c.sender_id)


def _bound_to(message_id: str) -> str:
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


@dataclass(frozen=True)
class SendResult:
    message: Message
    created: bool


# --- rendering ----------------------------------------------------------------------------


def _metadata(
    stored: dict[str, Any] | None, author: Author, reactions: list[dict[str, Any]]
) -> dict[str, Any]:
    # Read-time fields win over anything a sender stored under the same names.
    return {
        **(stored or {}),
        "senderHandle": author.handle,
        "senderDisplayName": author.display_name,
        "senderKind": author.kind,
        "reactions": reactions,
        "attachments": [],
        "linkPreviews": [],
    }


def wire_message(
    row: RowMapping, plaintext: str | None, author: Author, reactions: list[dict[str, Any]]
) -> dict[str, Any]:
    """A message row as the wire shows it (camelCase; see `schemas.Message`)."""
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
        "metadata": _metadata(row["meta"], author, reactions),
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
    return keyring.open(conn, row["key_id"], row["ciphertext"], _bound_to(row["id"]))


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
    conn: Connection, keyring: Keyring, rows: Sequence[RowMapping], viewer_id: str
) -> list[dict[str, Any]]:
    """Rows selected with `_MESSAGE_COLUMNS` → wire dicts, with reactions and text."""
    reactions = reactions_of(conn, [row["id"] for row in rows if row["has_reactions"]], viewer_id)
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
        )
        for row in rows
    ]


def _load(conn: Connection, channel_id: str, message_id: str) -> RowMapping:
    canonical = parse_id(message_id)
    row = (
        conn.execute(
            sa.select(*_MESSAGE_COLUMNS)
            .select_from(_FROM)
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
    conn: Connection, keyring: Keyring, channel_id: str, message_id: str, viewer_id: str
) -> Message:
    row = _load(conn, channel_id, message_id)
    return Message.model_validate(render(conn, keyring, [row], viewer_id)[0])


# --- sending ------------------------------------------------------------------------------


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
_BY_CLIENT_ID = (
    sa.select(*_MESSAGE_COLUMNS)
    .select_from(_FROM)
    .where(
        messages.c.channel_id == sa.bindparam("channel_id"),
        messages.c.client_generated_id == sa.bindparam("client_generated_id"),
    )
)


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
) -> tuple[Message, MessageCreated]:
    """Write a message as the channel's next seq. The channel row must be locked (read with
    `lock=True` in this transaction); `channel_changes` are written with the new seq, and
    `sender_changes` to the author's membership."""
    now = now or utcnow()
    seq = channel["last_seq"] + 1
    message_id = new_id()
    key_id = keyring.current_key_id(conn, channel["workspace_id"])
    row = {
        "id": message_id,
        "channel_id": channel["id"],
        "sender_id": author.id,
        "seq": seq,
        "kind": kind,
        "intent": intent,
        "thread_root_id": thread_root_id,
        "reply_count": 0,
        "mentions": mentions or [],
        "meta": metadata or {},
        "client_generated_id": client_generated_id,
        "is_edited": False,
        "is_deleted": False,
        "created_at": now,
        "updated_at": now,
    }
    conn.execute(
        _INSERT_MESSAGE,
        {
            **row,
            "workspace_id": channel["workspace_id"],
            "ciphertext": keyring.seal(conn, key_id, content, _bound_to(message_id)),
            "key_id": key_id,
            "attachment_ids": [],
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
    message = Message.model_validate(wire_message(row, content, author, []))  # type: ignore[arg-type]
    event = MessageCreated(
        message=message,
        route=EventRoute(workspace_id=channel["workspace_id"], channel_id=channel["id"]),
    )
    return message, event


def send(
    conn: Connection,
    events: list[Event],
    *,
    keyring: Keyring,
    caller: Caller,
    channel_id: str,
    request: SendMessageRequest,
) -> SendResult:
    """Send as the caller: membership, idempotency, thread, visibility, coordination and loop
    prevention, then `append`."""
    if request.attachment_ids:
        raise AttachmentsUnavailable()
    access = access_member_channel(conn, caller, channel_id, lock=True)
    channel = access.channel
    if request.client_generated_id is not None:
        existing = (
            conn.execute(
                _BY_CLIENT_ID,
                {"channel_id": channel["id"], "client_generated_id": request.client_generated_id},
            )
            .mappings()
            .first()
        )
        if existing is not None:
            rendered = render(conn, keyring, [existing], caller.principal_id)[0]
            return SendResult(Message.model_validate(rendered), created=False)
    access.require_active()
    if request.thread_root_id is not None:
        check_thread_root(conn, channel["id"], request.thread_root_id)
    mentioned = [mention.principal_id for mention in request.mentions]
    check_mentioned_exist(conn, caller.workspace_id, mentioned)
    now = utcnow()
    changes = rules.check_send(conn, access, caller, request.thread_root_id, mentioned, now)
    message, event = append(
        conn,
        keyring,
        channel,
        Author.of(caller),
        request.content,
        kind=request.kind,
        intent=request.intent,
        thread_root_id=request.thread_root_id,
        mentions=[mention.model_dump(mode="json") for mention in request.mentions],
        metadata=request.metadata,
        client_generated_id=request.client_generated_id,
        channel_changes=changes.channel,
        sender_changes=changes.sender,
        now=now,
    )
    events.append(event)
    return SendResult(message, created=True)


def check_thread_root(conn: Connection, channel_id: str, root_id: str) -> None:
    root = conn.execute(
        sa.select(messages.c.channel_id, messages.c.thread_root_id).where(messages.c.id == root_id)
    ).first()
    if root is None or root.channel_id != channel_id:
        raise BadRequest(
            f"threadRootId '{root_id}' is not a message of this channel",
            details={"field": "threadRootId"},
        )
    if root.thread_root_id is not None:
        raise BadRequest(
            "threadRootId must be a top-level message, not a reply "
            f"(this one is in thread '{root.thread_root_id}')"
        )


def check_mentioned_exist(conn: Connection, workspace_id: str, principal_ids: list[str]) -> None:
    if not principal_ids:
        return
    wanted = set(principal_ids)
    found = set(
        conn.execute(
            sa.select(principals.c.id).where(
                principals.c.id.in_(wanted), principals.c.workspace_id == workspace_id
            )
        ).scalars()
    )
    missing = sorted(wanted - found)
    if missing:
        raise BadRequest(f"mentions: no principal with id '{missing[0]}' in this workspace")


def post_system_message(
    conn: Connection,
    events: list[Event],
    keyring: Keyring,
    channel_id: str,
    actor: Caller,
    text: str,
) -> Message:
    """A `system` message (joins, …): skips the rules that limit what principals send."""
    channel = access_channel(conn, actor, channel_id, lock=True).channel
    message, event = append(
        conn, keyring, channel, Author.of(actor), text, kind="system", intent="notification"
    )
    events.append(event)
    return message


# --- history ------------------------------------------------------------------------------


@functools.cache
def _history_query(forward: bool, threads: str, from_cursor: bool) -> sa.Select[Any]:
    """The history statement of one shape (built once per shape: pages are the hottest read).
    `threads`: "one" (the replies of `:thread_root_id`), "top" (top level only) or "all"."""
    query = (
        sa.select(*_MESSAGE_COLUMNS)
        .select_from(_FROM)
        .where(messages.c.channel_id == sa.bindparam("channel_id"))
    )
    if threads == "one":
        query = query.where(messages.c.thread_root_id == sa.bindparam("thread_root_id"))
    elif threads == "top":
        query = query.where(messages.c.thread_root_id.is_(None))
    cursor = sa.bindparam("cursor", type_=sa.BigInteger)
    if forward:
        query = query.where(messages.c.seq > cursor).order_by(messages.c.seq)
    else:
        if from_cursor:
            query = query.where(messages.c.seq < cursor)
        query = query.order_by(messages.c.seq.desc())
    return query.limit(sa.bindparam("limit", type_=sa.Integer))


@dataclass(frozen=True)
class HistoryPage:
    messages: list[dict[str, Any]]
    cursor: int | None
    has_more: bool


def history(
    conn: Connection,
    keyring: Keyring,
    caller: Caller,
    channel_id: str,
    *,
    cursor: int | None,
    limit: int,
    direction: str,
    thread_root_id: str | None,
    include_replies: bool,
) -> HistoryPage:
    """A page of messages in ascending seq. `before` (default) pages back from the newest,
    `after` forward from the cursor; the returned cursor continues in the same direction."""
    access = access_member_channel(conn, caller, channel_id)
    threads = "one" if thread_root_id is not None else ("all" if include_replies else "top")
    query = _history_query(direction == "after", threads, cursor is not None)
    params = {
        "channel_id": access.channel["id"],
        "thread_root_id": thread_root_id,
        "cursor": cursor or 0,
        "limit": limit + 1,
    }
    rows = conn.execute(query, params).mappings().all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    if direction != "after":
        rows = rows[::-1]
    if rows:
        next_cursor: int | None = rows[-1]["seq"] if direction == "after" else rows[0]["seq"]
    else:
        next_cursor = cursor
    return HistoryPage(render(conn, keyring, rows, caller.principal_id), next_cursor, has_more)


def replay_after(
    conn: Connection, keyring: Keyring, caller: Caller, channel_id: str, after: int, limit: int
) -> list[dict[str, Any]]:
    """Messages after `after` (threads included) in seq order, for the gateway's replay; only
    members' channels."""
    query = (
        sa.select(*_MESSAGE_COLUMNS)
        .select_from(_FROM)
        .where(messages.c.channel_id == channel_id, messages.c.seq > after)
        .order_by(messages.c.seq)
        .limit(limit)
    )
    access_member_channel(conn, caller, channel_id)
    return render(conn, keyring, conn.execute(query).mappings().all(), caller.principal_id)


# --- edits, deletes, reactions, reads -----------------------------------------------------


def edit(
    conn: Connection,
    events: list[Event],
    *,
    keyring: Keyring,
    caller: Caller,
    channel_id: str,
    message_id: str,
    request: EditMessageRequest,
) -> Message:
    """The sender edits its text; the previous text is kept (sealed) as a revision."""
    access = access_member_channel(conn, caller, channel_id)
    row = _load(conn, access.channel["id"], message_id)
    if row["sender_id"] != caller.principal_id:
        raise Forbidden("Only the sender can edit a message")
    if row["is_deleted"]:
        raise MessageWasDeleted()
    access.require_active()
    now = utcnow()
    key_id = keyring.current_key_id(conn, caller.workspace_id)
    revision_id = new_id()
    conn.execute(
        sa.insert(message_revisions).values(
            id=revision_id,
            message_id=row["id"],
            ciphertext=keyring.seal(
                conn, key_id, plaintext_of(conn, keyring, row) or "", f"revision:{revision_id}"
            ),
            key_id=key_id,
            edited_by=caller.principal_id,
            created_at=now,
        )
    )
    conn.execute(
        sa.update(messages)
        .where(messages.c.id == row["id"])
        .values(
            ciphertext=keyring.seal(conn, key_id, request.content, _bound_to(row["id"])),
            key_id=key_id,
            is_edited=True,
            edited_at=now,
            updated_at=now,
        )
    )
    events.append(
        MessageEdited(
            channel_id=row["channel_id"],
            message_id=row["id"],
            plaintext=request.content,
            edited_at=now,
            route=EventRoute(workspace_id=caller.workspace_id, channel_id=row["channel_id"]),
        )
    )
    return get_message(conn, keyring, row["channel_id"], row["id"], caller.principal_id)


def delete(
    conn: Connection,
    events: list[Event],
    *,
    keyring: Keyring,
    caller: Caller,
    channel_id: str,
    message_id: str,
) -> Message:
    """Soft delete by the sender or a channel owner/admin: the text (and every earlier
    revision of it) is erased; the shell keeps its seq and thread."""
    access = access_member_channel(conn, caller, channel_id)
    row = _load(conn, access.channel["id"], message_id)
    if row["sender_id"] != caller.principal_id and not access.is_manager:
        raise Forbidden("Only the sender or the channel's owners and admins can delete a message")
    access.require_active()
    if not row["is_deleted"]:
        now = utcnow()
        conn.execute(
            sa.update(messages)
            .where(messages.c.id == row["id"])
            .values(ciphertext=None, key_id=None, is_deleted=True, updated_at=now)
        )
        conn.execute(
            sa.delete(message_revisions).where(message_revisions.c.message_id == row["id"])
        )
        events.append(
            MessageDeleted(
                channel_id=row["channel_id"],
                message_id=row["id"],
                route=EventRoute(workspace_id=caller.workspace_id, channel_id=row["channel_id"]),
            )
        )
    return get_message(conn, keyring, row["channel_id"], row["id"], caller.principal_id)


def react(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    channel_id: str,
    message_id: str,
    emoji: str,
    add: bool,
) -> list[dict[str, Any]]:
    """Add or remove the caller's reaction (both idempotent); return the message's reactions."""
    access = access_member_channel(conn, caller, channel_id)
    if add and access.role == "readonly":
        raise Forbidden("Read-only members cannot react")
    access.require_active()
    row = _load(conn, access.channel["id"], message_id)
    key = (
        message_reactions.c.message_id == row["id"],
        message_reactions.c.principal_id == caller.principal_id,
        message_reactions.c.emoji == emoji,
    )
    exists = conn.execute(sa.select(sa.literal(1)).where(*key)).first() is not None
    changed = exists != add
    if add and not exists:
        if row["is_deleted"]:
            raise MessageWasDeleted()
        conn.execute(
            sa.insert(message_reactions).values(
                message_id=row["id"],
                principal_id=caller.principal_id,
                emoji=emoji,
                created_at=utcnow(),
            )
        )
    elif not add and exists:
        conn.execute(sa.delete(message_reactions).where(*key))
    if changed:
        events.append(
            ReactionChanged(
                channel_id=row["channel_id"],
                message_id=row["id"],
                principal_id=caller.principal_id,
                emoji=emoji,
                action="add" if add else "remove",
                route=EventRoute(workspace_id=caller.workspace_id, channel_id=row["channel_id"]),
            )
        )
    return reactions_of(conn, [row["id"]], caller.principal_id).get(row["id"], [])


def unread_count(conn: Connection, channel_id: str, principal_id: str, after_seq: int) -> int:
    count: int = conn.execute(
        sa.select(sa.func.count())
        .select_from(messages)
        .where(
            messages.c.channel_id == channel_id,
            messages.c.seq > after_seq,
            messages.c.sender_id != principal_id,
            messages.c.is_deleted.is_(False),
        )
    ).scalar_one()
    return count


def mark_read(
    conn: Connection, events: list[Event], *, caller: Caller, channel_id: str, seq: int
) -> dict[str, Any]:
    """Move the caller's read position forward to `seq` (capped at the newest message);
    it never moves back."""
    access = access_member_channel(conn, caller, channel_id)
    member = access.require_member()
    target = min(seq, access.channel["last_seq"])
    position = member["last_read_seq"]
    if target > position:
        conn.execute(
            sa.update(channel_members)
            .where(channel_members.c.id == member["id"])
            .values(last_read_seq=target, last_read_at=utcnow())
        )
        position = target
        events.append(
            ReadReceiptEvent(
                channel_id=access.channel["id"],
                principal_id=caller.principal_id,
                seq=target,
                emoji=read_receipt_emoji(conn, caller.principal_id),
                route=EventRoute(workspace_id=caller.workspace_id, channel_id=access.channel["id"]),
            )
        )
    return {
        "channelId": access.channel["id"],
        "lastReadSeq": position,
        "unreadCount": unread_count(conn, access.channel["id"], caller.principal_id, position),
    }


def read_receipt_emoji(conn: Connection, principal_id: str) -> str | None:
    """A principal's read-receipt emoji: `profile.readReceiptEmoji`, if set."""
    profile = conn.execute(
        sa.select(principals.c.profile).where(principals.c.id == principal_id)
    ).scalar()
    emoji = (profile or {}).get("readReceiptEmoji")
    return emoji if isinstance(emoji, str) else None
