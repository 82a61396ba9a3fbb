"""`client.vault`: vaults and their members, items (metadata, reveal, TOTP, shares), leases
(request, approve, deny, use, revoke), the wallet, alert rules and the access trail.

Only `reveal`, `totp` and `use_lease` answer with secret values; everything else is metadata.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from server_core.features.vault.schemas import (
    AccessEvent,
    AddVaultMemberRequest,
    AlertDestination,
    AlertRule,
    AlertTrigger,
    ApproveLeaseRequest,
    CreateAlertRequest,
    CreateItemRequest,
    CreateVaultRequest,
    FieldHint,
    ItemDetail,
    ItemShare,
    ItemType,
    Lease,
    LeaseRequest,
    LeaseStatus,
    LeaseUse,
    MaskingPolicy,
    Revealed,
    RevealRequest,
    SensitivityLabel,
    SetMaskingPolicyRequest,
    ShareItemRequest,
    TotpResponse,
    UpdateItemRequest,
    UpdateVaultRequest,
    Vault,
    VaultItem,
    VaultMember,
    VaultRole,
    Wallet,
)
from sesame_mcp.client.wire import UNSET, Page, Unset, body, patch, path, query

if TYPE_CHECKING:
    from sesame_mcp.client.rest import SesameClient

# Named once: inside the class, `list` would be a method.
Vaults = list[Vault]
Members = list[VaultMember]
Items = list[VaultItem]
Leases = list[Lease]
AlertRules = list[AlertRule]


class VaultApi:
    """The caller's vaults. Roles decide what a principal may do: owners and admins
    everything, editors all but delete and members, viewers reveal, `use_only` members only
    through an approved lease."""

    def __init__(self, client: SesameClient) -> None:
        self._client = client

    # --- vaults -----------------------------------------------------------------------------

    async def create_vault(
        self,
        name: str,
        *,
        description: str | None = None,
        sensitivity_label: SensitivityLabel | None = None,
        masking_policy: MaskingPolicy | None = None,
    ) -> Vault:
        """A new vault; the caller owns it (and every human of the workspace is its admin)."""
        request = body(
            CreateVaultRequest,
            name=name,
            description=description,
            sensitivity_label=sensitivity_label,
            masking_policy=masking_policy,
        )
        return await self._client.call("POST", "/vault/vaults", Vault, json=request)

    async def list_vaults(self) -> Vaults:
        return await self._client.call("GET", "/vault/vaults", Vaults)

    async def get_vault(self, vault_id: str) -> Vault:
        return await self._client.call("GET", path("vault", "vaults", vault_id), Vault)

    async def update_vault(
        self,
        vault_id: str,
        *,
        name: str | Unset = UNSET,
        description: str | Unset | None = UNSET,
        sensitivity_label: SensitivityLabel | Unset = UNSET,
    ) -> Vault:
        request = patch(
            UpdateVaultRequest,
            name=name,
            description=description,
            sensitivity_label=sensitivity_label,
        )
        return await self._client.call(
            "PATCH", path("vault", "vaults", vault_id), Vault, json=request
        )

    async def delete_vault(self, vault_id: str) -> Vault:
        """Delete a vault with its items (owners only)."""
        return await self._client.call("DELETE", path("vault", "vaults", vault_id), Vault)

    async def set_masking_policy(self, vault_id: str, policy: MaskingPolicy | None) -> Vault:
        """Set the policy, or clear it with None."""
        request = patch(SetMaskingPolicyRequest, masking_policy=policy)
        where = path("vault", "vaults", vault_id, "masking-policy")
        return await self._client.call("PUT", where, Vault, json=request)

    async def add_member(self, vault_id: str, principal_id: str, role: VaultRole) -> VaultMember:
        request = body(AddVaultMemberRequest, principal_id=principal_id, role=role)
        where = path("vault", "vaults", vault_id, "members")
        return await self._client.call("POST", where, VaultMember, json=request)

    async def list_members(self, vault_id: str) -> Members:
        return await self._client.call("GET", path("vault", "vaults", vault_id, "members"), Members)

    async def remove_member(self, vault_id: str, principal_id: str) -> VaultMember:
        where = path("vault", "vaults", vault_id, "members", principal_id)
        return await self._client.call("DELETE", where, VaultMember)

    # --- items ------------------------------------------------------------------------------

    async def create_item(
        self,
        vault_id: str,
        name: str,
        type: ItemType,
        fields: dict[str, str],
        *,
        field_hints: dict[str, FieldHint] | None = None,
        url: str | None = None,
        notes: str | None = None,
        tags: list[str] | None = None,
        type_metadata: dict[str, Any] | None = None,
    ) -> ItemDetail:
        """A new item; its fields are encrypted one by one. Hints not given are inferred from
        the field keys."""
        request = body(
            CreateItemRequest,
            vault_id=vault_id,
            name=name,
            type=type,
            fields=fields,
            field_hints=field_hints,
            url=url,
            notes=notes,
            tags=tags,
            type_metadata=type_metadata,
        )
        return await self._client.call("POST", "/vault/items", ItemDetail, json=request)

    async def list_items(
        self,
        *,
        vault_id: str | None = None,
        type: ItemType | None = None,
        q: str | None = None,
    ) -> Items:
        """The items the caller can see: in its vaults, shared with it, or leased to it."""
        params = query(vault_id=vault_id, type=type, q=q)
        return await self._client.call("GET", "/vault/items", Items, params=params)

    async def get_item(self, item_id: str) -> ItemDetail:
        """An item's metadata, field keys and hints: never values."""
        return await self._client.call("GET", path("vault", "items", item_id), ItemDetail)

    async def reveal(self, item_id: str, fields: list[str] | None = None) -> Revealed:
        """Decrypt fields (all when `fields` is None), masked by the vault's policy. Writes an
        access event; no values come back unless it was written."""
        request = body(RevealRequest, fields=fields)
        where = path("vault", "items", item_id, "reveal")
        return await self._client.call("POST", where, Revealed, json=request)

    async def totp(self, item_id: str) -> TotpResponse:
        """The current TOTP code of an item with a `totp` field or `typeMetadata.totpSecret`."""
        return await self._client.call(
            "POST", path("vault", "items", item_id, "totp"), TotpResponse
        )

    async def update_item(
        self,
        item_id: str,
        *,
        name: str | Unset = UNSET,
        fields: dict[str, str] | Unset = UNSET,
        field_hints: dict[str, FieldHint] | Unset = UNSET,
        url: str | Unset | None = UNSET,
        notes: str | Unset | None = UNSET,
        tags: list[str] | Unset = UNSET,
        type_metadata: dict[str, Any] | Unset = UNSET,
    ) -> ItemDetail:
        """Change an item; `fields` are merged into its fields (and mark it rotated)."""
        request = patch(
            UpdateItemRequest,
            name=name,
            fields=fields,
            field_hints=field_hints,
            url=url,
            notes=notes,
            tags=tags,
            type_metadata=type_metadata,
        )
        where = path("vault", "items", item_id)
        return await self._client.call("PATCH", where, ItemDetail, json=request)

    async def delete_item(self, item_id: str) -> ItemDetail:
        return await self._client.call("DELETE", path("vault", "items", item_id), ItemDetail)

    async def share(
        self,
        item_id: str,
        principal_id: str,
        *,
        can_reveal: bool = False,
        allowed_domains: list[str] | None = None,
        expires_at: datetime | None = None,
    ) -> ItemShare:
        request = body(
            ShareItemRequest,
            principal_id=principal_id,
            can_reveal=can_reveal,
            allowed_domains=allowed_domains,
            expires_at=expires_at,
        )
        where = path("vault", "items", item_id, "share")
        return await self._client.call("POST", where, ItemShare, json=request)

    async def revoke_share(self, item_id: str, principal_id: str) -> ItemShare:
        where = path("vault", "items", item_id, "share", principal_id)
        return await self._client.call("DELETE", where, ItemShare)

    # --- leases -----------------------------------------------------------------------------

    async def request_lease(
        self,
        item_id: str,
        *,
        reason: str | None = None,
        duration_minutes: int | None = None,
        max_uses: int | None = None,
    ) -> Lease:
        """Ask for access: `active` at once for owners, admins and editors, else `pending`
        until an approver decides."""
        request = body(
            LeaseRequest,
            item_id=item_id,
            reason=reason,
            duration_minutes=duration_minutes,
            max_uses=max_uses,
        )
        return await self._client.call("POST", "/vault/leases/request", Lease, json=request)

    async def list_leases(
        self, *, status: LeaseStatus | None = None, item_id: str | None = None
    ) -> Leases:
        params = query(status=status, item_id=item_id)
        return await self._client.call("GET", "/vault/leases", Leases, params=params)

    async def approve_lease(
        self,
        lease_id: str,
        *,
        duration_minutes: int | None = None,
        max_uses: int | None = None,
        constraints: dict[str, Any] | None = None,
    ) -> Lease:
        request = body(
            ApproveLeaseRequest,
            duration_minutes=duration_minutes,
            max_uses=max_uses,
            constraints=constraints,
        )
        where = path("vault", "leases", lease_id, "approve")
        return await self._client.call("POST", where, Lease, json=request)

    async def deny_lease(self, lease_id: str) -> Lease:
        return await self._client.call("POST", path("vault", "leases", lease_id, "deny"), Lease)

    async def use_lease(self, lease_id: str) -> LeaseUse:
        """Spend one use: the item's fields, decrypted, and the uses left."""
        return await self._client.call("POST", path("vault", "leases", lease_id, "use"), LeaseUse)

    async def revoke_lease(self, lease_id: str) -> Lease:
        return await self._client.call("DELETE", path("vault", "leases", lease_id), Lease)

    # --- wallet, alerts, trail --------------------------------------------------------------

    async def wallet(self) -> Wallet:
        """Everything the caller can access, in one call: no secrets."""
        return await self._client.call("GET", "/vault/wallet", Wallet)

    async def create_alert(
        self,
        trigger: AlertTrigger,
        destination: AlertDestination,
        *,
        vault_id: str | None = None,
        item_id: str | None = None,
        destination_config: dict[str, Any] | None = None,
        threshold: int | None = None,
    ) -> AlertRule:
        request = body(
            CreateAlertRequest,
            trigger=trigger,
            destination=destination,
            vault_id=vault_id,
            item_id=item_id,
            destination_config=destination_config,
            threshold=threshold,
        )
        return await self._client.call("POST", "/vault/alerts", AlertRule, json=request)

    async def list_alerts(self) -> AlertRules:
        return await self._client.call("GET", "/vault/alerts", AlertRules)

    async def delete_alert(self, alert_id: str) -> AlertRule:
        return await self._client.call("DELETE", path("vault", "alerts", alert_id), AlertRule)

    async def events(
        self, *, item_id: str | None = None, limit: int | None = None, offset: int | None = None
    ) -> Page[AccessEvent]:
        """Access events, newest first: the workspace's, or one item's."""
        where = "/vault/events" if item_id is None else path("vault", "events", "items", item_id)
        return await self._client.page(where, AccessEvent, query(limit=limit, offset=offset))
