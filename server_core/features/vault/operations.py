"""`/vault`: vaults, members, the masking policy, items (reveal, TOTP, shares, attachments),
leases, the wallet, alert rules and access events.

Reveal, TOTP and lease use answer their values only once the transaction that wrote their
access event has committed; when it cannot be written they answer 500 `audit_unavailable`.
"""

from __future__ import annotations

from server_core.features.drive.errors import FileTooLarge, UploadIncomplete
from server_core.features.vault.errors import (
    AuditUnavailable,
    FieldUnreadable,
    InvalidTotpSecret,
    LeaseNotActive,
    LeaseNotPending,
    NoTotpSecret,
    UnknownField,
    VaultAccessDenied,
    VaultNotFound,
)
from server_core.features.vault.schemas import (
    AccessEvent,
    AccessEventsQuery,
    AddVaultMemberRequest,
    AlertRule,
    ApproveLeaseRequest,
    AttachmentUploadRequest,
    AttachmentUrl,
    CreateAlertRequest,
    CreateItemRequest,
    CreateVaultRequest,
    ItemDetail,
    ItemShare,
    Lease,
    LeaseRequest,
    LeaseUse,
    ListItemsQuery,
    ListLeasesQuery,
    Revealed,
    RevealRequest,
    SetMaskingPolicyRequest,
    ShareItemRequest,
    TotpResponse,
    UpdateItemRequest,
    UpdateVaultRequest,
    VaultAttachment,
    VaultItem,
    VaultMember,
    Wallet,
)
from server_core.features.vault.schemas import Vault as VaultRecord
from server_core.kernel.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    PayloadTooLarge,
)
from server_core.kernel.operations import Operation, Operations, PathParam
from server_core.kernel.wire import Page

VAULT = PathParam("vid", "vault_id", "Vault id")
ITEM = PathParam("id", "item_id", "Item id")
LEASE = PathParam("id", "lease_id", "Lease id")
ALERT = PathParam("id", "alert_id", "Alert rule id")
PRINCIPAL = PathParam("pid", "principal_id", "Principal id")
ATTACHMENT = PathParam("aid", "attachment_id", "Attachment id")

Vaults = list[VaultRecord]
Members = list[VaultMember]
Items = list[VaultItem]
Leases = list[Lease]
AlertRules = list[AlertRule]

# What a request that hands out secret values may also answer: the trail could not be written
# (nothing is revealed), or a stored field does not open.
SECRET_FAILURES = [AuditUnavailable, FieldUnreadable]


