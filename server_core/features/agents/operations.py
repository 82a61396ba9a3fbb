"""`/agents`: provisioning, listing, editing, archiving, status, API keys, key rotation, and each
agent's wake, state, focus and memory."""

from __future__ import annotations

from server_core.features.agents.continuity_schemas import (
    AgentMemory,
    AgentState,
    CategorySummary,
    FocusRequest,
    MemoryQuery,
    PutMemoryRequest,
    PutStateRequest,
    StateQuery,
    StateSaved,
    Wake,
)
from server_core.features.agents.errors import (
    MemoryEntryTooLarge,
    MemoryFull,
    NoState,
    StateTooLarge,
    TaskNotAssigned,
)
from server_core.features.agents.schemas import (
    AgentStatus,
    ApiKey,
    Capability,
    CapabilityRequest,
    ChannelConfig,
    ChannelConfigRequest,
    ChannelContext,
    ContextQuery,
    CreateApiKeyRequest,
    CreatedApiKey,
    DiscoveredAgent,
    DiscoverQuery,
    ListAgentsQuery,
    Manifest,
    ProvisionAgentRequest,
    RotateKeyRequest,
    SetCapabilitiesRequest,
    StatusRequest,
    UpdateAgentRequest,
)
from server_core.features.messaging.errors import NotChannelMember
from server_core.features.tasks.schemas import Task
from server_core.kernel.errors import BadRequest, Conflict, Forbidden, HandleTaken, NotFound
from server_core.kernel.operations import Operation, Operations, PathParam
from server_core.kernel.principal_schemas import Principal
from server_core.kernel.wire import Page

