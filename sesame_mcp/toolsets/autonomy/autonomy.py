"""Toolset `autonomy`: being woken without anyone's nudge. `set_timer` puts a one-shot wake-up
on a task (CI takes ~17 minutes: set one for 20); `subscribe_wake` has GitHub (or any sender
that signs its posts) wake you when an event happens, such as a workflow run completing. The
wake message arrives like any other event (`wait_for_events`). Declared from the platform's
autonomy operations (`sesame_mcp.derived`).

A subscription's secret is shown once, by `subscribe_wake`: the outbound guard remembers it, so
that no tool posts it in a message afterwards.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mcp.server.mcpserver import Context
from pydantic import Field

from server_core.features.autonomy.operations import Autonomy
from server_core.features.autonomy.schemas import EventName, Filter, Source
from sesame_mcp.derived import derive
from sesame_mcp.registry import ToolInput, ToolOutput, Toolset, View
from sesame_mcp.state import sesame
from sesame_mcp.toolsets.messaging.views import quote
from sesame_mcp.toolsets.tasks.tasks import TASK

TOOLSET = Toolset(
    "autonomy",
    "Timers on your tasks and subscriptions to external events (GitHub CI) that wake you",
    default=False,
    next_steps={
        "invalid_fire_at": "give fire_at in the future (ISO 8601, e.g. 2030-01-07T09:20:00Z), "
        "at most 365 days away",
        "timer_not_pending": "list_timers shows which timers are still pending",
    },
)
KEEP_IT = (
    "Put the secret in the sender's settings now (GitHub: repository Settings → Webhooks, "
    "content type application/json); it is shown only this once."
)


class TimerView(View):
    id: str
    task_id: str
    message: str
    fire_at: datetime
    status: str
    fired_at: datetime | None

    def line(self) -> str:
        when = f"{self.fire_at:%Y-%m-%d %H:%M} UTC"
        return f"- {when} [{self.status}] {quote(self.message)} [{self.id}]"


class TimerOutput(ToolOutput):
    timer: TimerView

    def render(self) -> str:
        t = self.timer
        if t.status == "cancelled":
            return f"Cancelled the timer for {t.fire_at:%Y-%m-%d %H:%M} UTC [{t.id}]."
        return f"Timer set: you will be woken at {t.fire_at:%Y-%m-%d %H:%M} UTC [{t.id}]."


class TimersOutput(ToolOutput):
    timers: list[TimerView] = Field(description="Soonest first, pending and past")

    def render(self) -> str:
        if not self.timers:
            return "No timers on this task."
        return "\n".join([f"{len(self.timers)} timers:", *(t.line() for t in self.timers)])


class SubscriptionView(View):
    id: str
    source: str
    event: str
    filter: dict[str, Any]
    inbound_url: str
    delivery_count: int

    def line(self) -> str:
        wanted = ", ".join(f"{k}={v}" for k, v in self.filter.items())
        where = f" where {wanted}" if wanted else ""
        return (
            f"- {self.source} {self.event}{where}; woke you {self.delivery_count} times; "
            f"POST to {self.inbound_url} [{self.id}]"
        )


class SubscriptionsOutput(ToolOutput):
    subscriptions: list[SubscriptionView] = Field(description="Oldest first")

    def render(self) -> str:
        if not self.subscriptions:
            return "No wake subscriptions: subscribe_wake adds one."
        lines = [f"{len(self.subscriptions)} wake subscriptions:"]
        return "\n".join(lines + [s.line() for s in self.subscriptions])


class UnsubscribedOutput(ToolOutput):
    subscription: SubscriptionView

    def render(self) -> str:
        s = self.subscription
        return f"Unsubscribed from {s.source} {s.event}: its URL no longer wakes you [{s.id}]."


class SubscribedOutput(ToolOutput):
    subscription: SubscriptionView
    secret: str = Field(description="whsec_…: shown only this once")

    def render(self) -> str:
        s = self.subscription
        return (
            f"Subscribed: {s.source} {s.event} wakes you.\nURL: {s.inbound_url}\n"
            f"Secret: {self.secret}\n{KEEP_IT}"
        )


class SubscribeInput(ToolInput):
    source: Source = Field(description="github, or webhook (any sender signing its posts)")
    event: EventName = Field(
        description="github: workflow_run.completed, check_suite.completed, push…; "
        "webhook: its event type; * for any"
    )
    filter: Filter = Field(
        default_factory=dict,
        description='Each key must match, e.g. {"repo": "org/sesame", "conclusion": "failure"}; '
        "github also knows workflow and branch; other keys are dotted payload paths",
    )


derive(
    TOOLSET,
    Autonomy.set_timer,
    name="set_timer",
    title="Set a timer",
    description="Be woken about a task at a time you choose: a one-shot wake message with "
    "your text (a safety net while CI or a sub-agent runs).",
    output=TimerOutput,
    refs={"task_id": TASK},
    descriptions={
        "fire_at": "When (ISO 8601, in the future, e.g. 2030-01-07T09:20:00Z)",
        "message": "What the wake message should remind you of",
    },
)
derive(
    TOOLSET,
    Autonomy.list_timers,
    name="list_timers",
    title="List timers",
    description="A task's timers: pending, fired and cancelled, soonest first.",
    output=TimersOutput,
    refs={"task_id": TASK},
)
derive(
    TOOLSET,
    Autonomy.cancel_timer,
    name="cancel_timer",
    title="Cancel a timer",
    description="Cancel a pending timer (say, CI woke you first): it never fires.",
    output=TimerOutput,
    refs={"task_id": TASK},
    descriptions={"timer_id": "The timer's id (list_timers shows them)"},
)


@TOOLSET.tool(title="Subscribe to wake events", read_only=False)
async def subscribe_wake(args: SubscribeInput, ctx: Context) -> SubscribedOutput:
    """Be woken when an external event happens, such as GitHub's workflow_run.completed for a
    repository: gives the URL to set as the sender's webhook and its secret, shown only here."""
    state = sesame(ctx)
    made = await state.client.autonomy.subscribe(
        state.me.id, source=args.source, event=args.event, filter=args.filter
    )
    state.guard.remember(f"wake subscription {made.id}", {"secret": made.secret})
    view = SubscriptionView.model_validate(made)
    return SubscribedOutput(subscription=view, secret=made.secret)


derive(
    TOOLSET,
    Autonomy.list_subscriptions,
    name="list_wake_subscriptions",
    title="List wake subscriptions",
    description="Your wake subscriptions: source, event, filter, URL, how often each woke you.",
    output=SubscriptionsOutput,
    own=["agent_id"],
)
derive(
    TOOLSET,
    Autonomy.unsubscribe,
    name="unsubscribe_wake",
    title="Unsubscribe from wake events",
    description="Delete a wake subscription: deliveries to its URL no longer wake you.",
    output=UnsubscribedOutput,
    own=["agent_id"],
    descriptions={"subscription_id": "The subscription's id (list_wake_subscriptions)"},
)
