"""Toolset `vault_admin`, keeping vaults: create one (with a sensitivity label and a masking
policy), rename it or change its label or masking, delete it with everything in it.
"""

from __future__ import annotations

from typing import Any, Literal

from mcp.server.mcpserver import Context
from pydantic import Field

from server_core.features.vault.schemas import (
    CreateVaultRequest,
    FieldHint,
    MaskingPolicy,
    SensitivityLabel,
)
from sesame_mcp.registry import ToolFailure, ToolInput, ToolOutput, tool_input
from sesame_mcp.state import sesame
from sesame_mcp.toolsets.vault.refs import VAULT_REF, resolve_vault
from sesame_mcp.toolsets.vault.toolsets import VAULT_ADMIN
from sesame_mcp.toolsets.vault.views import VaultView

HINTS = "Field hints: password, username, email, url, totp, secret, key, note, pin, token, other"


class VaultOutput(ToolOutput):
    vault: VaultView
    action: Literal["created", "updated", "deleted"]

    def render(self) -> str:
        if self.action == "deleted":
            return f"Deleted vault {self.vault.name} [{self.vault.id}] with its items."
        return f"{self.action.capitalize()}:\n{self.vault.text()}"


def _policy(always: list[FieldHint], never: list[FieldHint]) -> MaskingPolicy:
    both = sorted(set(always) & set(never))
    if both:
        raise ToolFailure(
            f"a field hint cannot be both always and never masked: {', '.join(both)}. Next: "
            "name each hint in one list only."
        )
    return MaskingPolicy(always_mask=always, never_mask=never)


# The platform's own request model, its masking policy given as two lists.
CreateVaultInput = tool_input(
    "CreateVaultInput",
    CreateVaultRequest,
    omit=["masking_policy"],
    descriptions={
        "name": "The vault's name",
        "description": "What it holds",
        "sensitivity_label": "low, medium (default), high or critical",
    },
    always_mask=(
        list[FieldHint] | None,
        Field(default=None, max_length=11, description=f"Hints masked on every reveal. {HINTS}"),
    ),
    never_mask=(
        list[FieldHint] | None,
        Field(default=None, max_length=11, description="Hints never masked (not in always_mask)"),
    ),
)


@VAULT_ADMIN.tool(title="Create a vault", read_only=False, arguments=CreateVaultInput)
async def create_vault(args: Any, ctx: Context) -> VaultOutput:
    """Create a vault you own (the workspace's humans are its admins), with a sensitivity
    label and a masking policy."""
    state = sesame(ctx)
    policy = None
    if args.always_mask is not None or args.never_mask is not None:
        policy = _policy(args.always_mask or [], args.never_mask or [])
    vault = await state.client.vault.create_vault(
        args.name,
        description=args.description,
        sensitivity_label=args.sensitivity_label,
        masking_policy=policy,
    )
    return VaultOutput(vault=VaultView.of(vault), action="created")


class UpdateVaultInput(ToolInput):
    vault: str = Field(min_length=1, max_length=200, description=VAULT_REF)
    name: str | None = Field(
        default=None, min_length=1, max_length=200, description="New name; omit to keep"
    )
    description: str | None = Field(
        default=None, max_length=2000, description='New description; "" clears it; omit to keep'
    )
    sensitivity_label: SensitivityLabel | None = Field(
        default=None, description="low, medium, high or critical; omit to keep"
    )
    always_mask: list[FieldHint] | None = Field(
        default=None, max_length=11, description="Replaces the hints always masked; omit to keep"
    )
    never_mask: list[FieldHint] | None = Field(
        default=None, max_length=11, description="Replaces the hints never masked; omit to keep"
    )
    clear_masking: bool = Field(default=False, description="true: remove the masking policy")


@VAULT_ADMIN.tool(title="Update a vault", read_only=False, destructive=True, idempotent=True)
async def update_vault(args: UpdateVaultInput, ctx: Context) -> VaultOutput:
    """Rename a vault, change its description or sensitivity label, or its masking policy
    (owners and admins). Only what is given changes; a masking list given replaces that
    list and keeps the other."""
    masking = args.always_mask is not None or args.never_mask is not None
    if masking and args.clear_masking:
        raise ToolFailure("give always_mask / never_mask or clear_masking, not both.")
    changes: dict[str, Any] = {}
    if args.name is not None:
        changes["name"] = args.name
    if args.description is not None:
        changes["description"] = args.description or None
    if args.sensitivity_label is not None:
        changes["sensitivity_label"] = args.sensitivity_label
    if not changes and not masking and not args.clear_masking:
        raise ToolFailure(
            "nothing to change: give name, description, sensitivity_label, always_mask, "
            "never_mask or clear_masking."
        )
    state = sesame(ctx)
    api = state.client.vault
    vault = await resolve_vault(state, args.vault)
    policy = None
    if masking:
        current = vault.masking_policy or MaskingPolicy()
        always = args.always_mask if args.always_mask is not None else current.always_mask
        never = args.never_mask if args.never_mask is not None else current.never_mask
        policy = _policy(list(always), list(never))  # refused before anything changes
    if changes:
        vault = await api.update_vault(vault.id, **changes)
    if policy is not None or args.clear_masking:
        vault = await api.set_masking_policy(vault.id, policy)
    return VaultOutput(vault=VaultView.of(vault), action="updated")


class DeleteVaultInput(ToolInput):
    vault: str = Field(min_length=1, max_length=200, description=VAULT_REF)


@VAULT_ADMIN.tool(title="Delete a vault", read_only=False, destructive=True, idempotent=True)
async def delete_vault(args: DeleteVaultInput, ctx: Context) -> VaultOutput:
    """Delete a vault with all its items, shares and leases (owners only). It cannot be
    undone."""
    state = sesame(ctx)
    vault = await resolve_vault(state, args.vault)
    gone = await state.client.vault.delete_vault(vault.id)
    return VaultOutput(vault=VaultView.of(gone), action="deleted")
