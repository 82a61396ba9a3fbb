"""The autonomous flow's operations: one-shot timers on a task (its assignees, its creator or a
workspace admin) and an agent's wake subscriptions to external events (the agent itself, its
owner or a workspace admin). The inbound receiver that subscriptions are delivered to is a
plain route (`inbound.py`)."""

from __future__ import annotations

from server_core.features.autonomy.errors import InvalidFireAt, TimerNotPending
from server_core.features.autonomy.schemas import (
    CreateSubscriptionRequest,
    CreateTimerRequest,
    TaskTimer,
    WakeSubscription,
    WakeSubscriptionWithSecret,
)
from server_core.kernel.errors import Conflict, Forbidden, NotFound
from server_core.kernel.operations import Operation, Operations, PathParam

TASK = PathParam("id", "task_id", "Task id or number (T-42)", max_length=64)
TIMER = PathParam("timerId", "timer_id", "Timer id")
AGENT = PathParam("id", "agent_id", "Agent id")
SUBSCRIPTION = PathParam("subscriptionId", "subscription_id", "Wake subscription id")
Timers = list[TaskTimer]
Subscriptions = list[WakeSubscription]


class Autonomy(Operations):
    """Timers and wake subscriptions: ways to be woken without anyone's nudge."""

    area = "autonomy"

    set_timer = Operation(
        "POST",
        "/tasks/{id}/timer",
        params=[TASK],
        body=CreateTimerRequest,
        response=TaskTimer,
        status=201,
        errors=[Forbidden, NotFound, InvalidFireAt, Conflict],
        summary="Set a one-shot timer: at fireAt the task's assignee gets a wake message",
    )
    list_timers = Operation(
        "GET",
        "/tasks/{id}/timers",
        params=[TASK],
        response=Timers,
        errors=[Forbidden, NotFound],
        summary="A task's timers, pending and past, soonest first",
    )
    cancel_timer = Operation(
        "DELETE",
        "/tasks/{id}/timers/{timerId}",
        params=[TASK, TIMER],
        response=TaskTimer,
        errors=[Forbidden, NotFound, TimerNotPending],
        summary="Cancel a pending timer: it never fires",
    )
    subscribe = Operation(
        "POST",
        "/agents/{id}/subscriptions",
        params=[AGENT],
        body=CreateSubscriptionRequest,
        response=WakeSubscriptionWithSecret,
        status=201,
        errors=[Forbidden, NotFound, Conflict],
        summary="Subscribe an agent to external events (GitHub, signed webhooks) that wake it",
    )
    list_subscriptions = Operation(
        "GET",
        "/agents/{id}/subscriptions",
        params=[AGENT],
        response=Subscriptions,
        errors=[Forbidden, NotFound],
        summary="An agent's wake subscriptions, oldest first",
    )
    unsubscribe = Operation(
        "DELETE",
        "/agents/{id}/subscriptions/{subscriptionId}",
        params=[AGENT, SUBSCRIPTION],
        response=WakeSubscription,
        errors=[Forbidden, NotFound],
        summary="Delete a wake subscription: its inbound URL stops answering",
    )
