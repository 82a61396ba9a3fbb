"""Errors of webhooks, on top of the kernel's tree (`server_core.kernel.errors`):

BadRequest
├── UnknownEventType         400 unknown_event_type  (not an event type webhooks carry)
└── WebhookUrlRefused        400 webhook_url_refused (not http(s), or a private address)
"""

from __future__ import annotations

from server_core.kernel.errors import BadRequest


class UnknownEventType(BadRequest):
    code = "unknown_event_type"
    default_message = "Unknown event type"


class WebhookUrlRefused(BadRequest):
    code = "webhook_url_refused"
    default_message = (
        "The webhook URL must be http(s) and reach a public address (not private, loopback, "
        "link-local or unspecified)"
    )
