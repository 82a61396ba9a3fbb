"""The push feature: which service answers each operation, its errors, and the listener that
sends notifications."""

from __future__ import annotations

from server_core.features.push import sender, subscriptions
from server_core.features.push.errors import PushEndpointRefused
from server_core.features.push.operations import Push
from server_core.kernel.feature import Feature, Loop

FEATURE = Feature(
    "push",
    serves={
        Push.vapid_key: subscriptions.get_vapid_key,
        Push.subscribe: subscriptions.do_subscribe,
        Push.unsubscribe: subscriptions.do_unsubscribe,
        Push.subscriptions: subscriptions.list_subscriptions,
    },
    errors=[PushEndpointRefused],
    loops=[Loop("push notifications", sender.send_pushes)],
)
