"""Wire models of `/agents/{id}/webhooks`: subscriptions, their secrets and deliveries."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints

from server_core.kernel.wire import RequestModel, Timestamp, WireModel, no_nul

DeliveryStatus = Literal["pending", "success", "failed"]
MAX_URL_LENGTH = 2048
MAX_EVENT_TYPES = 32
MAX_CHANNEL_IDS = 100
MAX_DELIVERIES = 100

Url = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_URL_LENGTH),
    AfterValidator(no_nul),
    Field(description="http(s) URL the events are POSTed to", examples=["https://a.example/hook"]),
]
EventType = Annotated[str, StringConstraints(min_length=1, max_length=64), AfterValidator(no_nul)]
EventTypes = Annotated[
    list[EventType],
    Field(
        min_length=1,
        max_length=MAX_EVENT_TYPES,
        description="WebSocket event types to receive (e.g. message, task)",
    ),
]
ChannelId = Annotated[str, StringConstraints(min_length=1, max_length=64), AfterValidator(no_nul)]
ChannelIds = Annotated[
    list[ChannelId],
    Field(
        max_length=MAX_CHANNEL_IDS,
        description="Only channel events of these channels; omit or null for every channel",
    ),
]


class CreateWebhookRequest(RequestModel):
    url: Url
    event_types: EventTypes
    channel_ids: ChannelIds | None = None
    active: bool = True


class UpdateWebhookRequest(RequestModel):
    url: Url | None = None
    event_types: EventTypes | None = None
    channel_ids: ChannelIds | None = None
    active: bool | None = None


class Webhook(WireModel):
    id: str
    agent_id: str
    url: str
    event_types: list[str]
    channel_ids: list[str] | None
    active: bool
    consecutive_failures: int
    created_at: Timestamp
    updated_at: Timestamp


class WebhookWithSecret(Webhook):
    secret: str = Field(description="whsec_…: shown only here and on rotate")


class RotatedSecret(WireModel):
    secret: str


class DeliveriesQuery(RequestModel):
    status: DeliveryStatus | None = None
    limit: int = Field(default=50, ge=1, le=MAX_DELIVERIES)


class Delivery(WireModel):
    id: str
    webhook_id: str
    event_type: str
    status: DeliveryStatus
    status_code: int | None
    attempt_number: int
    error: str | None
    next_attempt_at: Timestamp | None
    created_at: Timestamp
    updated_at: Timestamp
