"""Agents: provisioning by humans, profile edits, archiving, status, API keys and Ed25519 key
rotation.

Who may do what: any principal of the workspace can list and read agents; an agent may edit
its own display name, profile and avatar, and set its own status; everything else (archive,
rename, re-activate, API keys, key rotation) is for humans who own the agent or administer the
workspace.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.agents.schemas import (
    AgentStatus,
    ApiKey,
    CreateApiKeyRequest,
    CreatedApiKey,
    ListAgentsQuery,
    ProvisionAgentRequest,
    RotateKeyRequest,
    StatusRequest,
    UpdateAgentRequest,
)
from server_core.features.agents.status import set_status
from server_core.kernel.auth import Caller, caller_from_row
from server_core.kernel.clock import utcnow
from server_core.kernel.crypto import digest, new_api_key
from server_core.kernel.errors import Conflict, Forbidden, NotFound
from server_core.kernel.events import Event
from server_core.kernel.ids import new_id, parse_id
from server_core.kernel.pagination import paginate
from server_core.kernel.principal_schemas import Principal, PrincipalKind
from server_core.kernel.principals import (
    access_principal,
    check_handle_free,
    do_insert_principal,
    principal_from_row,
)
from server_core.kernel.revocation import SIGNATURE_CREDENTIAL, api_key_credential, revoked
from server_core.kernel.store.tables import api_keys, principals
from server_core.kernel.wire import Page

AGENT_KINDS = ("agent", "service")
SELF_EDITABLE = frozenset({"display_name", "profile", "avatar_url"})


def access_agent(conn: Connection, caller: Caller, agent_id: str) -> RowMapping:
    return access_principal(conn, caller, agent_id, AGENT_KINDS)


def check_can_manage(caller: Caller, agent: RowMapping) -> None:
    """Humans who own the agent, and workspace admins."""
    caller.require_human()
    if not (caller.is_admin or agent["owner_id"] == caller.principal_id):
        raise Forbidden("Only the agent's owner or a workspace admin may do this")


def access_managed_agent(conn: Connection, caller: Caller, agent_id: str) -> RowMapping:
    """An agent the caller may manage (owner or admin), or 404 / 403."""
    agent = access_agent(conn, caller, agent_id)
    check_can_manage(caller, agent)
    return agent


# --- reads --------------------------------------------------------------------------------


def list_agents(conn: Connection, *, caller: Caller, query: ListAgentsQuery) -> Page[Principal]:
    statement = (
        sa.select(principals)
        .where(
            principals.c.workspace_id == caller.workspace_id,
            principals.c.kind.in_(AGENT_KINDS),
        )
        .order_by(principals.c.id)
        .limit(query.limit + 1)
    )
    if not query.include_archived:
        statement = statement.where(principals.c.is_active.is_(True))
    if query.cursor:
        statement = statement.where(principals.c.id > query.cursor)
    rows = conn.execute(statement).mappings().all()
    return paginate(rows, query.limit, lambda row: row["id"], principal_from_row)


def get_agent(conn: Connection, *, caller: Caller, agent_id: str) -> Principal:
    return principal_from_row(access_agent(conn, caller, agent_id))


def list_api_keys(conn: Connection, *, caller: Caller, agent_id: str) -> list[ApiKey]:
    agent = access_managed_agent(conn, caller, agent_id)
    rows = conn.execute(
        sa.select(api_keys).where(api_keys.c.principal_id == agent["id"]).order_by(api_keys.c.id)
    ).mappings()
    return [ApiKey.model_validate(row) for row in rows]


# --- writes -------------------------------------------------------------------------------


def do_provision_agent(
    conn: Connection, events: list[Event], *, caller: Caller, request: ProvisionAgentRequest
) -> Principal:
    row = do_insert_agent(conn, caller.workspace_id, request, owner_id=caller.principal_id)
    return principal_from_row(row)


def do_insert_agent(
    conn: Connection,
    workspace_id: str,
    request: ProvisionAgentRequest,
    *,
    owner_id: str | None,
    kind: PrincipalKind = "agent",
) -> RowMapping:
    return do_insert_principal(
        conn,
        workspace_id,
        kind,
        request.handle,
        request.display_name or request.handle,
        profile=request.profile or {},
        public_key=request.public_key,
        owner_id=owner_id,
    )


def do_update_agent(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    agent_id: str,
    request: UpdateAgentRequest,
) -> Principal:
    agent = access_agent(conn, caller, agent_id)
    changes = request.model_dump(exclude_unset=True, by_alias=False)
    changes = {k: v for k, v in changes.items() if v is not None or k == "avatar_url"}
    if agent["id"] != caller.principal_id or not SELF_EDITABLE.issuperset(changes):
        check_can_manage(caller, agent)
    if "handle" in changes and changes["handle"] != agent["handle"]:
        check_handle_free(conn, agent["workspace_id"], changes["handle"])
    return _do_change(conn, events, caller, agent, **changes)


def do_archive_agent(
    conn: Connection, events: list[Event], *, caller: Caller, agent_id: str
) -> Principal:
    """Archive: the agent stays in history and listings (includeArchived) but its credentials
    stop working until a human re-activates it."""
    agent = access_managed_agent(conn, caller, agent_id)
    return _do_change(conn, events, caller, agent, is_active=False)


def do_rotate_public_key(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    agent_id: str,
    request: RotateKeyRequest,
) -> Principal:
    """Replace the agent's Ed25519 key: signatures made with the old key stop working now."""
    agent = access_managed_agent(conn, caller, agent_id)
    return _do_change(conn, events, caller, agent, public_key=request.new_public_key)


