"""Asking the human at the MCP host a question during a tool call (form elicitation), in
both protocol eras:

- 2026-07-28: the server cannot send the client a request, so the first round of the call
  answers with an `InputRequiredResult` carrying the question; the client asks the human and
  calls the tool again with the answer (`ctx.input_responses`) and the result's
  `request_state`, which the SDK seals on the way and which names the question: an answer
  counts only for the question asked.
- 2025-11-25: an `elicitation/create` request to the client during the call.

A client that declared no form elicitation, or has no way back to it, cannot be asked: the
answer is then `unasked`, and the tool decides what that means.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Literal

from mcp.server.mcpserver import Context
from mcp.shared.exceptions import MCPError, NoBackChannelError
from mcp.types import (
    ElicitRequest,
    ElicitRequestFormParams,
    ElicitResult,
    InputRequiredResult,
)
from mcp_types.version import is_version_at_least

from sesame_mcp.registry import InputRequired, ToolFailure

# The one question a call asks, under this key in `input_requests`.
CONFIRM_KEY = "confirm"
MODERN_ERA = "2026-07-28"  # elicitation rides InputRequiredResult from this revision on


@dataclass
class Answer:
    """What the human said: `accept`, `decline` or `cancel`; `unasked` when the client
    cannot be asked."""

    action: Literal["accept", "decline", "cancel", "unasked"]
    content: dict[str, Any] | None = None


def _can_elicit(ctx: Context) -> bool:
    """Whether the client declared form elicitation (a bare `elicitation: {}`, from before
    modes existed, counts as form)."""
    capabilities = ctx.client_capabilities
    elicitation = capabilities.elicitation if capabilities is not None else None
    return elicitation is not None and (elicitation.form is not None or elicitation.url is None)


def _modern(ctx: Context) -> bool:
    version = ctx.protocol_version
    return version is not None and is_version_at_least(version, MODERN_ERA)


async def ask_human(ctx: Context, message: str, schema: dict[str, Any]) -> Answer:
    """Ask the human `message` with a form of `schema`, in the call's protocol era (see the
    module's docstring); in 2026-07-28 the first round raises `InputRequired`."""
    if not _can_elicit(ctx):
        return Answer("unasked")
    question = hashlib.sha256(json.dumps([message, schema], sort_keys=True).encode()).hexdigest()
    if _modern(ctx):
        answer = (ctx.input_responses or {}).get(CONFIRM_KEY)
        if isinstance(answer, ElicitResult) and _asked(ctx.request_state) == question:
            return Answer(answer.action, answer.content)
        request = ElicitRequest(
            params=ElicitRequestFormParams(message=message, requested_schema=schema)
        )
        raise InputRequired(
            InputRequiredResult(
                input_requests={CONFIRM_KEY: request},
                request_state=json.dumps({"question": question}),
            )
        )
    if not ctx.session.can_send_request:
        return Answer("unasked")
    try:
        result = await ctx.session.elicit_form(message, schema, related_request_id=ctx.request_id)
    except NoBackChannelError:
        return Answer("unasked")
    except MCPError as error:
        raise ToolFailure(
            f"the human could not be asked ({error.error.message}); nothing changed. Next: "
            "try again, or ask the human in a message."
        ) from None
    return Answer(result.action, result.content)


def _asked(request_state: str | None) -> str | None:
    try:
        state = json.loads(request_state or "")
    except ValueError:
        return None
    return state.get("question") if isinstance(state, dict) else None
