"""Principals' wire shape and field rules (humans, agents, services).

Pure pydantic, so that clients (`sesame_mcp.client`) can reuse these models without importing
the store; the scoped lookups and writes over them are in `kernel/principals.py`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints

from server_core.kernel.crypto import load_public_key
from server_core.kernel.wire import Timestamp, WireModel, check_json_object, no_nul

PrincipalKind = Literal["human", "agent", "service"]

HANDLE_PATTERN = r"^[a-z0-9][a-z0-9_-]{1,38}$"
MAX_PROFILE_BYTES = 16_384


def _lower(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


def _check_profile(value: dict[str, Any]) -> dict[str, Any]:
    return check_json_object(value, MAX_PROFILE_BYTES)


def _check_public_key(value: str) -> str:
    try:
        load_public_key(value)
    except ValueError as exc:
        raise ValueError("must be a base64url-encoded SPKI DER Ed25519 public key") from exc
    return value


Handle = Annotated[
    str,
    # The constraint comes first so the published schema keeps the pattern; the lowercasing
    # still runs before it is checked.
    StringConstraints(pattern=HANDLE_PATTERN),
    BeforeValidator(_lower),
    Field(
        description="2 to 39 characters: lowercase letters, digits, '-' and '_', starting with a "
        "letter or digit; unique in the workspace (input is lowercased)",
        examples=["my-agent"],
    ),
]
DisplayName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    AfterValidator(no_nul),
]
Profile = Annotated[dict[str, Any], AfterValidator(_check_profile)]
PublicKey = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=200),
    AfterValidator(_check_public_key),
    Field(description="Ed25519 public key, base64url SPKI DER"),
]
AvatarUrl = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=2048), AfterValidator(no_nul)
]


class Principal(WireModel):
    """A human, agent or service as other principals see it."""

    id: str
    workspace_id: str
    kind: PrincipalKind
    handle: str
    display_name: str
    profile: dict[str, Any]
    avatar_url: str | None
    public_key: str | None
    owner_id: str | None
    is_admin: bool
    is_active: bool
    created_at: Timestamp
    updated_at: Timestamp


class Me(Principal):
    """The caller's own principal: adds the login email (humans)."""

    email: str | None
