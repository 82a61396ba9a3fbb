"""`/vault`: vaults, members, items, shares, leases, wallet, alert rules and access events.

Routes parse and call one service unit; reveal, TOTP and lease use return their values only
after the transaction that wrote their access event has committed (the request's transaction
ends before the response is sent).
"""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Body, Path, Query, status

from server_core.features.vault import alerts, leases, service
from server_core.features.vault.errors import AuditUnavailable
from server_core.features.vault.schemas import (
    AccessEvent,
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
    ItemType,
    Lease,
    LeaseRequest,
    LeaseStatus,
    LeaseUse,
    Revealed,
    RevealRequest,
    SetMaskingPolicyRequest,
    ShareItemRequest,
    TotpResponse,
    UpdateItemRequest,
    UpdateVaultRequest,
    Vault,
    VaultItem,
    VaultMember,
    Wallet,
)
from server_core.kernel.errors import AttachmentsUnavailable
from server_core.kernel.http import CallerDep, PlatformDep, TxDep
from server_core.kernel.wire import Envelope, ListEnvelope, Pagination, errors, ok

router = APIRouter(prefix="/vault", tags=["vault"])

VaultId = Annotated[str, Path(description="Vault id")]
ItemId = Annotated[str, Path(description="Item id")]
LeaseId = Annotated[str, Path(description="Lease id")]
PrincipalPath = Annotated[str, Path(description="Principal id")]
# Reveal, TOTP and lease use answer 500 audit_unavailable when the trail cannot be written.
SECRET_ERRORS = errors(400, 401, 403, 404, 409, 413) | {
    500: errors(500)[500] | {"description": AuditUnavailable.default_message}
}


# --- vaults -------------------------------------------------------------------------------


@router.post(
    "/vaults",
    status_code=status.HTTP_201_CREATED,
    responses=errors(400, 401, 413),
    summary="Create a vault (you become its owner)",
)
async def create_vault(body: CreateVaultRequest, caller: CallerDep, tx: TxDep) -> Envelope[Vault]:
    return ok(await tx.unit(partial(service.create_vault, caller=caller, request=body)))


@router.get("/vaults", responses=errors(401), summary="List the vaults you are a member of")
async def list_vaults(caller: CallerDep, tx: TxDep) -> Envelope[list[Vault]]:
    return ok(await tx.run(partial(service.list_vaults, caller=caller)))


@router.get("/vaults/{vid}", responses=errors(401, 404), summary="Get a vault (members)")
async def get_vault(vid: VaultId, caller: CallerDep, tx: TxDep) -> Envelope[Vault]:
    return ok(await tx.run(partial(service.get_vault, caller=caller, vault_id=vid)))


@router.patch(
    "/vaults/{vid}",
    responses=errors(400, 401, 403, 404, 413),
    summary="Update a vault (owners and admins)",
)
async def update_vault(
    vid: VaultId, body: UpdateVaultRequest, caller: CallerDep, tx: TxDep, platform: PlatformDep
) -> Envelope[Vault]:
    return ok(
        await tx.unit(
            partial(
                service.update_vault,
                keyring=platform.keyring,
                caller=caller,
                vault_id=vid,
                request=body,
            )
        )
    )


@router.delete(
    "/vaults/{vid}",
    responses=errors(401, 403, 404),
    summary="Delete a vault with its items (owners only)",
)
async def delete_vault(
    vid: VaultId, caller: CallerDep, tx: TxDep, platform: PlatformDep
) -> Envelope[Vault]:
    return ok(
        await tx.unit(
            partial(service.delete_vault, keyring=platform.keyring, caller=caller, vault_id=vid)
        )
    )


@router.put(
    "/vaults/{vid}/masking-policy",
    responses=errors(400, 401, 403, 404, 413),
    summary="Set or clear (null) the vault's masking policy (owners and admins)",
)
async def set_masking_policy(
    vid: VaultId,
    body: SetMaskingPolicyRequest,
    caller: CallerDep,
    tx: TxDep,
    platform: PlatformDep,
) -> Envelope[Vault]:
    return ok(
        await tx.unit(
            partial(
                service.set_masking_policy,
                keyring=platform.keyring,
                caller=caller,
                vault_id=vid,
                policy=body.masking_policy,
            )
        )
    )


