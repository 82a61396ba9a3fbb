"""`/push`: Web Push subscriptions of the caller's browsers, and the server's VAPID key."""

from __future__ import annotations

from server_core.features.push.errors import PushEndpointRefused
from server_core.features.push.schemas import (
    PushSubscription,
    SubscribeRequest,
    UnsubscribeQuery,
    VapidKey,
)
from server_core.kernel.errors import NotFound
from server_core.kernel.operations import Operation, Operations

Subscriptions = list[PushSubscription]


class Push(Operations):
    """Web Push: a browser subscribes with the server's VAPID key and is then told of the DMs
    and @mentions its principal receives."""

    area = "push"

    vapid_key = Operation(
        "GET", "/push/vapid-key", response=VapidKey, summary="The server's VAPID public key"
    )
    subscribe = Operation(
        "POST",
        "/push/subscribe",
        body=SubscribeRequest,
        response=PushSubscription,
        errors=[PushEndpointRefused],
        idempotent=True,
        summary="Subscribe a browser (its PushSubscription JSON); again updates its keys",
    )
    unsubscribe = Operation(
        "DELETE",
        "/push/subscribe",
        query=UnsubscribeQuery,
        response=PushSubscription,
        errors=[NotFound],
        summary="Unsubscribe the browser with this endpoint (?endpoint=, URL-encoded)",
    )
    subscriptions = Operation(
        "GET",
        "/push/subscriptions",
        response=Subscriptions,
        summary="Your browsers' push subscriptions",
    )
