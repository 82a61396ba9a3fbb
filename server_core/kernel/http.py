"""FastAPI plumbing shared by every route: the platform, the request's transaction, the caller.

Each request runs in one transaction: GET/HEAD read, everything else writes. The transaction
dependency exits before the response is sent (`scope="function"`), so a response is only sent
for work that committed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from server_core.kernel.auth import Caller, authenticate, authenticate_on
from server_core.kernel.errors import ApiError
from server_core.kernel.platform import Platform
from server_core.kernel.store import Tx

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def get_platform(request: Request) -> Platform:
    # async: FastAPI runs sync dependencies on a worker thread, a hop on every request.
    platform: Platform = request.app.state.platform
    return platform


PlatformDep = Annotated[Platform, Depends(get_platform)]


async def request_tx(request: Request, platform: PlatformDep) -> AsyncIterator[Tx]:
    kept: ApiError | None = None
    async with platform.store.transaction(write=request.method not in READ_METHODS) as tx:
        try:
            yield tx
        except ApiError as error:
            if not error.keeps_writes:
                raise
            kept = error
    if kept is not None:
        raise kept


TxDep = Annotated[Tx, Depends(request_tx, scope="function")]


# Declared so the OpenAPI document marks every operation that needs a caller; the header is
# parsed by `authenticate`, which also accepts the Signature scheme.
_bearer = HTTPBearer(scheme_name="bearer", auto_error=False)


async def current_caller(
    request: Request,
    tx: TxDep,
    platform: PlatformDep,
    _declared: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
) -> Caller:
    caller = await authenticate(tx, request.headers.get("authorization"), platform.signing_secret)
    request.state.caller = caller
    return caller


CallerDep = Annotated[Caller, Depends(current_caller)]


async def caller_outside_transaction(
    request: Request,
    platform: PlatformDep,
    _declared: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
) -> Caller:
    """Authenticate in a short read transaction of its own, for routes that write through
    `Store.combined` and must not hold a transaction while they wait for their batch."""
    authorization = request.headers.get("authorization")
    caller = await platform.store.read(
        lambda conn: authenticate_on(conn, authorization, platform.signing_secret)
    )
    request.state.caller = caller
    return caller


StandaloneCallerDep = Annotated[Caller, Depends(caller_outside_transaction)]
