"""Agents: provisioning by humans, profile edits, archiving, API keys and Ed25519 key rotation.

Who may do what: any principal of the workspace can list and read agents; an agent may edit
its own display name, profile and avatar; everything else (archive, rename, re-activate, API
keys, key rotation) is for humans who own the agent or administer the workspace.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import RowMapping

from server_core.features.agents.schemas import (
    AgentStatus,
    ApiKey,
    CreatedApiKey,
    ProvisionAgentRequest,
    StatusRequest,
    UpdateAgentRequest,
)
from server_core.features.agents.status import set_status
from server_core.kernel.auth import Caller, caller_from_row
from server_core.kernel.clock import as_utc, utcnow
from server_core.kernel.crypto import digest, new_api_key
from server_core.kernel.errors import Conflict, Forbidden, NotFound
from server_core.kernel.ids import new_id, parse_id
from server_core.kernel.pagination import paginate
from server_core.kernel.principal_schemas import Principal, PrincipalKind
from server_core.kernel.principals import (
    access_principal,
    check_handle_free,
    do_insert_principal,
    principal_from_row,
)
from server_core.kernel.store import Tx
from server_core.kernel.store.tables import api_keys, principals
from server_core.kernel.wire import Pagination

AGENT_KINDS = ("agent", "service")
SELF_EDITABLE = frozenset({"display_name", "profile", "avatar_url"})


async def access_agent(tx: Tx, caller: Caller, agent_id: str) -> RowMapping:
    return await access_principal(tx, caller, agent_id, AGENT_KINDS)


def check_can_manage(caller: Caller, agent: RowMapping) -> None:
    """Humans who own the agent, and workspace admins."""
    caller.require_human()
    if not (caller.is_admin or agent["owner_id"] == caller.principal_id):
        raise Forbidden("Only the agent's owner or a workspace admin may do this")


async def do_set_status(
    tx: Tx, caller: Caller, agent_id: str, request: StatusRequest
) -> AgentStatus:
    """The agent itself, its owner or a workspace admin sets its status."""
    agent = await access_agent(tx, caller, agent_id)
    if agent["id"] != caller.principal_id:
        check_can_manage(caller, agent)
    subject = caller_from_row(agent, caller.method)
    return await tx.unit(partial(set_status, subject=subject, request=request))


async def do_provision_agent(tx: Tx, caller: Caller, request: ProvisionAgentRequest) -> Principal:
    caller.require_human()
    row = await do_insert_agent(tx, caller.workspace_id, request, owner_id=caller.principal_id)
    return principal_from_row(row)


async def do_insert_agent(
    tx: Tx,
    workspace_id: str,
    request: ProvisionAgentRequest,
    *,
    owner_id: str | None,
    kind: PrincipalKind = "agent",
) -> RowMapping:
    return await do_insert_principal(
        tx,
        workspace_id,
        kind,
        request.handle,
        request.display_name or request.handle,
        profile=request.profile or {},
        public_key=request.public_key,
        owner_id=owner_id,
    )


async def list_agents(
    tx: Tx, caller: Caller, *, limit: int, cursor: str | None, include_archived: bool
) -> tuple[list[Principal], Pagination]:
    query = (
        sa.select(principals)
        .where(
            principals.c.workspace_id == caller.workspace_id,
            principals.c.kind.in_(AGENT_KINDS),
        )
        .order_by(principals.c.id)
        .limit(limit + 1)
    )
    if not include_archived:
        query = query.where(principals.c.is_active.is_(True))
    if cursor:
        query = query.where(principals.c.id > cursor)
    rows, pagination = paginate(await tx.all(query), limit, lambda row: row["id"])
    return [principal_from_row(row) for row in rows], pagination


async def get_agent(tx: Tx, caller: Caller, agent_id: str) -> Principal:
    return principal_from_row(await access_agent(tx, caller, agent_id))


async def do_update_agent(
    tx: Tx, caller: Caller, agent_id: str, request: UpdateAgentRequest
) -> Principal:
    agent = await access_agent(tx, caller, agent_id)
    changes = request.model_dump(exclude_unset=True, by_alias=False)
    changes = {k: v for k, v in changes.items() if v is not None or k == "avatar_url"}
    if agent["id"] != caller.principal_id or not SELF_EDITABLE.issuperset(changes):
        check_can_manage(caller, agent)
    if "handle" in changes and changes["handle"] != agent["handle"]:
        await check_handle_free(tx, agent["workspace_id"], changes["handle"])
    if changes:
        await tx.execute(
            sa.update(principals)
            .where(principals.c.id == agent["id"])
            .values(**changes, updated_at=utcnow())
        )
    return await get_agent(tx, caller, agent["id"])


async def do_archive_agent(tx: Tx, caller: Caller, agent_id: str) -> Principal:
    """Archive: the agent stays in history and listings (includeArchived) but its credentials
    stop working until a human re-activates it."""
    return await _do_manage_update(tx, caller, agent_id, is_active=False)


async def do_create_api_key(
    tx: Tx, caller: Caller | None, agent: RowMapping, label: str | None
) -> CreatedApiKey:
    """Issue a key; it is returned once and only its digest is stored. `caller` is None when
    an operator issues the key from the command line."""
    key, prefix = new_api_key()
    key_id = new_id()
    now = utcnow()
    await tx.execute(
        sa.insert(api_keys).values(
            id=key_id,
            workspace_id=agent["workspace_id"],
            principal_id=agent["id"],
            label=label,
            key_prefix=prefix,
            key_hash=digest(key),
            created_by=caller.principal_id if caller else None,
            created_at=now,
        )
    )
    return CreatedApiKey(id=key_id, key=key, key_prefix=prefix, label=label, created_at=now)


async def do_generate_api_key(
    tx: Tx, caller: Caller, agent_id: str, label: str | None
) -> CreatedApiKey:
    agent = await access_agent(tx, caller, agent_id)
    check_can_manage(caller, agent)
    if not agent["is_active"]:
        raise Conflict("This agent is archived; re-activate it before issuing keys")
    return await do_create_api_key(tx, caller, agent, label)


def _api_key(row: RowMapping) -> ApiKey:
    return ApiKey(
        id=row["id"],
        principal_id=row["principal_id"],
        key_prefix=row["key_prefix"],
        label=row["label"],
        created_by=row["created_by"],
        created_at=as_utc(row["created_at"]),
        revoked_at=as_utc(row["revoked_at"]) if row["revoked_at"] else None,
    )


async def list_api_keys(tx: Tx, caller: Caller, agent_id: str) -> list[ApiKey]:
    agent = await access_agent(tx, caller, agent_id)
    check_can_manage(caller, agent)
    rows = await tx.all(
        sa.select(api_keys).where(api_keys.c.principal_id == agent["id"]).order_by(api_keys.c.id)
    )
    return [_api_key(row) for row in rows]


async def do_revoke_api_key(tx: Tx, caller: Caller, agent_id: str, key_id: str) -> ApiKey:
    """Revoke at once: the next request with this key gets a 401. Revoking twice is a no-op."""
    agent = await access_agent(tx, caller, agent_id)
    check_can_manage(caller, agent)
    query = sa.select(api_keys).where(
        api_keys.c.id == parse_id(key_id), api_keys.c.principal_id == agent["id"]
    )
    row = await tx.one(query) if parse_id(key_id) else None
    if row is None:
        raise NotFound(f"No API key with id '{key_id}' for this agent")
    if row["revoked_at"] is None:
        await tx.execute(
            sa.update(api_keys).where(api_keys.c.id == row["id"]).values(revoked_at=utcnow())
        )
        row = await tx.one(query)
        assert row is not None
    return _api_key(row)


async def do_rotate_public_key(
    tx: Tx, caller: Caller, agent_id: str, new_public_key: str
) -> Principal:
    """Replace the agent's Ed25519 key: signatures made with the old key stop working now."""
    return await _do_manage_update(tx, caller, agent_id, public_key=new_public_key)


async def _do_manage_update(tx: Tx, caller: Caller, agent_id: str, **values: Any) -> Principal:
    agent = await access_agent(tx, caller, agent_id)
    check_can_manage(caller, agent)
    await tx.execute(
        sa.update(principals)
        .where(principals.c.id == agent["id"])
        .values(**values, updated_at=utcnow())
    )
    return await get_agent(tx, caller, agent["id"])
