"""Toolset `vault_admin`, who reaches what (owners and admins of the vault): a vault's members
(add one with a role, change a member's role, take one out; only owners grant or take the
owner role, and a vault keeps at least one owner), and one item at a time: share it with a
principal outside its vault, end the share, or delete the item with its values and shares.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from mcp.server.mcpserver import Context
from pydantic import Field

from server_core.features.vault.schemas import ItemShare, VaultRole
from sesame_mcp.registry import ToolInput, ToolOutput
from sesame_mcp.state import sesame
from sesame_mcp.toolsets.messaging import refs
from sesame_mcp.toolsets.messaging.views import quote
from sesame_mcp.toolsets.vault.refs import ITEM_REF, VAULT_REF, resolve_item_id, resolve_vault
from sesame_mcp.toolsets.vault.toolsets import VAULT_ADMIN
from sesame_mcp.toolsets.vault.views import VaultMemberView

ITEM_VAULT = "The item's vault, when its name is not unique"
ROLES = "owner, admin, editor, viewer or use_only (reaches items through approved leases only)"


class VaultMemberOutput(ToolOutput):
    vault: str = Field(description="The vault's name")
    member: VaultMemberView
    action: Literal["added", "removed"]

    def render(self) -> str:
        if self.action == "removed":
            return f"Removed @{self.member.handle} from vault {self.vault}."
        return f"@{self.member.handle} is {self.member.role} of vault {self.vault}."


class AddVaultMemberInput(ToolInput):
    vault: str = Field(min_length=1, max_length=200, description=VAULT_REF)
    principal: str = Field(min_length=1, max_length=100, description=refs.PRINCIPAL_REF)
    role: VaultRole = Field(description=f"The role: {ROLES}")


@VAULT_ADMIN.tool(title="Add a vault member", read_only=False, destructive=True, idempotent=True)
async def add_vault_member(args: AddVaultMemberInput, ctx: Context) -> VaultMemberOutput:
    """Add a human or agent to a vault with a role, or change a member's role (owners and
    admins; only owners grant or take the owner role)."""
    state = sesame(ctx)
    vault = await resolve_vault(state, args.vault)
    principal = await refs.resolve_principal(state, args.principal)
    member = await state.client.vault.add_member(vault.id, principal.id, args.role)
    return VaultMemberOutput(
        vault=vault.name, member=VaultMemberView.model_validate(member), action="added"
    )


class RemoveVaultMemberInput(ToolInput):
    vault: str = Field(min_length=1, max_length=200, description=VAULT_REF)
    principal: str = Field(min_length=1, max_length=100, description=refs.PRINCIPAL_REF)


@VAULT_ADMIN.tool(title="Remove a vault member", read_only=False, destructive=True, idempotent=True)
async def remove_vault_member(args: RemoveVaultMemberInput, ctx: Context) -> VaultMemberOutput:
    """Take a member out of a vault (owners and admins; a vault keeps at least one owner)."""
    state = sesame(ctx)
    vault = await resolve_vault(state, args.vault)
    principal = await refs.resolve_principal(state, args.principal)
    member = await state.client.vault.remove_member(vault.id, principal.id)
    return VaultMemberOutput(
        vault=vault.name, member=VaultMemberView.model_validate(member), action="removed"
    )


class ShareOutput(ToolOutput):
    item_id: str
    principal: str = Field(description="The principal's handle")
    action: Literal["shared", "unshared"]
    can_reveal: bool
    allowed_domains: list[str]
    expires_at: datetime | None

    @staticmethod
    def of(share: ItemShare, handle: str, action: Literal["shared", "unshared"]) -> ShareOutput:
        return ShareOutput(
            item_id=share.item_id,
            principal=handle,
            action=action,
            can_reveal=share.can_reveal,
            allowed_domains=list(share.allowed_domains),
            expires_at=share.expires_at,
        )

    def render(self) -> str:
        if self.action == "unshared":
            return f"Item {self.item_id} is no longer shared with @{self.principal}."
        how = "may reveal it" if self.can_reveal else "sees it without revealing"
        domains = f", for {', '.join(self.allowed_domains)}" if self.allowed_domains else ""
        until = f", until {self.expires_at:%Y-%m-%d %H:%M} UTC" if self.expires_at else ""
        return f"Shared item {self.item_id} with @{self.principal}: {how}{domains}{until}."


class ShareItemInput(ToolInput):
    item: str = Field(min_length=1, max_length=200, description=ITEM_REF)
    vault: str | None = Field(default=None, max_length=200, description=ITEM_VAULT)
    principal: str = Field(min_length=1, max_length=100, description=refs.PRINCIPAL_REF)
    can_reveal: bool = Field(default=False, description="May decrypt it (default: metadata only)")
    allowed_domains: list[str] | None = Field(
        default=None, max_length=100, description="Only for these domains, e.g. example.com"
    )
    expires_at: datetime | None = Field(
        default=None, description="When the share ends (ISO 8601, in the future)"
    )


@VAULT_ADMIN.tool(title="Share a vault item", read_only=False, destructive=True, idempotent=True)
async def share_vault_item(args: ShareItemInput, ctx: Context) -> ShareOutput:
    """Share one item with a principal outside its vault (owners and admins); sharing again
    replaces the share's settings."""
    state = sesame(ctx)
    item_id = await resolve_item_id(state, args.item, args.vault)
    principal = await refs.resolve_principal(state, args.principal)
    share = await state.client.vault.share(
        item_id,
        principal.id,
        can_reveal=args.can_reveal,
        allowed_domains=args.allowed_domains,
        expires_at=args.expires_at,
    )
    return ShareOutput.of(share, principal.handle, "shared")


class UnshareItemInput(ToolInput):
    item: str = Field(min_length=1, max_length=200, description=ITEM_REF)
    vault: str | None = Field(default=None, max_length=200, description=ITEM_VAULT)
    principal: str = Field(min_length=1, max_length=100, description=refs.PRINCIPAL_REF)


@VAULT_ADMIN.tool(title="Unshare a vault item", read_only=False, destructive=True, idempotent=True)
async def unshare_vault_item(args: UnshareItemInput, ctx: Context) -> ShareOutput:
    """End an item's share with a principal (owners and admins)."""
    state = sesame(ctx)
    item_id = await resolve_item_id(state, args.item, args.vault)
    principal = await refs.resolve_principal(state, args.principal)
    share = await state.client.vault.revoke_share(item_id, principal.id)
    return ShareOutput.of(share, principal.handle, "unshared")


class DeleteItemInput(ToolInput):
    item: str = Field(min_length=1, max_length=200, description=ITEM_REF)
    vault: str | None = Field(default=None, max_length=200, description=ITEM_VAULT)


class ItemDeletedOutput(ToolOutput):
    item_id: str
    name: str
    vault_id: str

    def render(self) -> str:
        return f"Deleted item {quote(self.name)} [{self.item_id}] with its values and shares."


@VAULT_ADMIN.tool(title="Delete a vault item", read_only=False, destructive=True, idempotent=True)
async def delete_vault_item(args: DeleteItemInput, ctx: Context) -> ItemDeletedOutput:
    """Delete an item and its secret values (owners and admins of its vault). It cannot be
    undone."""
    state = sesame(ctx)
    item_id = await resolve_item_id(state, args.item, args.vault)
    gone = await state.client.vault.delete_item(item_id)
    return ItemDeletedOutput(item_id=gone.item.id, name=gone.item.name, vault_id=gone.item.vault_id)
