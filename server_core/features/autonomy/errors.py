"""Errors of the autonomous flow, on top of the kernel's tree (`server_core.kernel.errors`):

BadRequest
└── InvalidFireAt        400 invalid_fire_at     (a timer's fireAt is past, or over a year out)
Unauthorized
└── InvalidSignature     401 invalid_signature   (an inbound delivery's signature is missing,
                                                  stale or wrong: nothing is recorded)
Conflict
└── TimerNotPending      409 timer_not_pending   (the timer fired or was cancelled already)
"""

from __future__ import annotations

from server_core.kernel.errors import BadRequest, Conflict, Unauthorized


class InvalidFireAt(BadRequest):
    code = "invalid_fire_at"
    default_message = "fireAt must be in the future and at most 365 days from now"


class InvalidSignature(Unauthorized):
    code = "invalid_signature"
    default_message = "The delivery's signature is missing or does not match the secret"
    # The credential is the subscription's secret, not a caller's.
    challenge = 'HMAC-SHA256 realm="sesame inbound"'


class TimerNotPending(Conflict):
    code = "timer_not_pending"
    default_message = "That timer has fired or was cancelled already"
