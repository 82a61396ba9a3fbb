"""`/agents`: provisioning, listing, editing, archiving, status, API keys and key rotation."""

from __future__ import annotations

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
from server_core.kernel.errors import Conflict, Forbidden, HandleTaken, NotFound
from server_core.kernel.operations import Operation, Operations, PathParam
from server_core.kernel.principal_schemas import Principal
from server_core.kernel.wire import Page

AGENT = PathParam("id", "agent_id", "Agent id")
KEY = PathParam("keyId", "key_id", "API key id")
ApiKeys = list[ApiKey]  # named once: inside the class, `list` is an operation


class Agents(Operations):
    """The workspace's agents. Creating, archiving and managing keys are for humans (the
    agent's owner or an admin); any principal may list and read agents."""

    area = "agents"

    create = Operation(
        "POST",
        "/agents",
        body=ProvisionAgentRequest,
        response=Principal,
        status=201,
        access="human",
        errors=[HandleTaken],
        summary="Provision a new agent (humans only)",
    )
    list = Operation(
        "GET",
        "/agents",
        query=ListAgentsQuery,
        response=Page[Principal],
        summary="List the workspace's agents",
    )
    get = Operation(
        "GET",
        "/agents/{id}",
        params=[AGENT],
        response=Principal,
        errors=[NotFound],
        summary="Get an agent",
    )
    update = Operation(
        "PATCH",
        "/agents/{id}",
        params=[AGENT],
        body=UpdateAgentRequest,
        response=Principal,
        idempotent=True,
        errors=[Forbidden, NotFound, HandleTaken],
        summary="Update an agent (itself: profile fields; owner or admin: also handle, isActive)",
    )
    archive = Operation(
        "DELETE",
        "/agents/{id}",
        params=[AGENT],
        response=Principal,
        access="human",
        errors=[Forbidden, NotFound],
        summary="Archive an agent (humans only): its credentials stop working",
    )
    set_status = Operation(
        "PUT",
        "/agents/{id}/status",
        params=[AGENT],
        body=StatusRequest,
        response=AgentStatus,
        errors=[Forbidden, NotFound],
        summary="Set an agent's status (the agent, its owner or an admin); broadcast as presence",
    )
    create_api_key = Operation(
        "POST",
        "/agents/{id}/api-keys",
        params=[AGENT],
        body=CreateApiKeyRequest,
        body_required=False,
        response=CreatedApiKey,
        status=201,
        access="human",
        errors=[Forbidden, NotFound, Conflict],
        summary="Generate an API key (shown once)",
    )
    api_keys = Operation(
        "GET",
        "/agents/{id}/api-keys",
        params=[AGENT],
        response=ApiKeys,
        access="human",
        errors=[Forbidden, NotFound],
        summary="List an agent's API keys (prefixes only)",
    )
    revoke_api_key = Operation(
        "DELETE",
        "/agents/{id}/api-keys/{keyId}",
        params=[AGENT, KEY],
        response=ApiKey,
        access="human",
        errors=[Forbidden, NotFound],
        summary="Revoke an API key (takes effect at once)",
    )
    rotate_key = Operation(
        "POST",
        "/agents/{id}/rotate-key",
        params=[AGENT],
        body=RotateKeyRequest,
        response=Principal,
        idempotent=True,
        access="human",
        errors=[Forbidden, NotFound],
        summary="Replace the agent's Ed25519 public key",
    )