def _do_change(
    conn: Connection, events: list[Event], caller: Caller, agent: RowMapping, **values: Any
) -> Principal:
    """Apply the changes; archiving the agent or replacing its signing key also ends the
    connections opened with what stopped working."""
    if values.get("is_active") is False and agent["is_active"]:
        revoked(
            events,
            workspace_id=agent["workspace_id"],
            principal_id=agent["id"],
            credential=None,
            reason="This agent was archived",
        )
    if "public_key" in values and values["public_key"] != agent["public_key"]:
        revoked(
            events,
            workspace_id=agent["workspace_id"],
            principal_id=agent["id"],
            credential=SIGNATURE_CREDENTIAL,
            reason="This agent's signing key was replaced",
        )
    if values:
        conn.execute(
            sa.update(principals)
            .where(principals.c.id == agent["id"])
            .values(**values, updated_at=utcnow())
        )
    return get_agent(conn, caller=caller, agent_id=agent["id"])


def do_set_status(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    agent_id: str,
    request: StatusRequest,
) -> AgentStatus:
    """The agent itself, its owner or a workspace admin sets its status."""
    agent = access_agent(conn, caller, agent_id)
    if agent["id"] != caller.principal_id:
        check_can_manage(caller, agent)
    subject = caller_from_row(agent, caller.method)
    return set_status(conn, events, subject=subject, request=request)


def do_create_api_key(
    conn: Connection, caller: Caller | None, agent: RowMapping, label: str | None
) -> CreatedApiKey:
    """Issue a key; it is returned once and only its digest is stored. `caller` is None when
    an operator issues the key from the command line."""
    key, prefix = new_api_key()
    key_id = new_id()
    now = utcnow()
    conn.execute(
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


def do_generate_api_key(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    agent_id: str,
    request: CreateApiKeyRequest | None,
) -> CreatedApiKey:
    agent = access_managed_agent(conn, caller, agent_id)
    if not agent["is_active"]:
        raise Conflict("This agent is archived; re-activate it before issuing keys")
    return do_create_api_key(conn, caller, agent, request.label if request else None)


def do_revoke_api_key(
    conn: Connection, events: list[Event], *, caller: Caller, agent_id: str, key_id: str
) -> ApiKey:
    """Revoke at once: the next request with this key gets a 401. Revoking twice is a no-op."""
    agent = access_managed_agent(conn, caller, agent_id)
    canonical = parse_id(key_id)
    query = sa.select(api_keys).where(
        api_keys.c.id == canonical, api_keys.c.principal_id == agent["id"]
    )
    row = conn.execute(query).mappings().first() if canonical else None
    if row is None:
        raise NotFound(f"No API key with id '{key_id}' for this agent")
    if row["revoked_at"] is None:
        conn.execute(
            sa.update(api_keys).where(api_keys.c.id == row["id"]).values(revoked_at=utcnow())
        )
        row = conn.execute(query).mappings().one()
        revoked(
            events,
            workspace_id=agent["workspace_id"],
            principal_id=agent["id"],
            credential=api_key_credential(row["id"]),
            reason="This API key was revoked",
        )
    return ApiKey.model_validate(row)