@router.post(
    "/vaults/{vid}/members",
    status_code=status.HTTP_201_CREATED,
    responses=errors(400, 401, 403, 404, 409, 413),
    summary="Add a member or change a member's role (owners and admins)",
)
async def add_member(
    vid: VaultId,
    body: AddVaultMemberRequest,
    caller: CallerDep,
    tx: TxDep,
    platform: PlatformDep,
) -> Envelope[VaultMember]:
    return ok(
        await tx.unit(
            partial(
                service.add_member,
                keyring=platform.keyring,
                caller=caller,
                vault_id=vid,
                request=body,
            )
        )
    )


@router.get(
    "/vaults/{vid}/members",
    responses=errors(401, 404),
    summary="List a vault's members (humans are admins of every vault)",
)
async def list_members(vid: VaultId, caller: CallerDep, tx: TxDep) -> Envelope[list[VaultMember]]:
    return ok(await tx.run(partial(service.list_members, caller=caller, vault_id=vid)))


@router.delete(
    "/vaults/{vid}/members/{pid}",
    responses=errors(401, 403, 404, 409),
    summary="Remove a vault member (owners and admins)",
)
async def remove_member(
    vid: VaultId, pid: PrincipalPath, caller: CallerDep, tx: TxDep, platform: PlatformDep
) -> Envelope[VaultMember]:
    return ok(
        await tx.unit(
            partial(
                service.remove_member,
                keyring=platform.keyring,
                caller=caller,
                vault_id=vid,
                principal_id=pid,
            )
        )
    )


# --- items --------------------------------------------------------------------------------


@router.post(
    "/items",
    status_code=status.HTTP_201_CREATED,
    responses=errors(400, 401, 403, 404, 413),
    summary="Create an item (owners, admins and editors); every field is sealed on its own",
)
async def create_item(
    body: CreateItemRequest, caller: CallerDep, tx: TxDep, platform: PlatformDep
) -> Envelope[ItemDetail]:
    return ok(
        await tx.unit(
            partial(service.create_item, keyring=platform.keyring, caller=caller, request=body)
        )
    )


@router.get("/items", responses=errors(400, 401), summary="List the items you can see")
async def list_items(
    caller: CallerDep,
    tx: TxDep,
    vault_id: Annotated[str | None, Query(alias="vaultId", max_length=64)] = None,
    type: Annotated[ItemType | None, Query()] = None,
    q: Annotated[str | None, Query(max_length=200, description="Name contains (any case)")] = None,
) -> Envelope[list[VaultItem]]:
    if q is not None and "\x00" in q:
        q = q.replace("\x00", "")
    return ok(
        await tx.run(
            partial(service.list_items, caller=caller, vault_id=vault_id, item_type=type, q=q)
        )
    )


@router.get(
    "/items/attachments/{aid}/download-url",
    responses=errors(400, 401),
    summary="Download URL of an attachment (needs the drive: not available yet)",
)
async def attachment_download_url(
    aid: Annotated[str, Path(description="Attachment id")], caller: CallerDep
) -> Envelope[AttachmentUrl]:
    raise AttachmentsUnavailable()


@router.get(
    "/items/{id}",
    responses=errors(401, 404),
    summary="Get an item's metadata, field keys and hints (never values)",
)
async def get_item(id: ItemId, caller: CallerDep, tx: TxDep) -> Envelope[ItemDetail]:
    return ok(await tx.run(partial(service.get_item, caller=caller, item_id=id)))


@router.post(
    "/items/{id}/reveal",
    responses=SECRET_ERRORS,
    summary="Reveal fields (all, or those named); recorded as an access event",
)
async def reveal(
    id: ItemId,
    caller: CallerDep,
    tx: TxDep,
    platform: PlatformDep,
    body: Annotated[RevealRequest | None, Body()] = None,
) -> Envelope[Revealed]:
    return ok(
        await tx.unit(
            partial(
                service.reveal,
                keyring=platform.keyring,
                caller=caller,
                item_id=id,
                field_keys=body.fields if body else None,
            )
        )
    )


@router.post(
    "/items/{id}/totp",
    responses=SECRET_ERRORS,
    summary="The item's current TOTP code; recorded as an access event",
)
async def totp(
    id: ItemId, caller: CallerDep, tx: TxDep, platform: PlatformDep
) -> Envelope[TotpResponse]:
    return ok(
        await tx.unit(partial(service.totp, keyring=platform.keyring, caller=caller, item_id=id))
    )


