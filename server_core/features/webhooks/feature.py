"""The webhooks feature: which service answers each operation, its errors, and the delivery
worker."""

from __future__ import annotations

from server_core.features.webhooks import subscriptions, worker
from server_core.features.webhooks.errors import UnknownEventType, WebhookUrlRefused
from server_core.features.webhooks.operations import Webhooks
from server_core.kernel.feature import Feature, Loop

FEATURE = Feature(
    "webhooks",
    serves={
        Webhooks.create: subscriptions.do_create_webhook,
        Webhooks.list: subscriptions.list_webhooks,
        Webhooks.get: subscriptions.get_webhook,
        Webhooks.update: subscriptions.do_update_webhook,
        Webhooks.delete: subscriptions.do_delete_webhook,
        Webhooks.rotate_secret: subscriptions.do_rotate_secret,
        Webhooks.deliveries: subscriptions.list_deliveries,
    },
    errors=[UnknownEventType, WebhookUrlRefused],
    loops=[Loop("webhook deliveries", worker.run)],
)
