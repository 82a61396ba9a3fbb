"""Errors of sign-up and sign-in, on top of the kernel's tree (`server_core.kernel.errors`):

InvalidCredentials
└── RefreshTokenReused       401 refresh_token_reused (keeps its writes: the family is
                                                       revoked)
Forbidden
└── RegistrationClosed       403 registration_closed
Conflict
└── EmailTaken               409 email_taken
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
