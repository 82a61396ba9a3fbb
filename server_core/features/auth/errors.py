"""Errors of sign-up and sign-in, on top of the kernel's tree (`server_core.kernel.errors`):

InvalidCredentials
└── RefreshTokenReused       401 refresh_token_reused (keeps its writes: the family is
                                                       revoked)
Forbidden
├── RegistrationClosed       403 registration_closed
├── InvitationInvalid        403 invitation_invalid
├── InvitationExpired        403 invitation_expired
├── InvitationRevoked        403 invitation_revoked
└── InvitationEmailMismatch  403 invitation_email_mismatch
Conflict
├── EmailTaken               409 email_taken
├── InvitationUsed           409 invitation_used
├── InvitationPending        409 invitation_pending
└── InvitationNotPending     409 invitation_not_pending
"""

from __future__ import annotations

from server_core.kernel.errors import Conflict, Forbidden, InvalidCredentials


class RefreshTokenReused(InvalidCredentials):
    code = "refresh_token_reused"
    default_message = "Refresh token was already used; all sessions from that login are revoked"
    keeps_writes = True


class RegistrationClosed(Forbidden):
    code = "registration_closed"
    default_message = "Registration is closed on this server; ask an admin for an invitation"


class EmailTaken(Conflict):
    code = "email_taken"
    default_message = "An account with that email already exists"


class InvitationInvalid(Forbidden):
    code = "invitation_invalid"
    default_message = "This invitation token is not valid"


class InvitationExpired(Forbidden):
    code = "invitation_expired"
    default_message = "This invitation has expired; ask for it to be resent"


class InvitationRevoked(Forbidden):
    code = "invitation_revoked"
    default_message = "This invitation was revoked"


class InvitationEmailMismatch(Forbidden):
    code = "invitation_email_mismatch"
    default_message = "This invitation was sent to another email address"


class InvitationUsed(Conflict):
    code = "invitation_used"
    default_message = "This invitation has already been accepted"


class InvitationPending(Conflict):
    code = "invitation_pending"
    default_message = "This email already has a pending invitation; resend it instead"


class InvitationNotPending(Conflict):
    code = "invitation_not_pending"
    default_message = "Only a pending or expired invitation can be changed"
