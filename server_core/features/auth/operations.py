"""`/auth`: register, login, refresh, the caller's own principal and profile; and
`/invitations`, by which admins bring humans into their workspace."""

from __future__ import annotations

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
from server_core.features.auth.schemas import (
    AuthSession,
    CreateInvitationRequest,
    Invitation,
    LoginRequest,
    ProfileUpdate,
    RefreshRequest,
    RegisterRequest,
    SentInvitation,
)
from server_core.kernel.errors import (
    Conflict,
    CredentialsExpired,
    Forbidden,
    HandleTaken,
    InvalidCredentials,
    NotFound,
    ServiceUnavailable,
)
from server_core.kernel.operations import Operation, Operations, PathParam
from server_core.kernel.principal_schemas import Me

INVITATION = PathParam("id", "invitation_id", "Invitation id")
Invitations = list[Invitation]


class Auth(Operations):
    """Humans' sessions (register, login, refresh), every caller's own principal, and the
    invitations by which workspace admins bring humans in."""

    area = "auth"

    register = Operation(
        "POST",
        "/auth/register",
        body=RegisterRequest,
        response=AuthSession,
        status=201,
        access="public",
        errors=[
            RegistrationClosed,
            InvitationInvalid,
            InvitationExpired,
            InvitationRevoked,
            InvitationEmailMismatch,
            InvitationUsed,
            HandleTaken,
            EmailTaken,
            Conflict,
            ServiceUnavailable,
        ],
        summary="Register a human (the first one creates the workspace and becomes its admin; "
        "later ones bring an invitation token)",
    )
    login = Operation(
        "POST",
        "/auth/login",
        body=LoginRequest,
        response=AuthSession,
        access="public",
        errors=[InvalidCredentials, ServiceUnavailable],
        summary="Log in with email and password (429 after too many failures for the account "
        "or from the address; 503 when too many sign-ins wait at once)",
    )
    refresh = Operation(
        "POST",
        "/auth/refresh",
        body=RefreshRequest,
        response=AuthSession,
        access="public",
        errors=[InvalidCredentials, CredentialsExpired, RefreshTokenReused],
        summary="Trade a refresh token for new tokens (the old refresh token is spent)",
    )
    me = Operation("GET", "/auth/me", response=Me, summary="The authenticated principal")
    update_profile = Operation(
        "PATCH",
        "/auth/profile",
        body=ProfileUpdate,
        response=Me,
        idempotent=True,
        summary="Update your display name and profile",
    )
    create_invitation = Operation(
        "POST",
        "/invitations",
        body=CreateInvitationRequest,
        response=SentInvitation,
        status=201,
        errors=[Forbidden, EmailTaken, InvitationPending],
        summary="Invite an email to the workspace (admins); the token is shown this once",
    )
    invitations = Operation(
        "GET",
        "/invitations/people",
        response=Invitations,
        errors=[Forbidden],
        summary="Invited people with their invitation's status, newest first (admins)",
    )
    revoke_invitation = Operation(
        "DELETE",
        "/invitations/people/{id}",
        params=[INVITATION],
        response=Invitation,
        errors=[Forbidden, NotFound, InvitationNotPending],
        summary="Revoke a pending invitation (admins)",
    )
    resend_invitation = Operation(
        "POST",
        "/invitations/{id}/resend",
        params=[INVITATION],
        response=SentInvitation,
        errors=[Forbidden, NotFound, InvitationNotPending],
        summary="Replace an invitation's token and give it seven more days (admins)",
    )
