"""`/auth`: register, login, refresh, the caller's own principal and profile."""

from __future__ import annotations

from server_core.features.auth.errors import EmailTaken, RefreshTokenReused, RegistrationClosed
from server_core.features.auth.schemas import (
    AuthSession,
    LoginRequest,
    ProfileUpdate,
    RefreshRequest,
    RegisterRequest,
)
from server_core.kernel.errors import (
    Conflict,
    CredentialsExpired,
    HandleTaken,
    InvalidCredentials,
    ServiceUnavailable,
)
from server_core.kernel.operations import Operation, Operations
from server_core.kernel.principal_schemas import Me


class Auth(Operations):
    """Humans' sessions (register, login, refresh) and every caller's own principal."""

    area = "auth"

    register = Operation(
        "POST",
        "/auth/register",
        body=RegisterRequest,
        response=AuthSession,
        status=201,
        access="public",
        errors=[RegistrationClosed, HandleTaken, EmailTaken, Conflict, ServiceUnavailable],
        summary="Register a human (the first one creates the workspace and becomes its admin)",
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