@router.patch(
    "/items/{id}",
    responses=errors(400, 401, 403, 404, 413),
    summary="Update an item (owners, admins, editors); fields are merged",
)
async def update_item(
    id: ItemId, body: UpdateItemRequest, caller: CallerDep, tx: TxDep, platform: PlatformDep
) -> Envelope[ItemDetail]:
    return ok(
        await tx.unit(
            partial(
                service.update_item,
                keyring=platform.keyring,
                caller=caller,
                item_id=id,
                request=body,
            )
        )
    )


@router.delete(
    "/items/{id}", responses=errors(401, 403, 404), summary="Delete an item (owners and admins)"
)
async def delete_item(
    id: ItemId, caller: CallerDep, tx: TxDep, platform: PlatformDep
) -> Envelope[ItemDetail]:
    return ok(
        await tx.unit(
            partial(service.delete_item, keyring=platform.keyring, caller=caller, item_id=id)
        )
    )


@router.post(
    "/items/{id}/share",
    responses=errors(400, 401, 403, 404, 413),
    summary="Share an item with a principal (owners and admins)",
)
async def share_item(
    id: ItemId, body: ShareItemRequest, caller: CallerDep, tx: TxDep, platform: PlatformDep
) -> Envelope[ItemShare]:
    return ok(
        await tx.unit(
            partial(
                service.share_item,
                keyring=platform.keyring,
                caller=caller,
                item_id=id,
                request=body,
            )
        )
    )


@router.delete(
    "/items/{id}/share/{pid}",
    responses=errors(401, 403, 404),
    summary="Revoke an item's share (owners and admins)",
)
async def revoke_share(
    id: ItemId, pid: PrincipalPath, caller: CallerDep, tx: TxDep, platform: PlatformDep
) -> Envelope[ItemShare]:
    return ok(
        await tx.unit(
            partial(
                service.revoke_share,
                keyring=platform.keyring,
                caller=caller,
                item_id=id,
                principal_id=pid,
            )
        )
    )


@router.post(
    "/items/{id}/attachments/upload-url",
    responses=errors(400, 401, 413),
    summary="Upload URL for an attachment (needs the drive: not available yet)",
)
async def attachment_upload_url(
    id: ItemId, caller: CallerDep, body: AttachmentUploadRequest
) -> Envelope[AttachmentUrl]:
    raise AttachmentsUnavailable()


# --- leases -------------------------------------------------------------------------------


@router.post(
    "/leases/request",
    status_code=status.HTTP_201_CREATED,
    responses=errors(400, 401, 404, 413),
    summary="Request a lease (owners, admins and editors are approved at once)",
)
async def request_lease(
    body: LeaseRequest, caller: CallerDep, tx: TxDep, platform: PlatformDep
) -> Envelope[Lease]:
    return ok(
        await tx.unit(
            partial(leases.request_lease, keyring=platform.keyring, caller=caller, request=body)
        )
    )


@router.get(
    "/leases",
    responses=errors(400, 401),
    summary="List your leases and those of the vaults you approve for",
)
async def list_leases(
    caller: CallerDep,
    tx: TxDep,
    status: Annotated[LeaseStatus | None, Query()] = None,
    item_id: Annotated[str | None, Query(alias="itemId", max_length=64)] = None,
) -> Envelope[list[Lease]]:
    return ok(
        await tx.run(partial(leases.list_leases, caller=caller, status=status, item_id=item_id))
    )


@router.post(
    "/leases/{id}/approve",
    responses=errors(400, 401, 403, 404, 409, 413),
    summary="Approve a pending lease (owners and admins, not its requester)",
)
async def approve_lease(
    id: LeaseId,
    caller: CallerDep,
    tx: TxDep,
    platform: PlatformDep,
    body: Annotated[ApproveLeaseRequest | None, Body()] = None,
) -> Envelope[Lease]:
    return ok(
        await tx.unit(
            partial(
                leases.approve_lease,
                keyring=platform.keyring,
                caller=caller,
                lease_id=id,
                request=body or ApproveLeaseRequest(),
            )
        )
    )


