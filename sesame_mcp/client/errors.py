"""The one exception the client raises: `SesameError`.

Every failure becomes a `SesameError` with the server's stable machine `code`, so callers
branch on one type:

    SesameError
      status  the HTTP status (401, 403, 404, 409, 429, …); None when no response came back
      code    the server's code ("not_found", "loop_prevention", …) or one of the client's:
              "connection_failed"  the server could not be reached or the connection dropped
              "timeout"            no answer in time (a write may or may not have happened)
              "bad_response"       the answer was not the documented JSON shape
              "validation_error"   the request was refused before sending (status 400), with
                                   the same message and details the server would give
      message, details, retry_after (seconds, for 429)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

CONNECTION_FAILED = "connection_failed"
TIMEOUT = "timeout"
BAD_RESPONSE = "bad_response"
VALIDATION_ERROR = "validation_error"


class SesameError(Exception):
    """A request or connection that failed: HTTP status, stable code and message."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None,
        code: str,
        details: Any = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.details = details
        self.retry_after = retry_after

    def __str__(self) -> str:
        where = f"{self.status} " if self.status is not None else ""
        return f"{where}{self.code}: {self.message}"

    def __repr__(self) -> str:
        return f"SesameError(status={self.status!r}, code={self.code!r}, message={self.message!r})"

    @classmethod
    def from_body(
        cls, status: int, body: Any, headers: Mapping[str, str] | None = None
    ) -> SesameError:
        """The error a response body `{"error", "status", "code", "details"?}` stands for."""
        if not isinstance(body, dict) or not isinstance(body.get("error"), str):
            return cls(f"HTTP {status} without an error body", status=status, code=BAD_RESPONSE)
        code = body.get("code")
        details = body.get("details")
        return cls(
            body["error"],
            status=status,
            code=code if isinstance(code, str) else f"http_{status}",
            details=details,
            retry_after=_retry_after(details, headers),
        )

    @classmethod
    def from_validation(cls, error: ValidationError) -> SesameError:
        """A request the server's own wire model refuses, shaped like the server's 400."""
        problems = [
            {
                "field": ".".join(str(part) for part in problem.get("loc", ())) or "body",
                "message": problem.get("msg", "invalid"),
            }
            for problem in error.errors(include_url=False, include_input=False)
        ]
        first = problems[0] if problems else {"field": "body", "message": "invalid"}
        message = f"{first['field']}: {first['message']}"
        if len(problems) > 1:
            message += f" (and {len(problems) - 1} more)"
        return cls(message, status=400, code=VALIDATION_ERROR, details=problems)


def _retry_after(details: Any, headers: Mapping[str, str] | None) -> float | None:
    """Seconds to wait: the precise `details.retryAfterMs` when present, else `Retry-After`."""
    if isinstance(details, dict):
        millis = details.get("retryAfterMs")
        if isinstance(millis, int | float) and not isinstance(millis, bool):
            return float(millis) / 1000
    value = headers.get("retry-after") if headers is not None else None
    if value is not None:
        try:
            return float(value)
        except ValueError:
            return None  # an HTTP date: rare for this API, not worth parsing
    return None
