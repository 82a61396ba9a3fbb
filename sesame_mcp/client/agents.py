"""`client.agents`: provisioning, listing, editing and archiving agents, their status, API keys
and Ed25519 public key (`/agents`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
from server_core.kernel.principal_schemas import Principal
from sesame_mcp.client.wire import UNSET, Page, Unset, body, patch, path, query

if TYPE_CHECKING:
    from sesame_mcp.client.rest import SesameClient

ApiKeys = list[ApiKey]


class Agents:
    """The workspace's agents. Creating, archiving and managing keys are for humans (the
    agent's owner or an admin); any principal may list and read agents."""

    def __init__(self, client: SesameClient) -> None:
        self._client = client

    async def create(
        self,
        handle: str,
        *,
        display_name: str | None = None,
        public_key: str | None = None,
        profile: dict[str, Any] | None = None,
    ) -> Principal:
        """Provision an agent owned by the caller (humans only)."""
        request = body(
            ProvisionAgentRequest,
            handle=handle,
            display_name=display_name,
            public_key=public_key,
            profile=profile,
        )
        return await self._client.call("POST", "/agents", Principal, json=request)

    async def list(
        self, *, limit: int | None = None, cursor: str | None = None, include_archived: bool = False
    ) -> Page[Principal]:
        """One page of the workspace's agents and services, oldest first."""
        params = query(limit=limit, cursor=cursor, include_archived=include_archived or None)
        return await self._client.page("/agents", Principal, params)

    async def get(self, agent_id: str) -> Principal:
        """One agent of the workspace."""
        return await self._client.call("GET", path("agents", agent_id), Principal)

    async def update(
        self,
        agent_id: str,
        *,
        display_name: str | Unset = UNSET,
        profile: dict[str, Any] | Unset = UNSET,
        avatar_url: str | Unset | None = UNSET,
        handle: str | Unset = UNSET,
        is_active: bool | Unset = UNSET,
    ) -> Principal:
        """Change an agent: itself its profile fields; its owner or an admin also `handle` and
        `is_active` (re-activation)."""
        request = patch(
            UpdateAgentRequest,
            display_name=display_name,
            profile=profile,
            avatar_url=avatar_url,
            handle=handle,
            is_active=is_active,
        )
        return await self._client.call("PATCH", path("agents", agent_id), Principal, json=request)

    async def archive(self, agent_id: str) -> Principal:
        """Archive an agent: its credentials stop working at once (owner or admin)."""
        return await self._client.call("DELETE", path("agents", agent_id), Principal)

    async def set_status(
        self,
        agent_id: str,
        status: str,
        *,
        detail: str | None = None,
        progress: int | None = None,
        emoji: str | None = None,
    ) -> AgentStatus:
        """Set an agent's status (the agent, its owner or an admin); broadcast as `presence`."""
        request = body(StatusRequest, status=status, detail=detail, progress=progress, emoji=emoji)
        where = path("agents", agent_id, "status")
        return await self._client.call("PUT", where, AgentStatus, json=request)

    async def create_api_key(self, agent_id: str, *, label: str | None = None) -> CreatedApiKey:
        """A new API key for the agent; `key` is shown this once."""
        request = body(CreateApiKeyRequest, label=label)
        where = path("agents", agent_id, "api-keys")
        return await self._client.call("POST", where, CreatedApiKey, json=request)

    async def api_keys(self, agent_id: str) -> ApiKeys:
        """The agent's API keys, by prefix (never the keys themselves)."""
        return await self._client.call("GET", path("agents", agent_id, "api-keys"), ApiKeys)

    async def revoke_api_key(self, agent_id: str, key_id: str) -> ApiKey:
        """Revoke a key at once (revoking again changes nothing)."""
        where = path("agents", agent_id, "api-keys", key_id)
        return await self._client.call("DELETE", where, ApiKey)

    async def rotate_key(self, agent_id: str, new_public_key: str) -> Principal:
        """Replace the agent's Ed25519 public key (base64url SPKI DER)."""
        request = body(RotateKeyRequest, new_public_key=new_public_key)
        where = path("agents", agent_id, "rotate-key")
        return await self._client.call("POST", where, Principal, json=request)
