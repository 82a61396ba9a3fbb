"""Toolset `vault`, keeping items (editors and up): store a new secret, change an item or
rotate some of its values. These tools store secrets on purpose: the outbound guard lets
them through.
"""

from __future__ import annotations

from mcp.server.mcpserver import Context
from pydantic import Field

from server_core.features.vault.schemas import FieldHint, ItemType
from sesame_mcp.registry import ToolFailure, ToolInput
from sesame_mcp.state import sesame
from sesame_mcp.toolsets.vault.refs import ITEM_REF, VAULT_REF, resolve_item_id, resolve_vault
from sesame_mcp.toolsets.vault.toolsets import VAULT
from sesame_mcp.toolsets.vault.wallet import ITEM_TYPES, ItemDetailOutput


class CreateItemInput(ToolInput):
    vault: str = Field(min_length=1, max_length=200, description=VAULT_REF)
    name: str = Field(min_length=1, max_length=200, description="The item's name")
    type: ItemType = Field(description=f"The item's type: {ITEM_TYPES}")
    fields: dict[str, str] = Field(
        min_length=1, description="Field key → secret value, e.g. {'password': '…'}"
    )
    field_hints: dict[str, FieldHint] | None = Field(
        default=None, description="Field key → hint (password, username, totp, …); inferred"
    )
    url: str | None = Field(default=None, max_length=2048, description="Where it is used")
    notes: str | None = Field(default=None, max_length=10_000, description="Notes (not secret)")
    tags: list[str] | None = Field(default=None, max_length=50, description="Labels to find it")


class ItemSavedOutput(ItemDetailOutput):
    created: bool

    def render(self) -> str:
        verb = "Created" if self.created else "Updated"
        return f"{verb} {super().render()}"


@VAULT.tool(title="Store a secret", read_only=False, carries_secrets=True)
async def create_vault_item(args: CreateItemInput, ctx: Context) -> ItemSavedOutput:
    """Store a new secret in a vault (editors and up): each field is encrypted on its own.
    Use it for credentials you generate, instead of keeping them anywhere else."""
    state = sesame(ctx)
    vault = await resolve_vault(state, args.vault)
    detail = await state.client.vault.create_item(
        vault.id,
        args.name,
        args.type,
        args.fields,
        field_hints=args.field_hints,
        url=args.url,
        notes=args.notes,
        tags=args.tags,
    )
    return ItemSavedOutput(**ItemDetailOutput.of(detail).model_dump(), created=True)


class UpdateItemInput(ToolInput):
    item: str = Field(min_length=1, max_length=200, description=ITEM_REF)
    vault: str | None = Field(
        default=None, max_length=200, description="The item's vault, when its name is not unique"
    )
    name: str | None = Field(default=None, min_length=1, max_length=200, description="New name")
    fields: dict[str, str] | None = Field(
        default=None, description="Field key → new value; merged, others stay (a rotation)"
    )
    field_hints: dict[str, FieldHint] | None = Field(default=None, description="New hints")
    url: str | None = Field(default=None, max_length=2048, description="New URL")
    notes: str | None = Field(default=None, max_length=10_000, description="New notes")
    tags: list[str] | None = Field(default=None, max_length=50, description="New tags (replace)")


@VAULT.tool(
    title="Update or rotate a secret",
    read_only=False,
    destructive=True,
    idempotent=True,
    carries_secrets=True,
)
async def update_vault_item(args: UpdateItemInput, ctx: Context) -> ItemSavedOutput:
    """Change an item (editors and up): new values for some fields (a rotation), its name,
    hints, URL, notes or tags. Fields not given keep their values."""
    state = sesame(ctx)
    changes = args.model_dump(exclude={"item", "vault"}, exclude_none=True)
    if not changes:
        raise ToolFailure("give at least one of name, fields, field_hints, url, notes, tags.")
    item_id = await resolve_item_id(state, args.item, args.vault)
    detail = await state.client.vault.update_item(item_id, **changes)
    return ItemSavedOutput(**ItemDetailOutput.of(detail).model_dump(), created=False)
