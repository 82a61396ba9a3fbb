"""Toolset `discovery`: find the agents that can do something (their declared capabilities),
declare your own capabilities, and read an agent's manifest (itself, its channels with their
configs, the workspace and its peers). Declared from the platform's `/agents/discover` and
`/agents/{id}/…` operations; your own capabilities are those of the agent this server acts as.
"""

from __future__ import annotations

import json
from typing import Any

from mcp.server.mcpserver import Context
from pydantic import Field

from server_core.features.agents.operations import Agents
from server_core.features.agents.schemas import ManifestChannel
from sesame_mcp.derived import derive
from sesame_mcp.registry import ToolInput, ToolOutput, Toolset, View
from sesame_mcp.state import sesame
from sesame_mcp.toolsets.messaging.refs import PRINCIPAL_REF, resolve_principal
from sesame_mcp.toolsets.messaging.views import quote

TOOLSET = Toolset(
    "discovery",
    "Find agents by capability; declare your capabilities; an agent's manifest",
    default=False,
    next_steps={
        "not_found": "my_capabilities lists your capabilities with their ids; find_principals "
        "lists the workspace's agents",
        "human_only": "an agent's manifest is for the agent itself and the humans who manage "
        "it: agent_manifest() shows yours, discover_agents shows what other agents can do",
        "bad_request": "name each capability once (namespace and name) in the set",
    },
)


class CapabilityView(View):
    id: str
    namespace: str
    name: str
    description: str | None
    version: str | None
    input_schema: dict[str, Any]
    output_schema: dict[str, Any]
    metadata: dict[str, Any]

    def label(self) -> str:
        version = f" v{self.version}" if self.version else ""
        return f"{self.namespace}.{self.name}{version}"

    def line(self) -> str:
        about = f": {quote(self.description)}" if self.description else ""
        return f"- {self.label()}{about} [{self.id}]"


def capability_list(capabilities: list[CapabilityView]) -> str:
    return ", ".join(c.label() for c in capabilities) or "no capabilities declared"


class CapabilityOutput(ToolOutput):
    capability: CapabilityView

    def render(self) -> str:
        return f"Declared capability {self.capability.line()[2:]}"


class RemovedCapabilityOutput(CapabilityOutput):
    def render(self) -> str:
        return f"Removed capability {self.capability.line()[2:]}"


class CapabilitiesOutput(ToolOutput):
    capabilities: list[CapabilityView] = Field(description="By namespace, then name")

    def render(self) -> str:
        if not self.capabilities:
            return "You declare no capabilities: add_capability or set_capabilities adds some."
        count = len(self.capabilities)
        return "\n".join([f"Your {count} capabilities:", *(c.line() for c in self.capabilities)])


class DiscoveredView(View):
    id: str
    handle: str
    display_name: str
    kind: str
    is_active: bool
    capabilities: list[CapabilityView]

    def line(self) -> str:
        archived = "" if self.is_active else " (archived)"
        return f"- @{self.handle}{archived}: {capability_list(self.capabilities)}"


class DiscoveredOutput(ToolOutput):
    agents: list[DiscoveredView] = Field(description="Agents having every capability asked")

    def render(self) -> str:
        if not self.agents:
            return "No agent has those capabilities."
        return "\n".join([f"{len(self.agents)} agents:", *(a.line() for a in self.agents)])


derive(
    TOOLSET,
    Agents.discover,
    name="discover_agents",
    title="Discover agents",
    description="Find the workspace's agents by what they can do: a capability (namespace.name, "
    "all of those given), a namespace or a name. Each comes with its capabilities.",
    output=DiscoveredOutput,
    descriptions={
        "namespace": "Agents with a capability in this namespace",
        "name": "Agents with a capability of this name",
        "capability": "Capabilities as namespace.name: the agent must have all of them",
        "active": "true (default): active agents; false: archived ones",
    },
)
derive(
    TOOLSET,
    Agents.capabilities,
    name="my_capabilities",
    title="My capabilities",
    description="The capabilities you declare to the workspace (discover_agents finds you by "
    "them), with their ids.",
    output=CapabilitiesOutput,
    own=["agent_id"],
)
derive(
    TOOLSET,
    Agents.set_capabilities,
    name="set_capabilities",
    title="Set my capabilities",
    description="Replace all your capabilities with this set (an empty list removes them all).",
    output=CapabilitiesOutput,
    own=["agent_id"],
    descriptions={
        "capabilities": "The whole set: namespace, name (lowercase, digits, - and _), "
        "description, version, inputSchema, outputSchema, metadata",
    },
)
CAPABILITY_FIELDS = {
    "namespace": "Its namespace, e.g. code (lowercase letters, digits, - and _)",
    "name": "Its name in the namespace, e.g. review",
    "description": "What you do with it, in a sentence",
    "version": "Its version, e.g. 1.0.0",
    "input_schema": "JSON schema of what you take",
    "output_schema": "JSON schema of what you give back",
    "metadata": "Anything else, as a JSON object",
}
derive(
    TOOLSET,
    Agents.add_capability,
    name="add_capability",
    title="Add a capability",
    description="Declare a capability, or replace the one of the same namespace and name.",
    output=CapabilityOutput,
    own=["agent_id"],
    descriptions=CAPABILITY_FIELDS,
    destructive=True,  # the capability of the same namespace and name is replaced
)
derive(
    TOOLSET,
    Agents.remove_capability,
    name="remove_capability",
    title="Remove a capability",
    description="Stop declaring a capability, by its id (my_capabilities shows them).",
    output=RemovedCapabilityOutput,
    own=["agent_id"],
    descriptions={"capability_id": "The capability's id"},
)


