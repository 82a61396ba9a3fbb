"""Human sign-up, login, token refresh and own-profile edits.

Access tokens are short-lived JWTs; refresh tokens are opaque, stored only as digests and
rotate on every use. Presenting a spent refresh token again means it leaked: the whole family
descended from that login is revoked.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.engine import RowMapping

from server_core.config import Settings
from server_core.features.auth.schemas import (
    AuthSession,
    LoginRequest,
    ProfileUpdate,
    RegisterRequest,
    WorkspaceSummary,
    profile_changes,
)
from server_core.features.workspaces import service as workspaces
from server_core.kernel.auth import Caller
from server_core.kernel.clock import as_utc, utcnow
from server_core.kernel.crypto import digest, new_refresh_token, verify_password_async
from server_core.kernel.errors import (
    CredentialsExpired,
    InvalidCredentials,
    RefreshTokenReused,
    RegistrationClosed,
)
from server_core.kernel.ids import new_id
from server_core.kernel.platform import Platform
from server_core.kernel.principal_schemas import Me
from server_core.kernel.principals import me_from_row
from server_core.kernel.store import Tx
from server_core.kernel.store.tables import principals, refresh_tokens
from server_core.kernel.tokens import issue_access_token


async def do_register(tx: Tx, platform: Platform, request: RegisterRequest) -> AuthSession:
    """First registration creates the workspace and its admin; later ones need open
    registration and join the oldest workspace as members."""
    human = workspaces.NewHuman(
        email=request.email,
        password=request.password,
        handle=request.handle,
        display_name=request.display_name,
    )
    existing = await workspaces.any_workspace(tx)
    if existing is None:
        name = request.workspace_name or f"{request.display_name}'s workspace"
        workspace, principal = await workspaces.do_bootstrap(tx, platform.keyring, name, human)
    elif platform.settings.open_registration:
        workspace = existing
        principal = await workspaces.do_add_human(tx, workspace["id"], human, admin=False)
    else:
        raise RegistrationClosed()
    return await do_issue_session(
        tx, platform.settings, platform.signing_secret, principal, workspace
    )


async def do_login(tx: Tx, settings: Settings, secret: bytes, request: LoginRequest) -> AuthSession:
    row = await tx.one(
        sa.select(principals).where(
            principals.c.email == request.email, principals.c.kind == "human"
        )
    )
    # Verify even when nobody has this email, so timing does not reveal which emails exist.
    valid = await verify_password_async(row["password_hash"] if row else None, request.password)
    if row is None or not valid:
        raise InvalidCredentials("Invalid email or password")
    if not row["is_active"]:
        raise InvalidCredentials("This account has been deactivated")
    workspace = await workspaces.get_workspace(tx, row["workspace_id"])
    assert workspace is not None
    return await do_issue_session(tx, settings, secret, row, workspace)


async def do_refresh(tx: Tx, settings: Settings, secret: bytes, token: str) -> AuthSession:
    now = utcnow()
    row = await tx.one(
        sa.select(refresh_tokens).where(refresh_tokens.c.token_hash == digest(token))
    )
    if row is None or row["revoked_at"] is not None:
        raise InvalidCredentials("Invalid refresh token")
    if as_utc(row["expires_at"]) <= now:
        raise CredentialsExpired("Refresh token expired; log in again")
    # Spend the token; exactly one concurrent refresh can win this update.
    spent = await tx.affected(
        sa.update(refresh_tokens)
        .where(refresh_tokens.c.id == row["id"], refresh_tokens.c.used_at.is_(None))
        .values(used_at=now)
    )
    if spent != 1:
        await tx.execute(
            sa.update(refresh_tokens)
            .where(
                refresh_tokens.c.family_id == row["family_id"],
                refresh_tokens.c.revoked_at.is_(None),
            )
            .values(revoked_at=now)
        )
        raise RefreshTokenReused()
    principal = await tx.one(sa.select(principals).where(principals.c.id == row["principal_id"]))
    if principal is None or not principal["is_active"]:
        raise InvalidCredentials("This account has been deactivated")
    workspace = await workspaces.get_workspace(tx, principal["workspace_id"])
    assert workspace is not None
    return await do_issue_session(
        tx, settings, secret, principal, workspace, family_id=row["family_id"]
    )


async def do_issue_session(
    tx: Tx,
    settings: Settings,
    secret: bytes,
    principal: RowMapping,
    workspace: RowMapping,
    *,
    family_id: str | None = None,
) -> AuthSession:
    access_token, expires_at = issue_access_token(
        secret, principal["id"], principal["workspace_id"], settings.access_token_ttl_seconds
    )
    refresh_token = new_refresh_token()
    now = utcnow()
    await tx.execute(
        sa.insert(refresh_tokens).values(
            id=new_id(),
            workspace_id=principal["workspace_id"],
            principal_id=principal["id"],
            family_id=family_id or new_id(),
            token_hash=digest(refresh_token),
            created_at=now,
            expires_at=now + timedelta(seconds=settings.refresh_token_ttl_seconds),
        )
    )
    return AuthSession(
        access_token=access_token,
        refresh_token=refresh_token,
        access_token_expires_at=expires_at,
        principal=me_from_row(principal),
        workspace=WorkspaceSummary(id=workspace["id"], name=workspace["name"]),
    )


async def access_me(tx: Tx, caller: Caller) -> Me:
    row = await tx.one(sa.select(principals).where(principals.c.id == caller.principal_id))
    assert row is not None  # authentication just loaded it
    return me_from_row(row)


async def do_update_profile(tx: Tx, caller: Caller, update: ProfileUpdate) -> Me:
    changes = profile_changes(update)
    if changes:
        await tx.execute(
            sa.update(principals)
            .where(principals.c.id == caller.principal_id)
            .values(**changes, updated_at=utcnow())
        )
    return await access_me(tx, caller)
