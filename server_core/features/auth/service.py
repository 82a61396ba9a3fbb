"""Human sign-up, login, token refresh and own-profile edits.

Access tokens are short-lived JWTs; refresh tokens are opaque, stored only as digests and
rotate on every use. Presenting a spent refresh token again means it leaked: the whole family
descended from that login is revoked.

Registration and login hash or verify a password, which takes a while on purpose: they do it
between short transactions, never inside one.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.config import Settings
from server_core.features.auth import invitations, workspaces
from server_core.features.auth.errors import RefreshTokenReused, RegistrationClosed
from server_core.features.auth.schemas import (
    AuthSession,
    LoginRequest,
    ProfileUpdate,
    RefreshRequest,
    RegisterRequest,
    WorkspaceSummary,
    profile_changes,
)
from server_core.features.auth.tables import refresh_tokens
from server_core.kernel.auth import Caller
from server_core.kernel.clock import as_utc, utcnow
from server_core.kernel.crypto import digest, new_refresh_token, verify_password_async
from server_core.kernel.errors import CredentialsExpired, InvalidCredentials
from server_core.kernel.events import Event
from server_core.kernel.ids import new_id
from server_core.kernel.keyring import Keyring
from server_core.kernel.platform import Platform
from server_core.kernel.principal_schemas import Me
from server_core.kernel.principals import me_from_row
from server_core.kernel.revocation import login_credential, revoked
from server_core.kernel.store.tables import principals
from server_core.kernel.tokens import issue_access_token


async def do_register(platform: Platform, *, request: RegisterRequest) -> AuthSession:
    """First registration creates the workspace and its admin; later ones need an
    invitation (which names the workspace and role) or open registration (the oldest
    workspace, as members)."""
    human = await workspaces.new_human(
        request.email, request.password, request.handle, request.display_name
    )
    async with platform.store.transaction() as tx:
        return await tx.run(
            partial(
                _register,
                keyring=platform.keyring,
                settings=platform.settings,
                signing_secret=platform.signing_secret,
                request=request,
                human=human,
            )
        )


def _register(
    conn: Connection,
    *,
    keyring: Keyring,
    settings: Settings,
    signing_secret: bytes,
    request: RegisterRequest,
    human: workspaces.NewHuman,
) -> AuthSession:
    existing = workspaces.any_workspace(conn)
    if request.invitation_token is not None:
        workspace, principal = invitations.accept(conn, request.invitation_token, human)
    elif existing is None:
        name = request.workspace_name or f"{request.display_name}'s workspace"
        workspace, principal = workspaces.do_bootstrap(conn, keyring, name, human)
    elif settings.open_registration:
        workspace = existing
        principal = workspaces.do_add_human(conn, workspace["id"], human, admin=False)
    else:
        raise RegistrationClosed()
    return do_issue_session(conn, settings, signing_secret, principal, workspace)


async def do_login(
    platform: Platform, *, client_address: str, request: LoginRequest
) -> AuthSession:
    """Sign in. Failures count against the account and the client's address: past either
    limit, sign-in answers 429 before any password is hashed (`kernel.throttle`)."""
    throttle = platform.throttle
    per_account, per_client = throttle.login_per_account, throttle.login_per_client
    account_key = f"login:account:{request.email.casefold()}"
    client_key = f"login:client:{client_address}"
    await throttle.check(client_key, per_client, "Too many failed sign-ins from this address")
    await throttle.check(account_key, per_account, "Too many failed sign-ins for this account")
    query = sa.select(principals).where(
        principals.c.email == request.email, principals.c.kind == "human"
    )
    row = await platform.store.read(lambda conn: conn.execute(query).mappings().first())
    # Verify even when nobody has this email, so timing does not reveal which emails exist.
    valid = await verify_password_async(row["password_hash"] if row else None, request.password)
    if row is None or not valid:
        await throttle.failed(account_key, per_account)
        await throttle.failed(client_key, per_client)
        raise InvalidCredentials("Invalid email or password")
    await throttle.clear(account_key)
    if not row["is_active"]:
        raise InvalidCredentials("This account has been deactivated")
    async with platform.store.transaction() as tx:
        return await tx.run(
            lambda conn: do_issue_session(
                conn,
                platform.settings,
                platform.signing_secret,
                row,
                workspaces.get_workspace(conn, row["workspace_id"]),
            )
        )


def do_refresh(
    conn: Connection,
    events: list[Event],
    *,
    settings: Settings,
    signing_secret: bytes,
    request: RefreshRequest,
) -> AuthSession:
    now = utcnow()
    row = (
        conn.execute(
            sa.select(refresh_tokens).where(
                refresh_tokens.c.token_hash == digest(request.refresh_token)
            )
        )
        .mappings()
        .first()
    )
    if row is None or row["revoked_at"] is not None:
        raise InvalidCredentials("Invalid refresh token")
    if as_utc(row["expires_at"]) <= now:
        raise CredentialsExpired("Refresh token expired; log in again")
    # Spend the token; exactly one concurrent refresh can win this update.
    spent = conn.execute(
        sa.update(refresh_tokens)
        .where(refresh_tokens.c.id == row["id"], refresh_tokens.c.used_at.is_(None))
        .values(used_at=now)
    ).rowcount
    if spent != 1:
        conn.execute(
            sa.update(refresh_tokens)
            .where(
                refresh_tokens.c.family_id == row["family_id"],
                refresh_tokens.c.revoked_at.is_(None),
            )
            .values(revoked_at=now)
        )
        revoked(
            events,
            workspace_id=row["workspace_id"],
            principal_id=row["principal_id"],
            credential=login_credential(row["family_id"]),
            reason="This login was revoked: one of its refresh tokens was used twice",
        )
        raise RefreshTokenReused()
    principal = (
        conn.execute(sa.select(principals).where(principals.c.id == row["principal_id"]))
        .mappings()
        .first()
    )
    if principal is None or not principal["is_active"]:
        raise InvalidCredentials("This account has been deactivated")
    workspace = workspaces.get_workspace(conn, principal["workspace_id"])
    return do_issue_session(
        conn, settings, signing_secret, principal, workspace, family_id=row["family_id"]
    )


def do_issue_session(
    conn: Connection,
    settings: Settings,
    secret: bytes,
    principal: RowMapping,
    workspace: RowMapping,
    *,
    family_id: str | None = None,
) -> AuthSession:
    family_id = family_id or new_id()
    access_token, expires_at = issue_access_token(
        secret,
        principal["id"],
        principal["workspace_id"],
        settings.access_token_ttl_seconds,
        family_id,
    )
    refresh_token = new_refresh_token()
    now = utcnow()
    conn.execute(
        sa.insert(refresh_tokens).values(
            id=new_id(),
            workspace_id=principal["workspace_id"],
            principal_id=principal["id"],
            family_id=family_id,
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


def access_me(conn: Connection, *, caller: Caller) -> Me:
    row = conn.execute(sa.select(principals).where(principals.c.id == caller.principal_id))
    return me_from_row(row.mappings().one())  # authentication just loaded it


def do_update_profile(
    conn: Connection, events: list[Event], *, caller: Caller, request: ProfileUpdate
) -> Me:
    changes = profile_changes(request)
    if changes:
        conn.execute(
            sa.update(principals)
            .where(principals.c.id == caller.principal_id)
            .values(**changes, updated_at=utcnow())
        )
    return access_me(conn, caller=caller)
