"""Platform errors as text an agent can act on: what went wrong, and what to do next."""

from __future__ import annotations

from sesame_mcp.client import SesameError

# What to do next, by the platform's error code.
NEXT_STEP: dict[str, str] = {
    "not_found": "check the id; list_channels shows the channels you can see",
    "not_channel_member": "you are not a member of that channel; ask an owner to add you",
    "channel_archived": "the channel is archived and takes no new messages",
    "channel_read_only": "you can read this channel but not post in it",
    "not_your_turn": "the channel's coordination mode says it is someone else's turn; wait "
    "for new messages with wait_for_events, then try again",
    "loop_prevention": "you are posting too fast in this channel; wait, then try again",
    "forbidden": "you lack the role for this; ask a workspace admin",
    "human_only": "only humans may do this; ask your owner",
    "message_deleted": "the message was deleted and cannot change any more",
    "conflict": "it clashes with the current state; look again (list_channels, or channel_info "
    "in toolset channel_admin) before retrying",
    "rate_limited": "you are calling too fast; wait, then try again",
    "validation_error": "fix the arguments as the message says",
    "connection_failed": "the Sesame platform is not reachable right now; try again shortly",
    "timeout": "the Sesame platform did not answer in time; try again",
}


def explain(error: SesameError, tool: str) -> str:
    """One or two sentences for the agent, naming the tool that failed."""
    text = f"{tool} failed: {error.message}"
    if error.status is not None:
        text += f" (HTTP {error.status}, {error.code})"
    if error.retry_after is not None:
        text += f". Retry after {error.retry_after:g} s"
    step = NEXT_STEP.get(error.code)
    if step is None and error.status is not None and error.status >= 500:
        step = "the platform failed; try again, and report it if it persists"
    return f"{text}. Next: {step}." if step else text + "."
