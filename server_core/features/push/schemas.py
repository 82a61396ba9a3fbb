"""Wire models of `/push`: a subscription is what a browser's `PushSubscription.toJSON()`
gives (`endpoint`, `keys.p256dh`, `keys.auth`)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from server_core.kernel.wire import RequestModel, Timestamp, WireModel, no_nul

Endpoint = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=8, max_length=2048),
    AfterValidator(no_nul),
    Field(description="The push service URL the browser gave"),
]
KeyText = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=256, pattern=r"^[A-Za-z0-9_\-=]+$"
    ),
    Field(description="base64url"),
]


class SubscriptionKeys(WireModel):
    p256dh: KeyText = Field(alias="p256dh")  # as browsers spell it, not camelCased
    auth: KeyText


class VapidKey(WireModel):
    public_key: str = Field(description="The VAPID public key, base64url (applicationServerKey)")


class SubscribeRequest(RequestModel):
    endpoint: Endpoint
    keys: SubscriptionKeys
    user_agent: Annotated[str, StringConstraints(max_length=512), AfterValidator(no_nul)] | None = (
        Field(default=None, description="A label for the browser, shown in the list")
    )


class UnsubscribeQuery(RequestModel):
    endpoint: Endpoint


class PushSubscription(WireModel):
    id: str
    principal_id: str
    endpoint: str
    keys: SubscriptionKeys
    user_agent: str | None
    created_at: Timestamp
    updated_at: Timestamp