class ManifestChannelView(View):
    id: str
    name: str = Field(description="#name, or DM with @handle")
    kind: str
    role: str
    unread_count: int
    attention_level: str | None = Field(description="Your config's; null when none is set")
    purpose: str | None
    members: list[str] = Field(description="Handles")

    @classmethod
    def of(cls, channel: ManifestChannel, me: str) -> ManifestChannelView:
        handles = [member.handle for member in channel.members]
        if channel.name:
            name = f"#{channel.name}"
        else:
            others = [handle for handle in handles if handle != me]
            name = f"DM with @{others[0]}" if others else f"channel {channel.id}"
        config = channel.config
        return cls(
            id=channel.id,
            name=name,
            kind=channel.kind,
            role=channel.role,
            unread_count=channel.unread_count,
            attention_level=config.attention_level if config else None,
            purpose=config.purpose if config else None,
            members=handles,
        )

    def line(self) -> str:
        attention = f", attention {self.attention_level}" if self.attention_level else ""
        purpose = f", purpose {quote(self.purpose)}" if self.purpose else ""
        return (
            f"- {self.name} [{self.id}] {self.kind}, {self.role}, {self.unread_count} unread"
            f"{attention}{purpose}; {len(self.members)} members"
        )


class PeerView(View):
    id: str
    handle: str
    display_name: str
    kind: str
    capabilities: list[CapabilityView]


class ManifestAgentView(PeerView):
    is_active: bool
    profile: dict[str, Any]


class WorkspaceView(View):
    id: str
    name: str


class ManifestOutput(ToolOutput):
    agent: ManifestAgentView
    channels: list[ManifestChannelView]
    workspace: WorkspaceView
    peers: list[PeerView] = Field(description="The workspace's other active agents")

    def render(self) -> str:
        agent = self.agent
        lines = [
            f"@{agent.handle} ({agent.display_name}) in workspace {quote(self.workspace.name)}: "
            f"{capability_list(agent.capabilities)}.",
        ]
        if agent.profile:
            lines.append(f"Profile: {json.dumps(agent.profile, ensure_ascii=False)}")
        lines.append(f"Channels ({len(self.channels)}):")
        lines += [channel.line() for channel in self.channels]
        lines.append(f"Peers ({len(self.peers)}):")
        lines += [f"- @{p.handle}: {capability_list(p.capabilities)}" for p in self.peers]
        return "\n".join(lines)


class AgentManifestInput(ToolInput):
    agent: str = Field(default="me", min_length=1, max_length=200, description=PRINCIPAL_REF)


@TOOLSET.tool(title="Agent manifest", read_only=True)
async def agent_manifest(args: AgentManifestInput, ctx: Context) -> ManifestOutput:
    """An agent's world in one call (yours by default): its capabilities, its channels with
    their configs and members, the workspace, and the other agents with their capabilities.
    Another agent's is for the humans who manage it."""
    state = sesame(ctx)
    agent_id = (await resolve_principal(state, args.agent)).id
    manifest = await state.client.agents.manifest(agent_id)
    return ManifestOutput(
        agent=ManifestAgentView.model_validate(manifest.agent),
        channels=[ManifestChannelView.of(c, manifest.agent.handle) for c in manifest.channels],
        workspace=WorkspaceView.model_validate(manifest.workspace),
        peers=[PeerView.model_validate(peer) for peer in manifest.peers],
    )
