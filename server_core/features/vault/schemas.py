"""Wire models of `/vault`: vaults, members, items, shares, leases, wallet, alerts, events."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StringConstraints, field_validator, model_validator

from server_core.features.drive.schemas import ContentType, FileName
from server_core.kernel.wire import (
    RequestModel,
    Timestamp,
    WireModel,
    check_json_object,
    no_nul,
)

SensitivityLabel = Literal["low", "medium", "high", "critical"]
VaultRole = Literal["owner", "admin", "editor", "viewer", "use_only"]
ItemType = Literal[
    "login",
    "api_key",
    "ssh_key",
    "card",
    "address",
    "note",
    "crypto_wallet",
    "document",
    "config",
    "env",
    "certificate",
    "token",
]
FieldHint = Literal[
    "password",
    "username",
    "email",
    "url",
    "totp",
    "secret",
    "key",
    "note",
    "pin",
    "token",
    "other",
]
LeaseStatus = Literal["pending", "active", "expired", "revoked", "denied"]
AlertTrigger = Literal["every_access", "denied", "threshold", "lease_request"]
AlertDestination = Literal["channel", "push", "email"]

MAX_FIELDS = 100
MAX_FIELD_BYTES = 64 * 1024
MAX_METADATA_BYTES = 16 * 1024
MAX_LEASE_MINUTES = 7 * 24 * 60
MAX_LEASE_USES = 100_000

MASK = "••••••••"  # a field value the vault's masking policy hides on reveal

UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"


def _json_object(value: dict[str, Any]) -> dict[str, Any]:
    return check_json_object(value, MAX_METADATA_BYTES)


def _without_nul(value: str) -> str:
    return value.replace("\x00", "")


def _field_value(value: str) -> str:
    no_nul(value)
    if len(value.encode()) > MAX_FIELD_BYTES:
        raise ValueError(f"a field value must be at most {MAX_FIELD_BYTES} bytes of UTF-8")
    return value


Uuid = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, pattern=UUID_PATTERN),
    Field(description="An id (UUID)"),
]
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(no_nul),
]
Description = Annotated[str, StringConstraints(max_length=2000), AfterValidator(no_nul)]
Notes = Annotated[str, StringConstraints(max_length=10_000), AfterValidator(no_nul)]
Url = Annotated[str, StringConstraints(max_length=2048), AfterValidator(no_nul)]
Tag = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
    AfterValidator(no_nul),
]
FieldKey = Annotated[
    str,
    StringConstraints(min_length=1, max_length=128),
    AfterValidator(no_nul),
    Field(description="A field's key, 1 to 128 characters"),
]
FieldValue = Annotated[str, AfterValidator(_field_value)]
JsonObject = Annotated[dict[str, Any], AfterValidator(_json_object)]
Domain = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, min_length=1, max_length=253),
    AfterValidator(no_nul),
]


# --- vaults -------------------------------------------------------------------------------


class MaskingPolicy(WireModel):
    """Field hints masked on reveal (`alwaysMask`) and hints that are never masked
    (`neverMask`); the two lists must not overlap."""

    always_mask: list[FieldHint] = Field(default_factory=list, max_length=11)
    never_mask: list[FieldHint] = Field(default_factory=list, max_length=11)

    @model_validator(mode="after")
    def _no_overlap(self) -> MaskingPolicy:
        both = sorted(set(self.always_mask) & set(self.never_mask))
        if both:
            raise ValueError(f"alwaysMask and neverMask must not overlap (both list {both})")
        # Duplicates carry no meaning: keep each hint once, in the order given.
        self.always_mask = list(dict.fromkeys(self.always_mask))
        self.never_mask = list(dict.fromkeys(self.never_mask))
        return self


class CreateVaultRequest(RequestModel):
    name: Name
    description: Description | None = None
    sensitivity_label: SensitivityLabel = "medium"
    masking_policy: MaskingPolicy | None = None


class UpdateVaultRequest(RequestModel):
    name: Name | None = None
    description: Description | None = Field(default=None, description="null clears it")
    sensitivity_label: SensitivityLabel | None = None


class SetMaskingPolicyRequest(RequestModel):
    masking_policy: MaskingPolicy | None = Field(description="null clears the policy")


class AddVaultMemberRequest(RequestModel):
    principal_id: Uuid
    role: VaultRole


class Vault(WireModel):
    id: str
    workspace_id: str
    name: str
    description: str | None
    sensitivity_label: SensitivityLabel
    masking_policy: MaskingPolicy | None
    created_by: str
    role: VaultRole = Field(description="The caller's role in this vault")
    item_count: int
    created_at: Timestamp
    updated_at: Timestamp


class VaultMember(WireModel):
    vault_id: str
    principal_id: str
    role: VaultRole
    implicit: bool = Field(
        description="True for a human who is admin of every vault without a membership row"
    )
    handle: str
    display_name: str
    kind: str
    added_by: str | None
    added_at: Timestamp | None


# --- items --------------------------------------------------------------------------------


class FieldInput(RequestModel):
    field_key: FieldKey
    plaintext: FieldValue


Fields = dict[FieldKey, FieldValue] | list[FieldInput]


def fields_as_dict(fields: Fields) -> dict[str, str]:
    if isinstance(fields, dict):
        return dict(fields)
    result: dict[str, str] = {}
    for item in fields:
        if item.field_key in result:
            raise ValueError(f"field '{item.field_key}' is given twice")
        result[item.field_key] = item.plaintext
    return result


def _check_fields(value: Fields | None) -> Fields | None:
    if value is None:
        return value
    as_dict = fields_as_dict(value)
    if len(as_dict) > MAX_FIELDS:
        raise ValueError(f"at most {MAX_FIELDS} fields")
    return value


class CreateItemRequest(RequestModel):
    vault_id: Uuid
    name: Name
    type: ItemType
    fields: Fields = Field(
        description='`{"key": "value"}` or `[{"fieldKey": "key", "plaintext": "value"}]`'
    )
    field_hints: dict[FieldKey, FieldHint] | None = None
    url: Url | None = None
    notes: Notes | None = None
    tags: list[Tag] = Field(default_factory=list, max_length=50)
    type_metadata: JsonObject = Field(default_factory=dict)

    @field_validator("fields")
    @classmethod
    def _fields(cls, value: Fields) -> Fields:
        checked = _check_fields(value)
        assert checked is not None
        if not fields_as_dict(checked):
            raise ValueError("at least one field is required")
        return checked


class UpdateItemRequest(RequestModel):
    name: Name | None = None
    fields: Fields | None = Field(default=None, description="Merged into the item's fields")
    field_hints: dict[FieldKey, FieldHint] | None = None
    url: Url | None = None
    notes: Notes | None = None
    tags: list[Tag] | None = Field(default=None, max_length=50)
    type_metadata: JsonObject | None = None

    @field_validator("fields")
    @classmethod
    def _fields(cls, value: Fields | None) -> Fields | None:
        return _check_fields(value)


class RevealRequest(RequestModel):
    fields: list[FieldKey] | None = Field(
        default=None, max_length=MAX_FIELDS, description="Field keys; omit or [] for all"
    )


class ListItemsQuery(RequestModel):
    vault_id: Annotated[str, StringConstraints(max_length=64)] | None = None
    type: ItemType | None = None
    # NUL characters can match no name: they are dropped rather than refused.
    q: Annotated[str, StringConstraints(max_length=200), AfterValidator(_without_nul)] | None = (
        Field(default=None, description="Name contains (any case)")
    )


class VaultItem(WireModel):
    id: str
    workspace_id: str
    vault_id: str
    name: str
    type: ItemType
    url: str | None
    notes: str | None
    tags: list[str]
    type_metadata: dict[str, Any] = Field(
        description="Type-specific data; a totpSecret is stored sealed and never shown here"
    )
    has_totp: bool
    status: str
    created_by: str
    updated_by: str
    last_accessed_at: Timestamp | None
    last_rotated_at: Timestamp | None
    created_at: Timestamp
    updated_at: Timestamp


class VaultAttachment(WireModel):
    id: str
    file_name: str
    content_type: str
    size: int
    uploaded_by: str
    created_at: Timestamp


class ItemDetail(WireModel):
    item: VaultItem
    field_keys: list[str]
    field_hints: dict[str, FieldHint]
    masking_policy: MaskingPolicy
    attachments: list[VaultAttachment] = Field(
        default_factory=list, description="Files attached to the item (uploaded in full)"
    )


class Revealed(WireModel):
    fields: dict[str, str]
    field_hints: dict[str, FieldHint]
    masking_policy: MaskingPolicy


class TotpResponse(WireModel):
    code: str
    expires_in: int = Field(description="Seconds the code stays valid")
    period: int


class ShareItemRequest(RequestModel):
    principal_id: Uuid
    can_reveal: bool = False
    allowed_domains: list[Domain] = Field(default_factory=list, max_length=100)
    expires_at: datetime | None = None


class ItemShare(WireModel):
    item_id: str
    principal_id: str
    can_reveal: bool
    allowed_domains: list[str]
    expires_at: Timestamp | None
    shared_by: str
    created_at: Timestamp


class AttachmentUploadRequest(RequestModel):
    file_name: FileName
    content_type: ContentType = "application/octet-stream"
    size: int = Field(ge=0, description="The file's size in bytes; the upload URL is bound to it")


class AttachmentUrl(WireModel):
    url: str = Field(
        description="Upload: PUT the bytes here with the same Content-Type; download: GET them"
    )
    expires_at: Timestamp
    attachment_id: str
    file_name: str
    content_type: str
    size: int


# --- leases -------------------------------------------------------------------------------


class LeaseRequest(RequestModel):
    item_id: Uuid
    reason: Annotated[str, StringConstraints(max_length=1000), AfterValidator(no_nul)] | None = None
    duration_minutes: int | None = Field(default=None, ge=1, le=MAX_LEASE_MINUTES)
    max_uses: int | None = Field(default=None, ge=1, le=MAX_LEASE_USES)


class ApproveLeaseRequest(RequestModel):
    duration_minutes: int = Field(default=60, ge=1, le=MAX_LEASE_MINUTES)
    max_uses: int | None = Field(default=None, ge=1, le=MAX_LEASE_USES)
    constraints: JsonObject = Field(default_factory=dict)


class ListLeasesQuery(RequestModel):
    status: LeaseStatus | None = None
    item_id: Annotated[str, StringConstraints(max_length=64)] | None = None


class Lease(WireModel):
    id: str
    workspace_id: str
    item_id: str
    vault_id: str
    requester_id: str
    approver_id: str | None
    status: LeaseStatus
    reason: str | None
    duration_minutes: int | None
    max_uses: int | None
    uses_remaining: int | None
    use_count: int
    constraints: dict[str, Any]
    expires_at: Timestamp | None
    decided_at: Timestamp | None
    revoked_at: Timestamp | None
    created_at: Timestamp
    updated_at: Timestamp


class LeaseUse(WireModel):
    fields: dict[str, str]
    uses_remaining: int | None = Field(description="null: the lease has no use limit")


# --- wallet -------------------------------------------------------------------------------


class WalletMemberItem(WireModel):
    id: str
    name: str
    type: ItemType
    vault_id: str
    vault_name: str
    access_type: str = Field(description="`vault_member:<role>`")


class WalletSharedItem(WireModel):
    id: str
    name: str
    type: ItemType
    vault_id: str
    access_type: Literal["share"] = "share"
    can_reveal: bool
    expires_at: Timestamp | None


class WalletLeasedItem(WireModel):
    id: str
    name: str
    type: ItemType
    vault_id: str
    access_type: Literal["lease"] = "lease"
    lease_id: str
    lease_expires_at: Timestamp | None
    uses_remaining: int | None


class Wallet(WireModel):
    member_items: list[WalletMemberItem]
    shared_items: list[WalletSharedItem]
    leased_items: list[WalletLeasedItem]


# --- alerts and events --------------------------------------------------------------------


class CreateAlertRequest(RequestModel):
    vault_id: Uuid | None = None
    item_id: Uuid | None = None
    trigger: AlertTrigger
    destination: AlertDestination
    destination_config: JsonObject = Field(
        default_factory=dict, description="channel: {channelId}; push and email: free-form"
    )
    threshold: int | None = Field(
        default=None, ge=1, le=1_000_000, description="threshold: accesses per hour"
    )


class AlertRule(WireModel):
    id: str
    workspace_id: str
    vault_id: str | None
    item_id: str | None
    trigger: AlertTrigger
    destination: AlertDestination
    destination_config: dict[str, Any]
    threshold: int | None
    created_by: str
    last_fired_at: Timestamp | None
    created_at: Timestamp


class AccessEventsQuery(RequestModel):
    limit: int = Field(default=50, ge=1, le=100, description="1 to 100 (default 50)")
    offset: int = Field(default=0, ge=0, le=1_000_000)


class AccessEvent(WireModel):
    id: str
    workspace_id: str
    vault_id: str | None
    item_id: str | None
    lease_id: str | None
    principal_id: str
    action: str
    outcome: Literal["allowed", "denied"]
    detail: str | None
    fields: list[str] = Field(description="Keys of the fields involved (never values)")
    created_at: Timestamp


class Deleted(WireModel):
    id: str
    deleted: Literal[True] = True