AGENT = PathParam("id", "agent_id", "Agent id")
KEY = PathParam("keyId", "key_id", "API key id")
MEMORY = PathParam("memoryId", "memory_id", "Memory entry id")
CAPABILITY = PathParam("capId", "capability_id", "Capability id")
IN_CHANNEL = PathParam("cid", "channel_id", "Channel id")
ApiKeys = list[ApiKey]  # named once: inside the class, `list` is an operation
Memories = list[AgentMemory]
Categories = list[CategorySummary]
Capabilities = list[Capability]
DiscoveredAgents = list[DiscoveredAgent]
ChannelConfigs = list[ChannelConfig]


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
    discover = Operation(
        "GET",
        "/agents/discover",
        query=DiscoverQuery,
        response=DiscoveredAgents,
        summary="Find the workspace's agents that have every capability asked for",
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
    # State, focus, memory and wake: the agent itself, its owner or a workspace admin.
    wake = Operation(
        "GET",
        "/agents/{id}/wake",
        params=[AGENT],
        response=Wake,
        errors=[Forbidden, NotFound],
        summary="Cold start in one call: focus, tasks, schedule, unread channels, state, "
        "pinned memories",
    )
    put_state = Operation(
        "PUT",
        "/agents/{id}/state",
        params=[AGENT],
        body=PutStateRequest,
        response=StateSaved,
        errors=[Forbidden, NotFound, StateTooLarge],
        summary="Save session state in a namespace (versioned, optional TTL, 32 KB)",
    )
    get_state = Operation(
        "GET",
        "/agents/{id}/state",
        params=[AGENT],
        query=StateQuery,
        response=AgentState,
        transaction="write",  # an expired state is deleted when found
        errors=[Forbidden, NotFound, NoState],
        summary="Read session state (404 when none or expired)",
    )
    delete_state = Operation(
        "DELETE",
        "/agents/{id}/state",
        params=[AGENT],
        query=StateQuery,
        response=AgentState,
        errors=[Forbidden, NotFound, NoState],
        summary="Clear session state in a namespace (404 when none)",
    )
    set_focus = Operation(
        "PUT",
        "/agents/{id}/focus",
        params=[AGENT],
        body=FocusRequest,
        response=Task | None,  # type: ignore[arg-type]
        errors=[Forbidden, NotFound, TaskNotAssigned],
        summary="Set (a task assigned to the agent) or clear the focused task",
    )
    put_memory = Operation(
        "PUT",
        "/agents/{id}/memory",
        params=[AGENT],
        body=PutMemoryRequest,
        response=AgentMemory,
        errors=[Forbidden, NotFound, MemoryEntryTooLarge, MemoryFull],
        summary="Write a memory entry, replacing the one of the same category and key",
    )
    memories = Operation(
        "GET",
        "/agents/{id}/memory",
        params=[AGENT],
        query=MemoryQuery,
        response=Memories,
        errors=[Forbidden, NotFound],
        summary="List or search memory entries (category, q, pinned, limit)",
    )
    memory_categories = Operation(
        "GET",
        "/agents/{id}/memory/categories",
        params=[AGENT],
        response=Categories,
        errors=[Forbidden, NotFound],
        summary="Memory categories in use, with their entry counts",
    )
    delete_memory = Operation(
        "DELETE",
        "/agents/{id}/memory/{memoryId}",
        params=[AGENT, MEMORY],
        response=AgentMemory,
        errors=[Forbidden, NotFound],
        summary="Delete a memory entry",
    )
    capabilities = Operation(
        "GET",
        "/agents/{id}/capabilities",
        params=[AGENT],
        response=Capabilities,
        errors=[NotFound],
        summary="List an agent's capabilities",
    )
    set_capabilities = Operation(
        "PUT",
        "/agents/{id}/capabilities",
        params=[AGENT],
        body=SetCapabilitiesRequest,
        response=Capabilities,
        errors=[BadRequest, Forbidden, NotFound],
        summary="Replace all of an agent's capabilities (the agent, its owner or an admin)",
    )
    add_capability = Operation(
        "POST",
        "/agents/{id}/capabilities",
        params=[AGENT],
        body=CapabilityRequest,
        response=Capability,
        status=201,
        idempotent=True,
        errors=[Forbidden, NotFound],
        summary="Add a capability, or update the one of the same namespace and name",
    )
    remove_capability = Operation(
        "DELETE",
        "/agents/{id}/capabilities/{capId}",
        params=[AGENT, CAPABILITY],
        response=Capability,
        errors=[Forbidden, NotFound],
        summary="Remove one of an agent's capabilities",
    )
    manifest = Operation(
        "GET",
        "/agents/{id}/manifest",
        params=[AGENT],
        response=Manifest,
        errors=[Forbidden, NotFound],
        summary="The agent's world: itself, its channels, the workspace and its peers",
    )
    channel_configs = Operation(
        "GET",
        "/agents/{id}/channels",
        params=[AGENT],
        response=ChannelConfigs,
        errors=[Forbidden, NotFound],
        summary="List an agent's channel configs",
    )
    channel_config = Operation(
        "GET",
        "/agents/{id}/channels/{cid}/config",
        params=[AGENT, IN_CHANNEL],
        response=ChannelConfig | None,  # type: ignore[arg-type]
        errors=[Forbidden, NotFound, NotChannelMember],
        summary="An agent's config for one of its channels (null when none is set)",
    )
    set_channel_config = Operation(
        "PUT",
        "/agents/{id}/channels/{cid}/config",
        params=[AGENT, IN_CHANNEL],
        body=ChannelConfigRequest,
        response=ChannelConfig,
        errors=[Forbidden, NotFound, NotChannelMember],
        summary="Set an agent's config for one of its channels (replaces it)",
    )
    delete_channel_config = Operation(
        "DELETE",
        "/agents/{id}/channels/{cid}/config",
        params=[AGENT, IN_CHANNEL],
        response=ChannelConfig,
        errors=[Forbidden, NotFound, NotChannelMember],
        summary="Remove an agent's config for a channel",
    )
    channel_context = Operation(
        "GET",
        "/agents/{id}/channels/{cid}/context",
        params=[AGENT, IN_CHANNEL],
        query=ContextQuery,
        response=ChannelContext,
        errors=[Forbidden, NotFound, NotChannelMember],
        summary="A channel as the agent sees it: config, members, messages, mentions, unread",
    )
