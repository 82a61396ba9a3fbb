"""One error hierarchy for the whole API, rendered in one place as the spec's error shape.

    ApiError                         500 internal_error
    ├── BadRequest                   400 bad_request
    │   ├── ValidationFailed         400 validation_error   (framework validation included)
    │   ├── MalformedJson            400 invalid_json
    │   ├── AttachmentsUnavailable   400 attachments_unavailable
    │   └── InvalidTimezone          400 invalid_timezone   (not an IANA zone name)
    ├── Unauthorized                 401 unauthorized       (+ WWW-Authenticate)
    │   ├── InvalidCredentials       401 invalid_credentials
    │   └── CredentialsExpired       401 credentials_expired
    ├── Forbidden                    403 forbidden
    │   └── HumanOnly                403 human_only
    ├── NotFound                     404 not_found
    ├── MethodNotAllowed             405 method_not_allowed
    ├── Conflict                     409 conflict
    │   └── HandleTaken              409 handle_taken
    ├── PayloadTooLarge              413 payload_too_large
    ├── RateLimited                  429 rate_limited
    └── ServiceUnavailable           503 unavailable

The wire shape is `{"error": "<message>", "status": N, "code": "<code>"}`, plus `details` when
there is structured information (for validation: a list of `{field, message}`).

The kernel keeps the errors every feature shares; a feature's own errors subclass these in its
`errors.py` and are listed in its `feature.py`.
"""

from __future__ import annotations

from typing import Any, ClassVar


class ApiError(Exception):
    """Base of every error the API answers with; carries status, stable code and message."""

    status: ClassVar[int] = 500
    code: ClassVar[str] = "internal_error"
    default_message: ClassVar[str] = "Internal server error"
    # Most errors roll the request's transaction back. A few record something first (a
    # detected token reuse revokes the token family) and keep those writes.
    keeps_writes: ClassVar[bool] = False

    def __init__(
        self,
        message: str | None = None,
        *,
        details: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.details = details
        self.headers = headers or {}
        super().__init__(self.message)

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.message, "status": self.status, "code": self.code}
        if self.details is not None:
            body["details"] = self.details
        return body


class BadRequest(ApiError):
    status = 400
    code = "bad_request"
    default_message = "Bad request"


class ValidationFailed(BadRequest):
    code = "validation_error"
    default_message = "Request validation failed"


class MalformedJson(BadRequest):
    code = "invalid_json"
    default_message = "Request body is not valid JSON"


class InvalidTimezone(BadRequest):
    code = "invalid_timezone"
    default_message = "Time zones are IANA names, like 'America/New_York'"


class AttachmentsUnavailable(BadRequest):
    code = "attachments_unavailable"
    default_message = "Attachments need the drive, which this server does not offer yet"


class Unauthorized(ApiError):
    status = 401
    code = "unauthorized"
    default_message = "Authentication required"
    # Every accepted scheme is advertised, so a client can tell what to send.
    challenge = 'Bearer realm="sesame", Signature realm="sesame"'

    def __init__(self, message: str | None = None, *, details: Any = None) -> None:
        super().__init__(message, details=details, headers={"WWW-Authenticate": self.challenge})


class InvalidCredentials(Unauthorized):
    code = "invalid_credentials"
    default_message = "Invalid credentials"


class CredentialsExpired(Unauthorized):
    code = "credentials_expired"
    default_message = "Credentials expired"


class Forbidden(ApiError):
    status = 403
    code = "forbidden"
    default_message = "You do not have access to this resource"


class HumanOnly(Forbidden):
    code = "human_only"
    default_message = "Only human principals may do this"


class NotFound(ApiError):
    status = 404
    code = "not_found"
    default_message = "Not found"


class MethodNotAllowed(ApiError):
    status = 405
    code = "method_not_allowed"
    default_message = "Method not allowed"


class Conflict(ApiError):
    status = 409
    code = "conflict"
    default_message = "Conflict"


class HandleTaken(Conflict):
    code = "handle_taken"
    default_message = "That handle is already taken in this workspace"


class PayloadTooLarge(ApiError):
    status = 413
    code = "payload_too_large"
    default_message = "Request body is too large"


class RateLimited(ApiError):
    status = 429
    code = "rate_limited"
    default_message = "Too many requests"


class ServiceUnavailable(ApiError):
    status = 503
    code = "unavailable"
    default_message = "Service unavailable"
