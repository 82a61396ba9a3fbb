"""One error hierarchy for the whole API, rendered in one place as the spec's error shape.

    ApiError                         500 internal_error
    ├── BadRequest                   400 bad_request
    │   ├── ValidationFailed         400 validation_error   (framework validation included)
    │   ├── MalformedJson            400 invalid_json
    │   └── AttachmentsUnavailable   400 attachments_unavailable
    ├── Unauthorized                 401 unauthorized       (+ WWW-Authenticate)
    │   ├── InvalidCredentials       401 invalid_credentials
    │   ├── CredentialsExpired       401 credentials_expired
    │   └── RefreshTokenReused       401 refresh_token_reused (keeps its writes)
    ├── Forbidden                    403 forbidden
    │   ├── HumanOnly                403 human_only
    │   ├── RegistrationClosed       403 registration_closed
    │   ├── NotChannelMember         403 not_channel_member
    │   └── ChannelReadOnly          403 channel_read_only  (readonly role, visibility rules)
    ├── NotFound                     404 not_found
    ├── MethodNotAllowed             405 method_not_allowed
    ├── Conflict                     409 conflict
    │   ├── HandleTaken              409 handle_taken
    │   ├── EmailTaken               409 email_taken
    │   ├── ChannelArchived          409 channel_archived
    │   ├── NotYourTurn              409 not_your_turn      (coordination modes)
    │   └── MessageDeleted           409 message_deleted
    ├── PayloadTooLarge              413 payload_too_large
    ├── RateLimited                  429 rate_limited
    │   └── LoopPrevention           429 loop_prevention    (+ Retry-After)
    └── ServiceUnavailable           503 unavailable

The wire shape is `{"error": "<message>", "status": N, "code": "<code>"}`, plus `details` when
there is structured information (for validation: a list of `{field, message}`).
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


class RefreshTokenReused(InvalidCredentials):
    code = "refresh_token_reused"
    default_message = "Refresh token was already used; all sessions from that login are revoked"
    keeps_writes = True


class Forbidden(ApiError):
    status = 403
    code = "forbidden"
    default_message = "You do not have access to this resource"


class HumanOnly(Forbidden):
    code = "human_only"
    default_message = "Only human principals may do this"


class RegistrationClosed(Forbidden):
    code = "registration_closed"
    default_message = "Registration is closed on this server; ask an admin for an invitation"


class NotChannelMember(Forbidden):
    code = "not_channel_member"
    default_message = "You are not a member of this channel"


class ChannelReadOnly(Forbidden):
    code = "channel_read_only"
    default_message = "You can read this channel but not send to it"


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


class EmailTaken(Conflict):
    code = "email_taken"
    default_message = "An account with that email already exists"


class ChannelArchived(Conflict):
    code = "channel_archived"
    default_message = "This channel is archived: its history is readable, nothing can be added"


class NotYourTurn(Conflict):
    code = "not_your_turn"
    default_message = "The channel's coordination mode does not give you the turn"


class MessageDeleted(Conflict):
    code = "message_deleted"
    default_message = "This message was deleted"


class PayloadTooLarge(ApiError):
    status = 413
    code = "payload_too_large"
    default_message = "Request body is too large"


class RateLimited(ApiError):
    status = 429
    code = "rate_limited"
    default_message = "Too many requests"


class LoopPrevention(RateLimited):
    """A channel's loop prevention refused a send; the message starts "Loop prevention:"."""

    code = "loop_prevention"
    default_message = "Loop prevention: too many messages"

    def __init__(self, message: str, *, retry_after_ms: int) -> None:
        seconds = max(1, -(-retry_after_ms // 1000))
        super().__init__(
            message, details={"retryAfterMs": retry_after_ms}, headers={"Retry-After": str(seconds)}
        )


class ServiceUnavailable(ApiError):
    status = 503
    code = "unavailable"
    default_message = "Service unavailable"
