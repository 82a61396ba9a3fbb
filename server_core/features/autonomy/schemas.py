"""Wire models of the autonomous flow: task timers (`/tasks/{id}/timer`) and wake
subscriptions (`/agents/{id}/subscriptions`), with the inbound receiver's answer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StringConstraints

from server_core.kernel.wire import RequestModel, Timestamp, WireModel, check_json_object, no_nul

TimerStatus = Literal["pending", "fired", "cancelled"]
Source = Literal["github", "webhook"]
MAX_FILTER = 4 * 1024  # bytes of a subscription's filter
MAX_FILTER_KEYS = 20
MAX_SUBSCRIPTIONS = 100  # per agent
MAX_TIMERS = 100  # pending, per task


def _filter(value: dict[str, Any]) -> dict[str, Any]:
    if len(value) > MAX_FILTER_KEYS:
        raise ValueError(f"at most {MAX_FILTER_KEYS} filter keys")
    for key in value:
        if not key or len(key) > 200 or key.startswith(".") or key.endswith("."):
            raise ValueError(f"'{key}' is not a filter key: use a name or a dotted path")
    return check_json_object(value, MAX_FILTER)


Message = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=4000),
    AfterValidator(no_nul),
]
EventName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=128),
    AfterValidator(no_nul),
]
FilterValue = str | int | float | bool | None
Filter = Annotated[dict[str, FilterValue], AfterValidator(_filter)]


class CreateTimerRequest(RequestModel):
    fire_at: datetime = Field(description="When to wake (ISO 8601; in the future)")
    message: Message = Field(description="What the wake message says")


class TaskTimer(WireModel):
    id: str
    task_id: str
    principal_id: str = Field(description="Who set it")
    message: str
    fire_at: Timestamp
    status: TimerStatus
    fired_at: Timestamp | None
    woken_ids: list[str] = Field(description="Who the wake message went to, once it fired")
    created_at: Timestamp


class CreateSubscriptionRequest(RequestModel):
    source: Source = Field(description="github, or webhook (any sender that signs its posts)")
    event: EventName = Field(
        description="github: `X-GitHub-Event` or `X-GitHub-Event.action` "
        "(workflow_run.completed); webhook: the event type; `*` matches any"
    )
    filter: Filter = Field(
        default_factory=dict,
        description="Every key must equal the payload's value: `repo` is repository.full_name, "
        "other keys dotted paths into the payload (workflow_run.conclusion)",
    )


class WakeSubscription(WireModel):
    id: str
    agent_id: str
    source: Source
    event: str
    filter: dict[str, Any]
    inbound_url: str = Field(description="Where the sender POSTs its events")
    delivery_count: int = Field(description="Matching deliveries that woke the agent")
    last_delivered_at: Timestamp | None
    created_at: Timestamp


class WakeSubscriptionWithSecret(WakeSubscription):
    secret: str = Field(description="The signing secret, shown only now")


class InboundResult(WireModel):
    """The receiver's answer to a verified delivery."""

    subscription_id: str
    event: str = Field(description="The delivery's event name, as matched")
    matched: bool = Field(description="Whether it matched the subscription and woke the agent")
