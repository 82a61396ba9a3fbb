"""The auth feature: which service answers each operation, and its errors."""

from __future__ import annotations

from server_core.features.auth import invitations, service
from server_core.features.auth.errors import (
    EmailTaken,
    InvitationEmailMismatch,
    InvitationExpired,
    InvitationInvalid,
    InvitationNotPending,
    InvitationPending,
    InvitationRevoked,
    InvitationUsed,
    RefreshTokenReused,
    RegistrationClosed,
)
from server_core.features.auth.operations import Auth
from server_core.kernel.feature import Feature

FEATURE = Feature(
    "auth",
    serves={
        Auth.register: service.do_register,
        Auth.login: service.do_login,
        Auth.refresh: service.do_refresh,
        Auth.me: service.access_me,
        Auth.update_profile: service.do_update_profile,
        Auth.create_invitation: invitations.do_create_invitation,
        Auth.invitations: invitations.list_invitations,
        Auth.revoke_invitation: invitations.do_revoke_invitation,
        Auth.resend_invitation: invitations.do_resend_invitation,
    },
    errors=[
        RefreshTokenReused,
        RegistrationClosed,
        EmailTaken,
        InvitationInvalid,
        InvitationExpired,
        InvitationRevoked,
        InvitationEmailMismatch,
        InvitationUsed,
        InvitationPending,
        InvitationNotPending,
    ],
)
