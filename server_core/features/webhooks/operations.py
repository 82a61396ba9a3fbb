"""`/agents/{id}/webhooks`: an agent's webhook subscriptions, their signing secrets and their
delivery log. The agent itself, or a human who manages it (its owner or a workspace admin)."""

from __future__ import annotations

from server_core.features.webhooks.errors import UnknownEventType, WebhookUrlRefused
from server_core.features.webhooks.schemas import (
    CreateWebhookRequest,
    DeliveriesQuery,
    Delivery,
    RotatedSecret,
    UpdateWebhookRequest,
    Webhook,
    WebhookWithSecret,
)
from server_core.kernel.errors import Forbidden, NotFound
from server_core.kernel.operations import Operation, Operations, PathParam

AGENT = PathParam("id", "agent_id", "Agent id")
WEBHOOK = PathParam("wid", "webhook_id", "Webhook subscription id")
WebhookList = list[Webhook]  # named once: inside the class, `list` is an operation
Deliveries = list[Delivery]


class Webhooks(Operations):
    """Events delivered to an agent by signed HTTP POST instead of a WebSocket."""

    area = "webhooks"

    create = Operation(
        "POST",
        "/agents/{id}/webhooks",
        params=[AGENT],
        body=CreateWebhookRequest,
        response=WebhookWithSecret,
        status=201,
        errors=[Forbidden, NotFound, UnknownEventType, WebhookUrlRefused],
        summary="Subscribe an agent to events by webhook (the secret is shown once)",
    )
    list = Operation(
        "GET",
        "/agents/{id}/webhooks",
        params=[AGENT],
        response=WebhookList,
        errors=[Forbidden, NotFound],
        summary="List an agent's webhook subscriptions",
    )
    get = Operation(
        "GET",
        "/agents/{id}/webhooks/{wid}",
        params=[AGENT, WEBHOOK],
        response=Webhook,
        errors=[Forbidden, NotFound],
        summary="Get a webhook subscription",
    )
    update = Operation(
        "PATCH",
        "/agents/{id}/webhooks/{wid}",
        params=[AGENT, WEBHOOK],
        body=UpdateWebhookRequest,
        response=Webhook,
        idempotent=True,
        errors=[Forbidden, NotFound, UnknownEventType, WebhookUrlRefused],
        summary="Change a webhook's URL, event types or channels, or pause / resume it",
    )
    delete = Operation(
        "DELETE",
        "/agents/{id}/webhooks/{wid}",
        params=[AGENT, WEBHOOK],
        response=Webhook,
        errors=[Forbidden, NotFound],
        summary="Delete a webhook subscription and its delivery log",
    )
    rotate_secret = Operation(
        "POST",
        "/agents/{id}/webhooks/{wid}/rotate-secret",
        params=[AGENT, WEBHOOK],
        response=RotatedSecret,
        errors=[Forbidden, NotFound],
        summary="Replace a webhook's signing secret (the old one stops working at once)",
    )
    deliveries = Operation(
        "GET",
        "/agents/{id}/webhooks/{wid}/deliveries",
        params=[AGENT, WEBHOOK],
        query=DeliveriesQuery,
        response=Deliveries,
        errors=[Forbidden, NotFound],
        summary="Recent deliveries of a webhook, newest first (kept 7 days)",
    )
