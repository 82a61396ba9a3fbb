"""`/auth`: register, login, refresh, me, profile."""

from __future__ import annotations

from fastapi import APIRouter, status

from server_core.features.auth import service
from server_core.features.auth.schemas import (
    AuthSession,
    LoginRequest,
    ProfileUpdate,
    RefreshRequest,
    RegisterRequest,
)
from server_core.kernel.http import CallerDep, PlatformDep, TxDep
from server_core.kernel.principal_schemas import Me
from server_core.kernel.wire import Envelope, errors, ok

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    responses=errors(400, 403, 409, 413),
    summary="Register a human (the first one creates the workspace and becomes its admin)",
)
async def register(
    body: RegisterRequest, tx: TxDep, platform: PlatformDep
) -> Envelope[AuthSession]:
    return ok(await service.do_register(tx, platform, body))


@router.post("/login", responses=errors(400, 401, 413), summary="Log in with email and password")
async def login(body: LoginRequest, tx: TxDep, platform: PlatformDep) -> Envelope[AuthSession]:
    return ok(await service.do_login(tx, platform.settings, platform.signing_secret, body))


@router.post(
    "/refresh",
    responses=errors(400, 401, 413),
    summary="Trade a refresh token for new tokens (the old refresh token is spent)",
)
async def refresh(body: RefreshRequest, tx: TxDep, platform: PlatformDep) -> Envelope[AuthSession]:
    return ok(
        await service.do_refresh(tx, platform.settings, platform.signing_secret, body.refresh_token)
    )


@router.get("/me", responses=errors(401), summary="The authenticated principal")
async def me(caller: CallerDep, tx: TxDep) -> Envelope[Me]:
    return ok(await service.access_me(tx, caller))


@router.patch(
    "/profile", responses=errors(400, 401, 413), summary="Update your display name and profile"
)
async def update_profile(body: ProfileUpdate, caller: CallerDep, tx: TxDep) -> Envelope[Me]:
    return ok(await service.do_update_profile(tx, caller, body))
