"""JSON request bodies, read strictly before FastAPI validates them against the models.

Starlette reads a body with `json.loads(bytes)`, which guesses UTF-16 and UTF-32 from the first
bytes and lets escapes such as `\\ud800` through as lone surrogates: strings that are not
Unicode text, that neither engine stores and that no response can encode. Every bound
operation's route (`StrictJsonRoute`) reads its body with `parse_json_body` instead, so no
model or field needs a check of its own. A refusal is a `json.JSONDecodeError`, which FastAPI
reports as `json_invalid` and the app answers with 400 `invalid_json` (after checking the
credentials, like every refused body).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

NOT_UTF8 = "not UTF-8 text"
LONE_SURROGATE = "a \\uD800-\\uDFFF escape outside a surrogate pair is not a character"

# Only a `\uD8xx`-`\uDFxx` escape can make a surrogate (UTF-8 text cannot hold one), so a body
# without one skips the walk over its strings.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def parse_json_body(body: bytes) -> Any:
    """The JSON value of a UTF-8 body (a leading BOM is skipped); raises `JSONDecodeError`
    for anything else, and for strings (keys included) holding a lone surrogate."""
    # A raw NUL byte is never valid JSON; it is what UTF-16 and UTF-32 put beside ASCII.
    if b"\x00" in body:
        raise json.JSONDecodeError(NOT_UTF8, body.decode("utf-8", "replace"), body.index(b"\x00"))
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise json.JSONDecodeError(NOT_UTF8, body.decode("utf-8", "replace"), exc.start) from exc
    value = json.loads(text)
    if _SURROGATE_ESCAPE.search(body) and _holds_surrogate(value):
        raise json.JSONDecodeError(LONE_SURROGATE, text, 0)
    return value


def _holds_surrogate(value: Any) -> bool:
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


class StrictJsonRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = parse_json_body(await self.body())
        return self._json


class StrictJsonRoute(APIRoute):
    """A route whose endpoint reads its JSON body with `parse_json_body`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict_handler(request: Request) -> Response:
            return await handler(StrictJsonRequest(request.scope, request.receive))

        return strict_handler
