"""Prompts whose client mistakes are answered as such.

The SDK answers a prompt called without a required argument, or with one of the wrong type,
with a generic error (code 0, or -32603 "Internal server error") and logs a traceback at
ERROR for each. A prompt declared with `prompt(server, title=...)` answers invalid params
(-32602) with a sentence naming the argument instead, and logs nothing: the client's
mistake is not the server's failure. A prompt function raises `MCPError` itself for what it
cannot find (see `toolsets/messaging/history.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.prompts.base import Message, Prompt
from mcp.shared.exceptions import MCPError
from mcp.types import INVALID_PARAMS, InputRequiredResult
from pydantic import ValidationError

from sesame_mcp.registry import argument_mistakes

F = TypeVar("F", bound=Callable[..., Any])


class CheckedPrompt(Prompt):
    async def render(
        self, arguments: dict[str, Any] | None, context: Context[Any, Any]
    ) -> list[Message] | InputRequiredResult:
        given = arguments or {}
        missing = [
            arg.name for arg in self.arguments or [] if arg.required and arg.name not in given
        ]
        if missing:
            needs = "; ".join(f"{name}: required" for name in missing)
            raise MCPError(
                code=INVALID_PARAMS, message=f"{self.name} refused its arguments: {needs}"
            )
        try:
            return await super().render(arguments, context)
        except ValueError as error:
            if isinstance(error.__cause__, ValidationError):
                mistakes = argument_mistakes(error.__cause__)
                message = f"{self.name} refused its arguments: {mistakes}"
                raise MCPError(code=INVALID_PARAMS, message=message) from error
            raise


def prompt(server: MCPServer, *, title: str) -> Callable[[F], F]:
    """Declare a prompt on `server` as `@server.prompt(title=...)` does (name, arguments and
    description from the function), its argument mistakes answered as invalid params."""

    def declare(fn: F) -> F:
        server.add_prompt(CheckedPrompt.from_function(fn, title=title))
        return fn

    return declare
