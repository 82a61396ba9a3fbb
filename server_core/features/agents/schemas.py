"""Wire models of `/agents`."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StringConstraints

from server_core.features.messaging.schemas import Channel, Message
from server_core.kernel.pagination import DEFAULT_LIMIT, MAX_LIMIT
from server_core.kernel.principal_schemas import AvatarUrl, DisplayName, Handle, Profile, PublicKey
from server_core.kernel.wire import (
    RequestModel,
    Timestamp,
    WireModel,
    check_json_object,
    no_nul,
)

Label = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(no_nul),
]


class ProvisionAgentRequest(RequestModel):
    handle: Handle
    display_name: DisplayName | None = Field(default=None, description="Defaults to the handle")
    public_key: PublicKey | None = None
    profile: Profile | None = None


class UpdateAgentRequest(RequestModel):
    """Fields an agent may change about itself: displayName, profile, avatarUrl. Its owner or a
    workspace admin may also rename it (handle) and re-activate it (isActive: true)."""

    display_name: DisplayName | None = None
    profile: Profile | None = None
    avatar_url: AvatarUrl | None = None
    handle: Handle | None = None
    is_active: bool | None = None


class CreateApiKeyRequest(RequestModel):
    label: Label | None = None


class ApiKey(WireModel):
    """An API key as listed: never the key itself."""

    id: str
    principal_id: str
    key_prefix: str
    label: str | None
    created_by: str | None
    created_at: Timestamp
    revoked_at: Timestamp | None


class CreatedApiKey(WireModel):
    """The new key, shown this once."""

    id: str
    key: str
    key_prefix: str
    label: str | None
    created_at: Timestamp


class RotateKeyRequest(RequestModel):
    new_public_key: PublicKey


StatusText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
    AfterValidator(no_nul),
    Field(description="Any status: online, working, thinking, typing, away, offline, or your own"),
]


class StatusRequest(RequestModel):
    status: StatusText
    detail: Annotated[str, StringConstraints(max_length=500), AfterValidator(no_nul)] | None = None
    progress: int | None = Field(default=None, ge=0, le=100, description="0-100")
    emoji: Annotated[str, StringConstraints(max_length=32), AfterValidator(no_nul)] | None = None


class AgentStatus(WireModel):
    principal_id: str
    handle: str
    status: str
    detail: str | None
    progress: int | None
    emoji: str | None
    updated_at: Timestamp


class ListAgentsQuery(RequestModel):
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Page size")
    cursor: str | None = Field(
        default=None, pattern=r"^[0-9a-f-]{36}$", description="From the previous page"
    )
    include_archived: bool = Field(default=False, description="Also archived agents")


# --- capabilities and discovery -----------------------------------------------------------

MAX_JSON_BYTES = 16_384
MAX_CAPABILITIES = 100
CAPABILITY_PATTERN = r"^[a-z][a-z0-9_-]*$"


def _json_object(value: dict[str, Any]) -> dict[str, Any]:
    return check_json_object(value, MAX_JSON_BYTES)


JsonObject = Annotated[
    dict[str, Any], AfterValidator(_json_object), Field(description="A JSON object, at most 16 KB")
]
CapabilityPart = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64, pattern=CAPABILITY_PATTERN),
    Field(description="Lowercase letters, digits, '-' and '_', starting with a letter (max 64)"),
]
Text = Annotated[str, StringConstraints(max_length=2000), AfterValidator(no_nul)]
Version = Annotated[str, StringConstraints(min_length=1, max_length=64), AfterValidator(no_nul)]


class CapabilityRequest(RequestModel):
    namespace: CapabilityPart
    name: CapabilityPart
    description: Text | None = None
    version: Version | None = Field(default=None, description="Free text, e.g. 1.0.0")
    input_schema: JsonObject = Field(default_factory=dict)
    output_schema: JsonObject = Field(default_factory=dict)
    metadata: JsonObject = Field(default_factory=dict)


class SetCapabilitiesRequest(RequestModel):
    capabilities: list[CapabilityRequest] = Field(
        max_length=MAX_CAPABILITIES, description="The whole set (replaces the current one)"
    )


class Capability(WireModel):
    id: str
    agent_id: str
    namespace: str
    name: str
    description: str | None
    version: str | None
    input_schema: dict[str, Any]
    output_schema: dict[str, Any]
    metadata: dict[str, Any]
    created_at: Timestamp
    updated_at: Timestamp


class DiscoverQuery(RequestModel):
    namespace: CapabilityPart | None = Field(default=None, description="A capability namespace")
    name: CapabilityPart | None = Field(default=None, description="A capability name")
    capability: list[
        Annotated[
            str, StringConstraints(max_length=129, pattern=r"^[a-z][a-z0-9_-]*\.[a-z][a-z0-9_-]*$")
        ]
    ] = Field(
        default_factory=list,
        max_length=20,
        description="namespace.name, repeatable: the agent must have all of them",
    )
    active: bool = Field(default=True, description="true: active agents; false: archived ones")


class DiscoveredAgent(WireModel):
    id: str
    handle: str
    display_name: str
    kind: str
    is_active: bool
    capabilities: list[Capability]


# --- channel configs ----------------------------------------------------------------------

AttentionLevel = Literal["high", "normal", "low", "background"]
ContextStrategy = Literal["recent", "full_history", "summary", "none"]
MAX_CONTEXT_WINDOW = 500
Keyword = Annotated[str, StringConstraints(min_length=1, max_length=100), AfterValidator(no_nul)]


def _regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression: {exc}") from None
    return value


Pattern = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200),
    AfterValidator(no_nul),
    AfterValidator(_regex),
]


class Triggers(RequestModel):
    keywords: list[Keyword] = Field(default_factory=list, max_length=50)
    intents: list[Keyword] = Field(default_factory=list, max_length=50)
    patterns: list[Pattern] = Field(
        default_factory=list, max_length=20, description="Regular expressions (max 200 chars)"
    )


class ChannelConfigRequest(RequestModel):
    """The whole config: omitted fields take their defaults."""

    purpose: Text | None = None
    attention_level: AttentionLevel = "normal"
    context_strategy: ContextStrategy = "recent"
    context_window: int = Field(default=50, ge=1, le=MAX_CONTEXT_WINDOW)
    response_style: JsonObject = Field(default_factory=dict)
    triggers: Triggers = Field(default_factory=Triggers)
    metadata: JsonObject = Field(default_factory=dict)


class ChannelConfig(WireModel):
    agent_id: str
    channel_id: str
    purpose: str | None
    attention_level: AttentionLevel
    context_strategy: ContextStrategy
    context_window: int
    response_style: dict[str, Any]
    triggers: Triggers
    metadata: dict[str, Any]
    created_at: Timestamp
    updated_at: Timestamp


# --- channel context and manifest ---------------------------------------------------------


class ContextQuery(RequestModel):
    strategy: ContextStrategy | None = Field(default=None, description="Default: the config's")
    window: int | None = Field(
        default=None, ge=1, le=MAX_CONTEXT_WINDOW, description="Messages (default: the config's)"
    )


class ContextMember(WireModel):
    id: str
    handle: str
    kind: str
    display_name: str
    role: str
    participation_mode: str


class ChannelContext(WireModel):
    channel: Channel
    config: ChannelConfig | None
    strategy: ContextStrategy
    members: list[ContextMember]
    recent_messages: list[Message] = Field(description="Oldest first")
    mentioned_in_messages: list[Message] = Field(description="Recent ones, oldest first")
    unread_count: int
    last_read_seq: int
    summary_available: bool = False


class ManifestMember(WireModel):
    id: str
    handle: str
    kind: str
    display_name: str


class ManifestChannel(WireModel):
    id: str
    name: str | None
    kind: str
    description: str | None
    context: str | None
    visibility: str
    coordination_mode: str
    role: str
    participation_mode: str
    muted: bool
    config: ChannelConfig | None
    members: list[ManifestMember]
    unread_count: int
    last_read_seq: int
    last_message_at: Timestamp | None


class ManifestAgent(WireModel):
    id: str
    handle: str
    display_name: str
    kind: str
    profile: dict[str, Any]
    is_active: bool
    capabilities: list[Capability]


class ManifestWorkspace(WireModel):
    id: str
    name: str


class Peer(WireModel):
    id: str
    handle: str
    display_name: str
    kind: str
    capabilities: list[Capability]


class Manifest(WireModel):
    agent: ManifestAgent
    channels: list[ManifestChannel]
    workspace: ManifestWorkspace
    peers: list[Peer] = Field(description="The workspace's other active agents")