@router.post(
    "/leases/{id}/deny",
    responses=errors(401, 403, 404, 409),
    summary="Deny a pending lease (owners and admins, not its requester)",
)
async def deny_lease(
    id: LeaseId, caller: CallerDep, tx: TxDep, platform: PlatformDep
) -> Envelope[Lease]:
    return ok(
        await tx.unit(
            partial(leases.deny_lease, keyring=platform.keyring, caller=caller, lease_id=id)
        )
    )


@router.post(
    "/leases/{id}/use",
    responses=SECRET_ERRORS,
    summary="Use an active lease: its item's fields, one use spent",
)
async def use_lease(
    id: LeaseId, caller: CallerDep, tx: TxDep, platform: PlatformDep
) -> Envelope[LeaseUse]:
    return ok(
        await tx.unit(
            partial(leases.use_lease, keyring=platform.keyring, caller=caller, lease_id=id)
        )
    )


@router.delete(
    "/leases/{id}",
    responses=errors(401, 404, 409),
    summary="Revoke an active lease (its requester, or the vault's owners and admins)",
)
async def revoke_lease(
    id: LeaseId, caller: CallerDep, tx: TxDep, platform: PlatformDep
) -> Envelope[Lease]:
    return ok(
        await tx.unit(
            partial(leases.revoke_lease, keyring=platform.keyring, caller=caller, lease_id=id)
        )
    )


# --- wallet, alerts, events ---------------------------------------------------------------


@router.get("/wallet", responses=errors(401), summary="Everything you can access (no secrets)")
async def wallet(caller: CallerDep, tx: TxDep) -> Envelope[Wallet]:
    return ok(await tx.run(partial(service.wallet, caller=caller)))


@router.post(
    "/alerts",
    status_code=status.HTTP_201_CREATED,
    responses=errors(400, 401, 403, 404, 413),
    summary="Create an alert rule (workspace-wide: humans; scoped: owners and admins)",
)
async def create_alert(
    body: CreateAlertRequest, caller: CallerDep, tx: TxDep, platform: PlatformDep
) -> Envelope[AlertRule]:
    return ok(
        await tx.unit(
            partial(alerts.create_alert, keyring=platform.keyring, caller=caller, request=body)
        )
    )


@router.get("/alerts", responses=errors(401), summary="List alert rules")
async def list_alerts(caller: CallerDep, tx: TxDep) -> Envelope[list[AlertRule]]:
    return ok(await tx.run(partial(alerts.list_alerts, caller=caller)))


@router.delete("/alerts/{id}", responses=errors(401, 404), summary="Delete an alert rule")
async def delete_alert(
    id: Annotated[str, Path(description="Alert rule id")],
    caller: CallerDep,
    tx: TxDep,
    platform: PlatformDep,
) -> Envelope[AlertRule]:
    return ok(
        await tx.unit(
            partial(alerts.delete_alert, keyring=platform.keyring, caller=caller, alert_id=id)
        )
    )


Limit = Annotated[int, Query(ge=1, le=100, description="1 to 100 (default 50)")]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


def _paged(page: tuple[list[AccessEvent], bool], offset: int) -> ListEnvelope[AccessEvent]:
    events, more = page
    return ListEnvelope[AccessEvent](
        data=events,
        pagination=Pagination(cursor=offset + len(events) if more else None, has_more=more),
    )


@router.get(
    "/events",
    responses=errors(400, 401),
    summary="Access events, newest first (humans: the workspace; agents: vaults they manage)",
)
async def list_events(
    caller: CallerDep, tx: TxDep, limit: Limit = 50, offset: Offset = 0
) -> ListEnvelope[AccessEvent]:
    page = await tx.run(partial(alerts.list_events, caller=caller, limit=limit, offset=offset))
    return _paged(page, offset)


@router.get(
    "/events/items/{id}",
    responses=errors(400, 401, 403, 404),
    summary="An item's access events, newest first (owners and admins of its vault)",
)
async def list_item_events(
    id: ItemId, caller: CallerDep, tx: TxDep, limit: Limit = 50, offset: Offset = 0
) -> ListEnvelope[AccessEvent]:
    page = await tx.run(
        partial(alerts.list_item_events, caller=caller, item_id=id, limit=limit, offset=offset)
    )
    return _paged(page, offset)
