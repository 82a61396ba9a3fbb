"""The autonomous flow: which service answers each operation, its errors, the inbound
receiver it serves outside `/api/v1`, and the timer worker."""

from __future__ import annotations

from server_core.features.autonomy import subscriptions, timers, worker
from server_core.features.autonomy.errors import InvalidFireAt, InvalidSignature, TimerNotPending
from server_core.features.autonomy.inbound import ROUTES
from server_core.features.autonomy.operations import Autonomy
from server_core.kernel.feature import Feature, Loop

FEATURE = Feature(
    "autonomy",
    serves={
        Autonomy.set_timer: timers.do_set_timer,
        Autonomy.list_timers: timers.list_timers,
        Autonomy.cancel_timer: timers.do_cancel_timer,
        Autonomy.subscribe: subscriptions.do_subscribe,
        Autonomy.list_subscriptions: subscriptions.list_subscriptions,
        Autonomy.unsubscribe: subscriptions.do_unsubscribe,
    },
    errors=[InvalidFireAt, InvalidSignature, TimerNotPending],
    loops=[Loop("timer worker", worker.run)],
    routes=ROUTES,
)
