"""Wire models of `/agents`."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from server_core.kernel.pagination import DEFAULT_LIMIT, MAX_LIMIT
from server_core.kernel.principal_schemas import AvatarUrl, DisplayName, Handle, Profile, PublicKey
from server_core.kernel.wire import RequestModel, Timestamp, WireModel, no_nul

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
