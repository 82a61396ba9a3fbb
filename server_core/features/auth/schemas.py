"""Wire models of `/auth`."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StringConstraints

from server_core.kernel.principal_schemas import AvatarUrl, DisplayName, Handle, Me, Profile
from server_core.kernel.wire import RequestModel, Timestamp, WireModel, no_nul

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+$"


def _lower(value: str) -> str:
    return value.lower()


Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=320, pattern=EMAIL_PATTERN),
    AfterValidator(no_nul),
    AfterValidator(_lower),
    Field(description="Login email (case-insensitive)", examples=["ada@example.com"]),
]
Password = Annotated[
    str,
    StringConstraints(min_length=8, max_length=256),
    AfterValidator(no_nul),
    Field(description="At least 8 characters"),
]


WorkspaceName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(no_nul),
]


InvitationToken = Annotated[
    str, StringConstraints(min_length=1, max_length=512), AfterValidator(no_nul)
]


class RegisterRequest(RequestModel):
    email: Email
    password: Password
    handle: Handle
    display_name: DisplayName
    workspace_name: WorkspaceName | None = Field(
        default=None,
        description="Name of the workspace when this registration creates it (first user only)",
    )
    invitation_token: InvitationToken | None = Field(
        default=None,
        description="Join the workspace that sent this invitation (the email must match)",
    )


class LoginRequest(RequestModel):
    email: Email
    password: Annotated[
        str, StringConstraints(min_length=1, max_length=256), AfterValidator(no_nul)
    ]


class RefreshRequest(RequestModel):
    refresh_token: Annotated[
        str, StringConstraints(min_length=1, max_length=512), AfterValidator(no_nul)
    ]


class ProfileUpdate(RequestModel):
    display_name: DisplayName | None = None
    profile: Profile | None = None
    avatar_url: AvatarUrl | None = None


class WorkspaceSummary(WireModel):
    id: str
    name: str


class AuthSession(WireModel):
    """What register, login and refresh answer with."""

    access_token: str
    refresh_token: str
    access_token_expires_at: Timestamp
    principal: Me
    workspace: WorkspaceSummary


def profile_changes(update: ProfileUpdate) -> dict[str, Any]:
    """Columns to write for the fields the request actually set."""
    fields = update.model_dump(exclude_unset=True, by_alias=False)
    return {key: value for key, value in fields.items() if value is not None or key == "avatar_url"}


InvitationStatus = Literal["pending", "accepted", "revoked", "expired"]


class CreateInvitationRequest(RequestModel):
    email: Email
    is_admin: bool = Field(default=False, description="Join as a workspace admin")


class Invitation(WireModel):
    """An invitation to join a workspace; `expired` is a pending one past `expiresAt`."""

    id: str
    workspace_id: str
    email: str
    is_admin: bool
    invited_by: str
    status: InvitationStatus
    created_at: Timestamp
    sent_at: Timestamp
    expires_at: Timestamp
    resent_count: int
    accepted_at: Timestamp | None
    accepted_by: str | None
    revoked_at: Timestamp | None


class SentInvitation(Invitation):
    """An invitation as creating or resending it answers: with its token, shown this once."""

    token: str = Field(description="Give it to `POST /auth/register` as `invitationToken`")
    accept_url: str = Field(description="A link carrying the token, for the inviter to pass on")
