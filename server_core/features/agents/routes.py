"""`/agents`: provisioning, listing, editing, archiving, API keys and key rotation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from server_core.features.agents import service
from server_core.features.agents.schemas import (
    AgentStatus,
    ApiKey,
    CreateApiKeyRequest,
    CreatedApiKey,
    ProvisionAgentRequest,
    RotateKeyRequest,
    StatusRequest,
    UpdateAgentRequest,
)
from server_core.kernel.http import CallerDep, TxDep
from server_core.kernel.pagination import DEFAULT_LIMIT, MAX_LIMIT, paged
from server_core.kernel.principal_schemas import Principal
from server_core.kernel.wire import Envelope, ListEnvelope, errors, ok

router = APIRouter(prefix="/agents", tags=["agents"])
CURSOR_PATTERN = r"^[0-9a-f-]{36}$"  # agents page by id


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=errors(400, 401, 403, 409, 413),
    summary="Provision a new agent (humans only)",
)
async def provision_agent(
    body: ProvisionAgentRequest, caller: CallerDep, tx: TxDep
) -> Envelope[Principal]:
    return ok(await service.do_provision_agent(tx, caller, body))


@router.get("", responses=errors(400, 401), summary="List the workspace's agents")
async def list_agents(
    caller: CallerDep,
    tx: TxDep,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None, Query(pattern=CURSOR_PATTERN, description="From the previous page")
    ] = None,
    include_archived: Annotated[bool, Query(alias="includeArchived")] = False,
) -> ListEnvelope[Principal]:
    agents, pagination = await service.list_agents(
        tx, caller, limit=limit, cursor=cursor, include_archived=include_archived
    )
    return paged(agents, pagination)


@router.get("/{id}", responses=errors(401, 404), summary="Get an agent")
async def get_agent(id: str, caller: CallerDep, tx: TxDep) -> Envelope[Principal]:
    return ok(await service.get_agent(tx, caller, id))


@router.patch(
    "/{id}",
    responses=errors(400, 401, 403, 404, 409, 413),
    summary="Update an agent (itself: profile fields; owner or admin: also handle, isActive)",
)
async def update_agent(
    id: str, body: UpdateAgentRequest, caller: CallerDep, tx: TxDep
) -> Envelope[Principal]:
    return ok(await service.do_update_agent(tx, caller, id, body))


@router.delete(
    "/{id}",
    responses=errors(401, 403, 404),
    summary="Archive an agent (humans only): its credentials stop working",
)
async def archive_agent(id: str, caller: CallerDep, tx: TxDep) -> Envelope[Principal]:
    return ok(await service.do_archive_agent(tx, caller, id))


@router.put(
    "/{id}/status",
    responses=errors(400, 401, 403, 404, 413),
    summary="Set an agent's status (the agent, its owner or an admin); broadcast as presence",
)
async def set_status(
    id: str, body: StatusRequest, caller: CallerDep, tx: TxDep
) -> Envelope[AgentStatus]:
    return ok(await service.do_set_status(tx, caller, id, body))


@router.post(
    "/{id}/api-keys",
    status_code=status.HTTP_201_CREATED,
    responses=errors(400, 401, 403, 404, 409, 413),
    summary="Generate an API key (shown once)",
)
async def generate_api_key(
    id: str, caller: CallerDep, tx: TxDep, body: CreateApiKeyRequest | None = None
) -> Envelope[CreatedApiKey]:
    label = body.label if body else None
    return ok(await service.do_generate_api_key(tx, caller, id, label))


@router.get(
    "/{id}/api-keys",
    responses=errors(401, 403, 404),
    summary="List an agent's API keys (prefixes only)",
)
async def list_api_keys(id: str, caller: CallerDep, tx: TxDep) -> Envelope[list[ApiKey]]:
    return ok(await service.list_api_keys(tx, caller, id))


@router.delete(
    "/{id}/api-keys/{keyId}",
    responses=errors(401, 403, 404),
    summary="Revoke an API key (takes effect at once)",
)
async def revoke_api_key(
    id: str, key_id: Annotated[str, Path(alias="keyId")], caller: CallerDep, tx: TxDep
) -> Envelope[ApiKey]:
    return ok(await service.do_revoke_api_key(tx, caller, id, key_id))


@router.post(
    "/{id}/rotate-key",
    responses=errors(400, 401, 403, 404, 413),
    summary="Replace the agent's Ed25519 public key",
)
async def rotate_key(
    id: str, body: RotateKeyRequest, caller: CallerDep, tx: TxDep
) -> Envelope[Principal]:
    return ok(await service.do_rotate_public_key(tx, caller, id, body.new_public_key))
