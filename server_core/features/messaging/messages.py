"""Messages: send, history, edit, delete and reactions.

Each operation of `operations.Messages` is answered by a synchronous unit of work run in one
hop: reads `(conn, *, caller, …)`, writes `(conn, events, *, caller, …, request=…)`; sends run
through the store's write combiner, so concurrent sends share a commit. A send is checked here
and against `rules.py`, then written as the channel's next seq (`sequencing.py`). Other
features and the gateway post and read through this module (`post_system_message`, `do_send`,
`replay_after`).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.config import Settings
from server_core.features.messaging import rules
from server_core.features.messaging.access import access_channel, access_member_channel
from server_core.features.messaging.attachment_watchers import (
    attachments_deleted,
    attachments_sent,
)
from server_core.features.messaging.attachments import (
    attachments_of,
    check_attachments,
    describe_attachments,
    record_attachments,
)
from server_core.features.messaging.errors import ClientIdReused
from server_core.features.messaging.errors import MessageDeleted as MessageWasDeleted
from server_core.features.messaging.events import MessageDeleted, MessageEdited, ReactionChanged
from server_core.features.messaging.mentions import mentions_in_text
from server_core.features.messaging.reaction_listeners import reaction_added
from server_core.features.messaging.rendering import (
    MESSAGE_COLUMNS,
    MESSAGE_FROM,
    Author,
    bound_to,
    get_message,
    load_message,
    plaintext_of,
    reactions_of,
    render,
)
from server_core.features.messaging.schemas import (
    AddReactionRequest,
    EditMessageRequest,
    HistoryQuery,
    Message,
    MessageReactions,
    SendMessageRequest,
)
from server_core.features.messaging.sequencing import append, append_many
from server_core.features.messaging.tables import message_reactions, message_revisions, messages
from server_core.kernel.auth import Caller
from server_core.kernel.clock import utcnow
from server_core.kernel.errors import Forbidden
from server_core.kernel.events import Event, EventRoute
from server_core.kernel.ids import new_id
from server_core.kernel.keyring import Keyring
from server_core.kernel.operations import Created
from server_core.kernel.wire import Page

# --- sending ------------------------------------------------------------------------------


_BY_CLIENT_ID = (
    sa.select(*MESSAGE_COLUMNS)
    .select_from(MESSAGE_FROM)
    .where(
        messages.c.channel_id == sa.bindparam("channel_id"),
        messages.c.sender_id == sa.bindparam("sender_id"),
        messages.c.client_generated_id == sa.bindparam("client_generated_id"),
    )
)

_FIRST_REVISION = (
    sa.select(message_revisions.c.id, message_revisions.c.ciphertext, message_revisions.c.key_id)
    .where(message_revisions.c.message_id == sa.bindparam("message_id"))
    .order_by(message_revisions.c.created_at, message_revisions.c.id)
    .limit(1)
)


def do_send(
    conn: Connection,
    events: list[Event],
    *,
    keyring: Keyring,
    caller: Caller,
    channel_id: str,
    request: SendMessageRequest,
    settings: Settings | None = None,
) -> Created[Message]:
    """Send as the caller: membership, attachments, idempotency, thread, visibility,
    coordination and loop prevention, then `append`."""
    access = access_member_channel(conn, caller, channel_id, lock=True)
    attached = check_attachments(conn, caller, access.channel["id"], request.attachment_ids)
    channel = access.channel
    if request.client_generated_id is not None:
        key = {
            "channel_id": channel["id"],
            "sender_id": caller.principal_id,
            "client_generated_id": request.client_generated_id,
        }
        existing = conn.execute(_BY_CLIENT_ID, key).mappings().first()
        if existing is not None:
            check_same_send(conn, keyring, existing, request)
            rendered = render(conn, keyring, [existing], caller.principal_id, settings)[0]
            return Created(Message.model_validate(rendered), created=False)
    access.require_active()
    if request.thread_root_id is not None:
        rules.check_thread_root(conn, channel["id"], request.thread_root_id)
    mentions = request.mentions
    if "mentions" not in request.model_fields_set:
        mentions = mentions_in_text(conn, caller.workspace_id, request.content)
    mentioned = [mention.principal_id for mention in mentions]
    rules.check_mentioned_exist(conn, caller.workspace_id, mentioned)
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
        mentions=[mention.model_dump(mode="json") for mention in mentions],
        metadata=request.metadata,
        client_generated_id=request.client_generated_id,
        channel_changes=changes.channel,
        sender_changes=changes.sender,
        now=now,
        attachment_ids=attached,
        attachments=attachments_of(
            describe_attachments(conn, keyring, settings, attached), attached
        ),
    )
    record_attachments(conn, channel["id"], message.id, attached)
    attachments_sent(conn, keyring, settings, caller.workspace_id, message)
    events.append(event)
    return Created(message, created=True)


def check_same_send(
    conn: Connection, keyring: Keyring, existing: Any, request: SendMessageRequest
) -> None:
    """A retry must send what the first send did (its text as first sent, kind, intent and
    thread): a key reused for another message is refused rather than answered with the first
    one, which would drop the new text without a word."""
    sent = original_text(conn, keyring, existing)
    same = (
        sent is None  # deleted since: nothing left to compare
        or (sent, existing["kind"], existing["intent"], existing["thread_root_id"])
        == (request.content, request.kind, request.intent, request.thread_root_id)
    )
    if not same:
        raise ClientIdReused()


def original_text(conn: Connection, keyring: Keyring, row: Any) -> str | None:
    """The text as first sent: the oldest revision's when it was edited since."""
    if row["is_edited"]:
        first = conn.execute(_FIRST_REVISION, {"message_id": row["id"]}).mappings().first()
        if first is not None and first["ciphertext"] is not None:
            return keyring.open(
                conn, first["key_id"], first["ciphertext"], f"revision:{first['id']}"
            )
    return plaintext_of(conn, keyring, row)