class Vault(Operations):
    """The caller's vaults. Roles decide what a principal may do: owners and admins
    everything, editors all but delete and members, viewers reveal, `use_only` members only
    through an approved lease. Only `reveal`, `totp` and `use_lease` answer secret values."""

    area = "vault"

    # --- vaults ---------------------------------------------------------------------------

    create_vault = Operation(
        "POST",
        "/vault/vaults",
        body=CreateVaultRequest,
        response=VaultRecord,
        status=201,
        summary="Create a vault (you become its owner)",
    )
    list_vaults = Operation(
        "GET", "/vault/vaults", response=Vaults, summary="List the vaults you are a member of"
    )
    get_vault = Operation(
        "GET",
        "/vault/vaults/{vid}",
        params=[VAULT],
        response=VaultRecord,
        errors=[NotFound],
        summary="Get a vault (members)",
    )
    update_vault = Operation(
        "PATCH",
        "/vault/vaults/{vid}",
        params=[VAULT],
        body=UpdateVaultRequest,
        response=VaultRecord,
        idempotent=True,
        errors=[BadRequest, VaultAccessDenied, VaultNotFound],
        summary="Update a vault (owners and admins)",
    )
    delete_vault = Operation(
        "DELETE",
        "/vault/vaults/{vid}",
        params=[VAULT],
        response=VaultRecord,
        errors=[VaultAccessDenied, VaultNotFound],
        summary="Delete a vault with its items (owners only)",
    )
    set_masking_policy = Operation(
        "PUT",
        "/vault/vaults/{vid}/masking-policy",
        params=[VAULT],
        body=SetMaskingPolicyRequest,
        response=VaultRecord,
        errors=[VaultAccessDenied, VaultNotFound],
        summary="Set or clear (null) the vault's masking policy (owners and admins)",
    )

    # --- members --------------------------------------------------------------------------

    add_member = Operation(
        "POST",
        "/vault/vaults/{vid}/members",
        params=[VAULT],
        body=AddVaultMemberRequest,
        response=VaultMember,
        status=201,
        idempotent=True,
        errors=[VaultAccessDenied, VaultNotFound, Conflict],
        summary="Add a member or change a member's role (owners and admins)",
    )
    list_members = Operation(
        "GET",
        "/vault/vaults/{vid}/members",
        params=[VAULT],
        response=Members,
        errors=[NotFound],
        summary="List a vault's members (humans are admins of every vault)",
    )
    remove_member = Operation(
        "DELETE",
        "/vault/vaults/{vid}/members/{pid}",
        params=[VAULT, PRINCIPAL],
        response=VaultMember,
        errors=[VaultAccessDenied, VaultNotFound, Conflict],
        summary="Remove a vault member (owners and admins)",
    )

    # --- items ----------------------------------------------------------------------------

    create_item = Operation(
        "POST",
        "/vault/items",
        body=CreateItemRequest,
        response=ItemDetail,
        status=201,
        errors=[BadRequest, VaultAccessDenied, VaultNotFound],
        summary="Create an item (owners, admins and editors); every field is sealed on its own",
    )
    list_items = Operation(
        "GET",
        "/vault/items",
        query=ListItemsQuery,
        response=Items,
        summary="List the items you can see",
    )
    attachment_download_url = Operation(
        "GET",
        "/vault/items/attachments/{aid}/download-url",
        params=[ATTACHMENT],
        response=AttachmentUrl,
        transaction="write",  # the download is recorded on the access trail
        errors=[NotFound, VaultAccessDenied, VaultNotFound, UploadIncomplete, AuditUnavailable],
        summary="Download URL of an item's attachment (those who may reveal the item); "
        "recorded as an access event",
    )
    get_item = Operation(
        "GET",
        "/vault/items/{id}",
        params=[ITEM],
        response=ItemDetail,
        errors=[NotFound],
        summary="Get an item's metadata, field keys and hints (never values)",
    )
    reveal = Operation(
        "POST",
        "/vault/items/{id}/reveal",
        params=[ITEM],
        body=RevealRequest,
        body_required=False,
        response=Revealed,
        errors=[UnknownField, VaultAccessDenied, VaultNotFound, Conflict, *SECRET_FAILURES],
        summary="Reveal fields (all, or those named); recorded as an access event",
    )
    totp = Operation(
        "POST",
        "/vault/items/{id}/totp",
        params=[ITEM],
        response=TotpResponse,
        errors=[
            NoTotpSecret,
            InvalidTotpSecret,
            VaultAccessDenied,
            VaultNotFound,
            Conflict,
            PayloadTooLarge,
            *SECRET_FAILURES,
        ],
        summary="The item's current TOTP code; recorded as an access event",
    )
    update_item = Operation(
        "PATCH",
        "/vault/items/{id}",
        params=[ITEM],
        body=UpdateItemRequest,
        response=ItemDetail,
        idempotent=True,
        errors=[BadRequest, VaultAccessDenied, VaultNotFound],
        summary="Update an item (owners, admins, editors); fields are merged",
    )
    delete_item = Operation(
        "DELETE",
        "/vault/items/{id}",
        params=[ITEM],
        response=ItemDetail,
        errors=[VaultAccessDenied, VaultNotFound],
        summary="Delete an item (owners and admins)",
    )
    share = Operation(
        "POST",
        "/vault/items/{id}/share",
        params=[ITEM],
        body=ShareItemRequest,
        response=ItemShare,
        idempotent=True,
        errors=[BadRequest, VaultAccessDenied, VaultNotFound],
        summary="Share an item with a principal (owners and admins)",
    )
    revoke_share = Operation(
        "DELETE",
        "/vault/items/{id}/share/{pid}",
        params=[ITEM, PRINCIPAL],
        response=ItemShare,
        errors=[VaultAccessDenied, VaultNotFound],
        summary="Revoke an item's share (owners and admins)",
    )
    attachment_upload_url = Operation(
        "POST",
        "/vault/items/{id}/attachments/upload-url",
        params=[ITEM],
        body=AttachmentUploadRequest,
        response=AttachmentUrl,
        errors=[FileTooLarge, VaultAccessDenied, VaultNotFound],
        summary="Upload URL for an attachment to an item (owners, admins, editors); "
        "PUT the bytes there, sealed at rest",
    )
    delete_attachment = Operation(
        "DELETE",
        "/vault/items/{id}/attachments/{aid}",
        params=[ITEM, ATTACHMENT],
        response=VaultAttachment,
        errors=[VaultAccessDenied, VaultNotFound],
        summary="Delete an attachment of an item (owners, admins, editors); its sealed bytes "
        "are removed",
    )

    # --- leases ---------------------------------------------------------------------------

    request_lease = Operation(
        "POST",
        "/vault/leases/request",
        body=LeaseRequest,
        response=Lease,
        status=201,
        errors=[VaultNotFound],
        summary="Request a lease (owners, admins and editors are approved at once)",
    )
    list_leases = Operation(
        "GET",
        "/vault/leases",
        query=ListLeasesQuery,
        response=Leases,
        summary="List your leases and those of the vaults you approve for",
    )
    approve_lease = Operation(
        "POST",
        "/vault/leases/{id}/approve",
        params=[LEASE],
        body=ApproveLeaseRequest,
        body_required=False,
        response=Lease,
        errors=[VaultAccessDenied, VaultNotFound, LeaseNotPending],
        summary="Approve a pending lease (owners and admins, not its requester)",
    )
    deny_lease = Operation(
        "POST",
        "/vault/leases/{id}/deny",
        params=[LEASE],
        response=Lease,
        errors=[VaultAccessDenied, VaultNotFound, LeaseNotPending],
        summary="Deny a pending lease (owners and admins, not its requester)",
    )
    use_lease = Operation(
        "POST",
        "/vault/leases/{id}/use",
        params=[LEASE],
        response=LeaseUse,
        errors=[
            VaultAccessDenied,
            VaultNotFound,
            LeaseNotActive,
            PayloadTooLarge,
            *SECRET_FAILURES,
        ],
        summary="Use an active lease: its item's fields, one use spent",
    )
    revoke_lease = Operation(
        "DELETE",
        "/vault/leases/{id}",
        params=[LEASE],
        response=Lease,
        errors=[VaultNotFound, LeaseNotActive],
        summary="Revoke an active lease (its requester, or the vault's owners and admins)",
    )

    # --- wallet, alerts, access events ----------------------------------------------------

    wallet = Operation(
        "GET", "/vault/wallet", response=Wallet, summary="Everything you can access (no secrets)"
    )
    create_alert = Operation(
        "POST",
        "/vault/alerts",
        body=CreateAlertRequest,
        response=AlertRule,
        status=201,
        errors=[BadRequest, VaultAccessDenied, VaultNotFound],
        summary="Create an alert rule (workspace-wide: humans; scoped: owners and admins)",
    )
    list_alerts = Operation("GET", "/vault/alerts", response=AlertRules, summary="List alert rules")
    delete_alert = Operation(
        "DELETE",
        "/vault/alerts/{id}",
        params=[ALERT],
        response=AlertRule,
        errors=[NotFound],
        summary="Delete an alert rule",
    )
    events = Operation(
        "GET",
        "/vault/events",
        query=AccessEventsQuery,
        response=Page[AccessEvent],
        summary="Access events, newest first (humans: the workspace; agents: vaults they manage)",
    )
    item_events = Operation(
        "GET",
        "/vault/events/items/{id}",
        params=[ITEM],
        query=AccessEventsQuery,
        response=Page[AccessEvent],
        errors=[Forbidden, NotFound],
        summary="An item's access events, newest first (owners and admins of its vault)",
    )
