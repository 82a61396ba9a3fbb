"""Toolset `vault`, finding secrets: your wallet (`get_wallet`, the wallet resource),
searching the items you can see (`list_vault_items`) and an item's metadata
(`get_vault_item`). No secret values here.
"""

from __future__ import annotations

from datetime import datetime

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from pydantic import Field

from server_core.features.vault.schemas import ItemDetail, ItemType
from sesame_mcp.notifications import WALLET
from sesame_mcp.registry import ToolInput, ToolOutput
from sesame_mcp.state import Sesame, sesame
from sesame_mcp.toolsets.vault.refs import ITEM_REF, VAULT_REF, resolve_item_id, resolve_vault
from sesame_mcp.toolsets.vault.toolsets import VAULT

ITEM_TYPES = "login, api_key, ssh_key, card, address, note, crypto_wallet, document, config, "
ITEM_TYPES += "env, certificate or token"


class WalletInput(ToolInput):
    pass


class WalletEntry(ToolOutput):
    id: str
    name: str
    type: str
    access: str = Field(description="vault_member:<role>, share, or lease")
    vault: str | None
    lease_id: str | None
    expires_at: datetime | None

    def render(self) -> str:
        where = f" in {self.vault}" if self.vault else ""
        until = f", until {self.expires_at:%Y-%m-%d %H:%M} UTC" if self.expires_at else ""
        lease = f", lease {self.lease_id}" if self.lease_id else ""
        return f"- {self.name} ({self.type}){where} [{self.id}]: {self.access}{lease}{until}"


class WalletOutput(ToolOutput):
    items: list[WalletEntry] = Field(description="Every item you can reach, and how")

    def render(self) -> str:
        if not self.items:
            return "Your wallet is empty: no vault, share or lease gives you an item."
        lines = [f"{len(self.items)} items you can reach (no secret values here):"]
        lines += [item.render() for item in self.items]
        lines.append("Use one with lease_secret (or reveal_secret where your role allows).")
        return "\n".join(lines)


@VAULT.tool(title="My wallet", read_only=True)
async def get_wallet(args: WalletInput, ctx: Context) -> WalletOutput:
    """Everything you can reach in the vault, in one call: items of your vaults (with your
    role), items shared with you, and your active leases. No secret values."""
    return await _wallet(sesame(ctx))


@VAULT.extra
def wallet_resource(server: MCPServer, state: Sesame) -> None:
    @server.resource(
        WALLET,
        name="wallet",
        title="My vault wallet",
        description="Every vault item you can reach and how; no secret values (JSON)",
        mime_type="application/json",
    )
    async def wallet() -> str:
        return (await _wallet(state)).model_dump_json()


async def _wallet(state: Sesame) -> WalletOutput:
    wallet = await state.client.vault.wallet()
    items = [
        WalletEntry(
            id=i.id,
            name=i.name,
            type=i.type,
            access=i.access_type,
            vault=i.vault_name,
            lease_id=None,
            expires_at=None,
        )
        for i in wallet.member_items
    ]
    items += [
        WalletEntry(
            id=i.id,
            name=i.name,
            type=i.type,
            access="share" + ("" if i.can_reveal else " (no reveal)"),
            vault=None,
            lease_id=None,
            expires_at=i.expires_at,
        )
        for i in wallet.shared_items
    ]
    items += [
        WalletEntry(
            id=i.id,
            name=i.name,
            type=i.type,
            access="lease",
            vault=None,
            lease_id=i.lease_id,
            expires_at=i.lease_expires_at,
        )
        for i in wallet.leased_items
    ]
    return WalletOutput(items=items)


class ListItemsInput(ToolInput):
    query: str | None = Field(
        default=None, max_length=200, description="Part of the item's name (any case)"
    )
    vault: str | None = Field(default=None, max_length=200, description=VAULT_REF)
    type: ItemType | None = Field(
        default=None, description=f"Only items of this type: {ITEM_TYPES}"
    )


class ItemView(ToolOutput):
    id: str
    name: str
    type: str
    vault_id: str
    tags: list[str]
    url: str | None
    has_totp: bool
    last_rotated_at: datetime | None

    def render(self) -> str:
        extras = [f"tags {', '.join(self.tags)}"] if self.tags else []
        extras += ["TOTP"] if self.has_totp else []
        tail = f" ({'; '.join(extras)})" if extras else ""
        return f"- {self.name} ({self.type}) [{self.id}]{tail}"


class ItemsOutput(ToolOutput):
    items: list[ItemView] = Field(description="Matching items, metadata only")

    def render(self) -> str:
        if not self.items:
            return "No item you can see matches."
        return "\n".join([f"{len(self.items)} items:", *(item.render() for item in self.items)])


@VAULT.tool(title="Find vault items", read_only=True)
async def list_vault_items(args: ListItemsInput, ctx: Context) -> ItemsOutput:
    """Search the items you can see by name, vault or type. Metadata only, no values."""
    state = sesame(ctx)
    vault_id = (await resolve_vault(state, args.vault)).id if args.vault else None
    items = await state.client.vault.list_items(vault_id=vault_id, type=args.type, q=args.query)
    return ItemsOutput(items=[ItemView.model_validate(item) for item in items])


class GetItemInput(ToolInput):
    item: str = Field(min_length=1, max_length=200, description=ITEM_REF)
    vault: str | None = Field(
        default=None, max_length=200, description="The item's vault, when its name is not unique"
    )


class ItemDetailOutput(ToolOutput):
    item: ItemView
    fields: dict[str, str] = Field(description="Field key → hint (password, username, …)")
    always_masked: list[str] = Field(description="Hints the vault masks on reveal")
    attachments: dict[str, str] = Field(
        default_factory=dict,
        description="Attachment id → file name (get_vault_attachment fetches one)",
    )

    @staticmethod
    def of(detail: ItemDetail) -> ItemDetailOutput:
        return ItemDetailOutput(
            item=ItemView.model_validate(detail.item),
            fields={key: detail.field_hints.get(key, "other") for key in detail.field_keys},
            always_masked=list(detail.masking_policy.always_mask),
            attachments={attached.id: attached.file_name for attached in detail.attachments},
        )

    def render(self) -> str:
        fields = ", ".join(f"{key} ({hint})" for key, hint in self.fields.items())
        masked = (
            f" Masked on reveal: {', '.join(self.always_masked)}." if self.always_masked else ""
        )
        attached = "".join(
            f" Attachment: {name} [{attachment_id}]."
            for attachment_id, name in self.attachments.items()
        )
        return f"{self.item.render()[2:]}. Fields: {fields or 'none'}.{masked}{attached}"


@VAULT.tool(title="Vault item details", read_only=True)
async def get_vault_item(args: GetItemInput, ctx: Context) -> ItemDetailOutput:
    """An item's metadata: its fields with their hints, tags, URL. Never values."""
    state = sesame(ctx)
    detail = await state.client.vault.get_item(await resolve_item_id(state, args.item, args.vault))
    return ItemDetailOutput.of(detail)