def post_system_message(
    conn: Connection,
    events: list[Event],
    keyring: Keyring,
    channel_id: str,
    actor: Caller,
    text: str,
    *,
    intent: str = "notification",
    metadata: dict[str, Any] | None = None,
) -> Message:
    """A `system` message (joins, wake messages, …): skips the rules that limit what
    principals send."""
    channel = access_channel(conn, actor, channel_id, lock=True).channel
    message, event = append(
        conn,
        keyring,
        channel,
        Author.of(actor),
        text,
        kind="system",
        intent=intent,
        metadata=metadata,
    )
    events.append(event)
    return message


def post_system_messages(
    conn: Connection,
    events: list[Event],
    keyring: Keyring,
    channel_id: str,
    actor: Caller,
    items: Sequence[tuple[str, dict[str, Any]]],
    *,
    intent: str,
) -> list[Message]:
    """Several `system` messages of one actor, (text, metadata) each, in one append."""
    channel = access_channel(conn, actor, channel_id, lock=True).channel
    appended = append_many(
        conn, keyring, channel, Author.of(actor), items, kind="system", intent=intent
    )
    events.extend(event for _, event in appended)
    return [message for message, _ in appended]


# --- history ------------------------------------------------------------------------------


@functools.cache
def _history_query(forward: bool, threads: str, from_cursor: bool) -> sa.Select[Any]:
    """The history statement of one shape (built once per shape: pages are the hottest read).
    `threads`: "one" (the replies of `:thread_root_id`), "top" (top level only) or "all"."""
    query = (
        sa.select(*MESSAGE_COLUMNS)
        .select_from(MESSAGE_FROM)
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


def history(
    conn: Connection,
    *,
    keyring: Keyring,
    caller: Caller,
    channel_id: str,
    query: HistoryQuery,
    settings: Settings | None = None,
) -> Page[dict[str, Any]]:
    """A page of messages in ascending seq. `before` (default) pages back from the newest,
    `after` forward from the cursor; the returned cursor continues in the same direction.
    The messages are wire dicts already (see `rendering`): history is the hottest read."""
    access = access_member_channel(conn, caller, channel_id)
    cursor, limit, direction = query.cursor, query.limit, query.direction
    thread_root_id = query.thread_root_id.lower() if query.thread_root_id else None
    include_replies = query.include_replies
    threads = "one" if thread_root_id is not None else ("all" if include_replies else "top")
    statement = _history_query(direction == "after", threads, cursor is not None)
    params = {
        "channel_id": access.channel["id"],
        "thread_root_id": thread_root_id,
        "cursor": cursor or 0,
        "limit": limit + 1,
    }
    rows = conn.execute(statement, params).mappings().all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    if direction != "after":
        rows = rows[::-1]
    if rows:
        next_cursor: int | None = rows[-1]["seq"] if direction == "after" else rows[0]["seq"]
    else:
        next_cursor = cursor
    return Page(render(conn, keyring, rows, caller.principal_id, settings), next_cursor, has_more)


def mentioning(
    conn: Connection,
    *,
    keyring: Keyring,
    caller: Caller,
    channel_id: str,
    limit: int,
    settings: Settings | None = None,
) -> list[dict[str, Any]]:
    """The latest `limit` messages of a channel that @mention the caller, oldest first (the
    mentions are stored in clear, so the id is matched in their JSON text)."""
    access = access_member_channel(conn, caller, channel_id)
    query = (
        sa.select(*MESSAGE_COLUMNS)
        .select_from(MESSAGE_FROM)
        .where(
            messages.c.channel_id == access.channel["id"],
            messages.c.is_deleted.is_(False),
            sa.cast(messages.c.mentions, sa.Text).contains(caller.principal_id, autoescape=True),
        )
        .order_by(messages.c.seq.desc())
        .limit(limit)
    )
    rows = conn.execute(query).mappings().all()[::-1]
    return render(conn, keyring, rows, caller.principal_id, settings)


def replay_after(
    conn: Connection,
    keyring: Keyring,
    caller: Caller,
    channel_id: str,
    after: int,
    limit: int,
    settings: Settings | None = None,
) -> list[dict[str, Any]]:
    """Messages after `after` (threads included) in seq order, for the gateway's replay; only
    members' channels."""
    query = (
        sa.select(*MESSAGE_COLUMNS)
        .select_from(MESSAGE_FROM)
        .where(messages.c.channel_id == channel_id, messages.c.seq > after)
        .order_by(messages.c.seq)
        .limit(limit)
    )
    access_member_channel(conn, caller, channel_id)
    rows = conn.execute(query).mappings().all()
    return render(conn, keyring, rows, caller.principal_id, settings)


# --- edits, deletes, reactions ------------------------------------------------------------


def do_edit(
    conn: Connection,
    events: list[Event],
    *,
    keyring: Keyring,
    caller: Caller,
    channel_id: str,
    message_id: str,
    request: EditMessageRequest,
    settings: Settings | None = None,
) -> Message:
    """The sender edits its text; the previous text is kept (sealed) as a revision."""
    access = access_member_channel(conn, caller, channel_id)
    row = load_message(conn, access.channel["id"], message_id)
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
            ciphertext=keyring.seal(conn, key_id, request.content, bound_to(row["id"])),
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
    return get_message(conn, keyring, row["channel_id"], row["id"], caller.principal_id, settings)


def do_announce_metadata(
    conn: Connection, events: list[Event], *, keyring: Keyring, message_id: str
) -> bool:
    """Another feature changed what a message shows (a transcript landed, see
    `attachment_watchers`): its `updatedAt` moves and its channel gets `message.edited` with
    the text as it stands, so clients read it again. The text and `isEdited` stay; False for a
    message deleted or gone."""
    row = (
        conn.execute(
            sa.select(
                messages.c.id,
                messages.c.workspace_id,
                messages.c.channel_id,
                messages.c.ciphertext,
                messages.c.key_id,
                messages.c.is_deleted,
            ).where(messages.c.id == message_id)
        )
        .mappings()
        .first()
    )
    if row is None or row["is_deleted"]:
        return False
    now = utcnow()
    conn.execute(sa.update(messages).where(messages.c.id == row["id"]).values(updated_at=now))
    events.append(
        MessageEdited(
            channel_id=row["channel_id"],
            message_id=row["id"],
            plaintext=plaintext_of(conn, keyring, row) or "",
            edited_at=now,
            route=EventRoute(workspace_id=row["workspace_id"], channel_id=row["channel_id"]),
        )
    )
    return True


def do_delete(
    conn: Connection,
    events: list[Event],
    *,
    keyring: Keyring,
    caller: Caller,
    channel_id: str,
    message_id: str,
    settings: Settings | None = None,
) -> Message:
    """Soft delete by the sender or a channel owner/admin: the text (and every earlier
    revision of it) is erased; the shell keeps its seq and thread."""
    access = access_member_channel(conn, caller, channel_id)
    row = load_message(conn, access.channel["id"], message_id)
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
        if row["attachment_ids"]:
            attachments_deleted(conn, row["id"])
        events.append(
            MessageDeleted(
                channel_id=row["channel_id"],
                message_id=row["id"],
                route=EventRoute(workspace_id=caller.workspace_id, channel_id=row["channel_id"]),
            )
        )
    return get_message(conn, keyring, row["channel_id"], row["id"], caller.principal_id, settings)


def do_react(
    conn: Connection,
    events: list[Event],
    *,
    keyring: Keyring,
    caller: Caller,
    channel_id: str,
    message_id: str,
    request: AddReactionRequest,
) -> MessageReactions:
    """Add the caller's reaction (idempotent); return the message's reactions. A reaction
    added anew is told to the other features' listeners (`reaction_listeners`)."""
    row, added = _toggle(conn, events, caller, channel_id, message_id, request.emoji, add=True)
    if added:
        reaction_added(
            conn, events, keyring=keyring, caller=caller, message=row, emoji=request.emoji
        )
    return _reactions(conn, caller, row, message_id)


def do_unreact(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    channel_id: str,
    message_id: str,
    emoji: str,
) -> MessageReactions:
    """Remove the caller's reaction (idempotent); return the message's reactions."""
    row, _ = _toggle(conn, events, caller, channel_id, message_id, emoji.strip(), add=False)
    return _reactions(conn, caller, row, message_id)


def _toggle(
    conn: Connection,
    events: list[Event],
    caller: Caller,
    channel_id: str,
    message_id: str,
    emoji: str,
    *,
    add: bool,
) -> tuple[RowMapping, bool]:
    """Add or remove the caller's reaction: the message, and whether anything changed."""
    access = access_member_channel(conn, caller, channel_id)
    if add and access.role == "readonly":
        raise Forbidden("Read-only members cannot react")
    access.require_active()
    row = load_message(conn, access.channel["id"], message_id)
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
    return row, changed


def _reactions(
    conn: Connection, caller: Caller, row: RowMapping, message_id: str
) -> MessageReactions:
    reactions = reactions_of(conn, [row["id"]], caller.principal_id).get(row["id"], [])
    # The message as the caller named it.
    return MessageReactions.model_validate({"messageId": message_id, "reactions": reactions})
