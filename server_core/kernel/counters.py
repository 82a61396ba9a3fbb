"""Counts of the platform's background work, kept as plain integers for `/metrics`.

The loops that do the work (the gateway's fan-out, the webhook sender) add to them; the
metrics endpoint reads them when it is scraped. Adding is an integer increment on the event
loop: no lock, nothing per event beyond it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

WebhookOutcome = Literal["success", "failure", "retry"]
WEBHOOK_OUTCOMES: tuple[WebhookOutcome, ...] = ("success", "failure", "retry")


@dataclass
class Counters:
    # Events the gateway handed to at least one local connection, and the frames that made.
    events_fanned_out: int = 0
    frames_fanned_out: int = 0
    # Webhook attempts by what came of them: delivered, given up, or to be retried.
    webhook_outcomes: dict[WebhookOutcome, int] = field(
        default_factory=lambda: dict.fromkeys(WEBHOOK_OUTCOMES, 0)
    )
    # The same for the webhooks that sessions' async sends post their replies to.
    session_reply_outcomes: dict[WebhookOutcome, int] = field(
        default_factory=lambda: dict.fromkeys(WEBHOOK_OUTCOMES, 0)
    )
