"""Errors of Web Push, on top of the kernel's tree (`server_core.kernel.errors`):

BadRequest
└── PushEndpointRefused      400 push_endpoint_refused
"""

from __future__ import annotations

from server_core.kernel.errors import BadRequest


class PushEndpointRefused(BadRequest):
    code = "push_endpoint_refused"
    default_message = "Push endpoints must be https URLs on public hosts"
