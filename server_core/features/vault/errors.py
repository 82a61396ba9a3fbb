"""Errors of the vault, on top of the kernel's tree (`server_core.kernel.errors`):

    BadRequest
    ├── UnknownField             400 unknown_field           (reveal names a field the item lacks)
    ├── NoTotpSecret             400 no_totp_secret
    └── InvalidTotpSecret        400 invalid_totp_secret     (not base32 / not an otpauth URI)
    Forbidden
    └── VaultAccessDenied        403 vault_access_denied     (recorded as a denied access event)
    NotFound
    └── VaultNotFound            404 not_found               (recorded as a denied access event)
    Conflict
    ├── LeaseNotPending          409 lease_not_pending       (approve / deny a decided lease)
    └── LeaseNotActive           409 lease_not_active        (use / revoke a lease that is not
                                                              active: pending, denied, expired,
                                                              revoked; recorded as denied)
    ApiError
    ├── AuditUnavailable         500 audit_unavailable       (the access event could not be
    │                                                         written: nothing is revealed)
    └── FieldUnreadable          500 vault_field_unreadable  (a stored field does not open:
                                                              tampered, moved, or its master
                                                              key is not configured)

Denials keep their writes (`keeps_writes`): the request's transaction commits the denied
access event, then the error is answered. Raise them before anything else is written.
"""

from __future__ import annotations

from server_core.kernel.errors import ApiError, BadRequest, Conflict, Forbidden, NotFound


class UnknownField(BadRequest):
    code = "unknown_field"
    default_message = "The item has no field with that key"


class NoTotpSecret(BadRequest):
    code = "no_totp_secret"
    default_message = (
        "This item has no TOTP secret: add a field with fieldHint 'totp' or typeMetadata.totpSecret"
    )


class InvalidTotpSecret(BadRequest):
    code = "invalid_totp_secret"
    default_message = "The item's TOTP secret is not valid base32 (or an otpauth:// URI)"


class VaultAccessDenied(Forbidden):
    code = "vault_access_denied"
    default_message = "Your role in this vault does not allow this"
    keeps_writes = True


class VaultNotFound(NotFound):
    """What a principal who may not see a vault or item gets: the same as a missing id."""

    keeps_writes = True


class LeaseNotPending(Conflict):
    code = "lease_not_pending"
    default_message = "Only a pending lease can be approved or denied"
    keeps_writes = True


class LeaseNotActive(Conflict):
    code = "lease_not_active"
    default_message = "This lease is not active"
    keeps_writes = True


class AuditUnavailable(ApiError):
    code = "audit_unavailable"
    default_message = "The access could not be recorded, so nothing was revealed"


class FieldUnreadable(ApiError):
    code = "vault_field_unreadable"
    default_message = (
        "A stored field of this item does not open: it was altered, or its master key is "
        "not configured on this server"
    )
