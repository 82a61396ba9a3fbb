"""Platform errors as text an agent can act on: what went wrong, and what to do next.

Each toolset says what to do next after the errors of its own area (`Toolset.next_steps`);
the steps here hold for every tool.
"""

from __future__ import annotations

from collections.abc import Mapping

from sesame_mcp.client import SesameError

# What to do next, by the error code, whatever the tool.
COMMON_STEPS: dict[str, str] = {
    "forbidden": "you lack the role for this; ask a workspace admin",
    "human_only": "only humans may do this; ask your owner",
    "rate_limited": "you are calling too fast; wait, then try again",
    "validation_error": "fix the arguments as the message says",
    "connection_failed": "the Sesame platform is not reachable right now; try again shortly",
    "timeout": "the Sesame platform did not answer in time; try again",
}


def explain(error: SesameError, tool: str, steps: Mapping[str, str] | None = None) -> str:
    """One or two sentences for the agent, naming the tool that failed; `steps` are the next
    steps of the tool's own toolset."""
    text = f"{tool} failed: {error.message}"
    if error.status is not None:
        text += f" (HTTP {error.status}, {error.code})"
    if error.retry_after is not None:
        text += f". Retry after {error.retry_after:g} s"
    step = (steps or {}).get(error.code) or COMMON_STEPS.get(error.code)
    if step is None and error.status is not None and error.status >= 500:
        step = "the platform failed; try again, and report it if it persists"
    return f"{text}. Next: {step}." if step else text + "."
