"""Sending Web Push: a listener on the bus tells principals of the DMs they receive and the
messages that @mention them, in every browser they subscribed, off the request path.

The payload is JSON (`type`, `title`, `body`, `channelId`, `messageId`, `mention`), encrypted
for the subscription (aes128gcm, RFC 8291) and sent with a VAPID JWT (RFC 8292) by
`pywebpush`. A mention reaches only members of the channel (never a private channel's text to
an outsider); muted members and the sender are skipped. An endpoint the push service answers
404 or 410 for is gone for good and its subscription is removed; other failures are logged.
"""

from __future__ import annotations

import logging

import anyio
import orjson
import sqlalchemy as sa
from pywebpush import WebPushException, webpush
from sqlalchemy.engine import Connection, RowMapping

from server_core.config import Settings
from server_core.features.messaging.events import MessageCreated
from server_core.features.messaging.schemas import Message
from server_core.features.messaging.tables import channel_members, channels
from server_core.features.push.tables import push_subscriptions
from server_core.features.push.vapid import vapid_key
from server_core.kernel.platform import Platform

log = logging.getLogger(__name__)

BODY_CHARS = 240  # push services cap payloads near 4 KB; a preview is enough
SEND_TIMEOUT_SECONDS = 10.0
GONE = (404, 410)


async def send_pushes(platform: Platform) -> None:
    """Consume the events this node published, for the platform's lifetime: with several
    nodes on one bus, each message is pushed once, by the node that took it."""
    subscription = platform.bus.tap()
    try:
        async for event in subscription:
            # What queued meanwhile is looked at together: one query finds that nobody in
            # a burst of messages has a push subscription.
            messages = [
                each.message
                for each in (event, *subscription.drain())
                if isinstance(each, MessageCreated)
            ]
            if not messages:
                continue
            try:
                await notify_messages(platform, messages)
            except Exception:
                log.exception("push notifications for a message failed")
    finally:
        subscription.close()


def _recipients(conn: Connection, message: Message, subscribed: set[str]) -> dict[str, bool]:
    """Who to tell among the `subscribed`, each with whether they were mentioned."""
    kind = conn.scalar(sa.select(channels.c.kind).where(channels.c.id == message.channel_id))
    query = sa.select(channel_members.c.principal_id, channel_members.c.muted).where(
        channel_members.c.channel_id == message.channel_id
    )
    members = {row.principal_id: row.muted for row in conn.execute(query)}
    mentioned = {mention.principal_id for mention in message.mentions}
    chosen: dict[str, bool] = {}
    for principal_id, muted in members.items():
        if principal_id == message.sender_id or muted or principal_id not in subscribed:
            continue
        if kind == "dm" or principal_id in mentioned:
            chosen[principal_id] = principal_id in mentioned
    return chosen


def _subscribed(conn: Connection) -> set[str]:
    """The principals with a push subscription: few, and often nobody."""
    return set(conn.execute(sa.select(push_subscriptions.c.principal_id).distinct()).scalars())


def _targets(
    conn: Connection, message: Message, subscribed: set[str]
) -> list[tuple[RowMapping, bool]]:
    recipients = _recipients(conn, message, subscribed)
    if not recipients:
        return []
    query = sa.select(push_subscriptions).where(
        push_subscriptions.c.principal_id.in_(list(recipients))
    )
    return [(row, recipients[row["principal_id"]]) for row in conn.execute(query).mappings()]


def payload(message: Message, mentioned: bool) -> str:
    sender = message.metadata.get("senderDisplayName") or message.metadata.get("senderHandle")
    text = message.plaintext or ""
    body = text if len(text) <= BODY_CHARS else text[: BODY_CHARS - 1] + "…"
    document = {
        "type": "mention" if mentioned else "dm",
        "title": str(sender or "New message"),
        "body": body,
        "channelId": message.channel_id,
        "messageId": message.id,
        "mention": mentioned,
    }
    return orjson.dumps(document).decode()


async def notify_messages(platform: Platform, messages: list[Message]) -> int:
    """Send the messages' notifications; how many were delivered."""
    messages = [m for m in messages if m.plaintext is not None and not m.is_deleted]
    if not messages:
        return 0

    def targets(conn: Connection) -> list[tuple[Message, RowMapping, bool]]:
        subscribed = _subscribed(conn)
        if not subscribed:
            return []
        return [
            (message, row, mentioned)
            for message in messages
            for row, mentioned in _targets(conn, message, subscribed)
        ]

    delivered = 0
    for message, row, mentioned in await platform.store.read(targets):
        data = payload(message, mentioned)
        try:
            delivered += await anyio.to_thread.run_sync(_send, platform.settings, row, data)
        except EndpointGone:
            await _forget(platform, row["id"])
    return delivered


async def _forget(platform: Platform, subscription_id: str) -> None:
    delete = sa.delete(push_subscriptions).where(push_subscriptions.c.id == subscription_id)
    await platform.store.run_sync(lambda conn: conn.execute(delete))
    log.info("removed a push subscription its service reported gone")


def _send(settings: Settings, row: RowMapping, data: str) -> bool:
    """Post one notification; False when it failed (a gone endpoint is removed by the caller)."""
    info = {"endpoint": row["endpoint"], "keys": {"p256dh": row["p256dh"], "auth": row["auth"]}}
    try:
        webpush(
            info,
            data=data,
            vapid_private_key=vapid_key(settings),
            vapid_claims={"sub": settings.push_vapid_subject},
            timeout=SEND_TIMEOUT_SECONDS,
            ttl=24 * 3600,
        )
    except WebPushException as failed:
        status = failed.response.status_code if failed.response is not None else None
        if status in GONE:
            raise EndpointGone(row["id"]) from failed
        log.warning("a push notification was refused", extra={"status": status})
        return False
    except Exception as failed:  # network errors: the endpoint may be back later
        log.warning("a push notification could not be sent: %s", type(failed).__name__)
        return False
    return True


class EndpointGone(Exception):
    def __init__(self, subscription_id: str) -> None:
        super().__init__(subscription_id)
        self.subscription_id = subscription_id
