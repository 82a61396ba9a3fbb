"""Toolset `vault_admin`: look inside vaults (vault_info), keep them (create, update, delete),
decide who reaches them (members, item shares), decide lease requests, and set alert rules.

Most changes are for a vault's owners and admins; the platform checks the caller's role and
the tools say what to do when it does not allow the call.

Deciding a lease (approve_lease, deny_lease) asks the human first where the client can be
asked (MCP form elicitation): on 2025-11-25 with an `elicitation/create` request during the
call, on 2026-07-28 by answering the call with an `InputRequiredResult` the client answers by
calling again. A human who declines or cancels changes nothing. A client that cannot be asked
leaves the host's own confirmation of the call (neither tool is read-only) as the gate; the
result says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from mcp.server.mcpserver import Context
from pydantic import BaseModel, Field, ValidationError

from server_core.features.vault.schemas import (
    MAX_LEASE_MINUTES,
    MAX_LEASE_USES,
    AccessEvent,
    AlertDestination,
    AlertRule,
    AlertTrigger,
    FieldHint,
    ItemShare,
    Lease,
    LeaseStatus,
    MaskingPolicy,
    SensitivityLabel,
    Vault,
    VaultMember,
    VaultRole,
)
from sesame_mcp.client import SesameError
from sesame_mcp.elicitation import ask_human
from sesame_mcp.registry import ToolFailure, ToolInput, ToolOutput, Toolset
from sesame_mcp.state import Sesame, sesame
from sesame_mcp.toolsets import refs
from sesame_mcp.toolsets.vault_refs import ITEM_REF, VAULT_REF, resolve_item_id, resolve_vault
from sesame_mcp.toolsets.views import quote

# What to do next after a platform refusal, by its error code.
NEXT_STEPS: dict[str, str] = {
    "vault_access_denied": "your role in this vault does not allow it; vault_info("
    "view='members') shows its owners and admins: ask one of them",
    "forbidden": "your role does not allow it; vault_info(view='members') shows the vault's "
    "owners and admins: ask one of them",
    "not_found": "vault_info lists your vaults; get_wallet the items you can reach",
    "lease_not_pending": "the lease was decided already; list_leases shows its status",
    "conflict": "vault_info(view='members') shows the roles now; add another owner first "
    "when the vault would be left without one",
}

TOOLSET = Toolset(
    "vault_admin",
    "Run vaults: details, members, shares, masking, lease approvals, alert rules, the trail",
    default=False,
    next_steps=NEXT_STEPS,
)

ROLES = "owner, admin, editor, viewer or use_only (reaches items through approved leases only)"
HINTS = "Field hints: password, username, email, url, totp, secret, key, note, pin, token, other"
ITEM_VAULT = "The item's vault, when its name is not unique"
LEASE_REF = "The lease's id (list_leases shows pending ones)"

# --- views --------------------------------------------------------------------------------


class VaultView(BaseModel):
    id: str
    name: str
    description: str | None
    sensitivity_label: SensitivityLabel
    role: VaultRole = Field(description="Your role in it")
    item_count: int
    always_mask: list[str] = Field(description="Field hints masked on reveal")
    never_mask: list[str] = Field(description="Field hints never masked")
    created_at: datetime

    @staticmethod
    def of(vault: Vault) -> VaultView:
        policy = vault.masking_policy
        return VaultView(
            id=vault.id,
            name=vault.name,
            description=vault.description,
            sensitivity_label=vault.sensitivity_label,
            role=vault.role,
            item_count=vault.item_count,
            always_mask=list(policy.always_mask) if policy else [],
            never_mask=list(policy.never_mask) if policy else [],
            created_at=vault.created_at,
        )

    def line(self) -> str:
        return (
            f"- {self.name} [{self.id}]: {self.sensitivity_label}, {self.item_count} items, "
            f"you are {self.role}"
        )

    def text(self) -> str:
        lines = [f"Vault {self.name} [{self.id}]"]
        if self.description:
            lines.append(f"Description: {quote(self.description)}")
        lines.append(f"Sensitivity: {self.sensitivity_label}; {self.item_count} items")
        lines.append(f"Your role: {self.role}")
        if self.always_mask or self.never_mask:
            always = ", ".join(self.always_mask) or "none"
            never = ", ".join(self.never_mask) or "none"
            lines.append(f"Masking: always {always}; never {never}")
        else:
            lines.append("Masking: no policy")
        return "\n".join(lines)


class VaultMemberView(BaseModel):
    principal_id: str
    handle: str
    kind: str
    role: VaultRole
    implicit: bool = Field(description="A human, admin of every vault without a membership")

    @staticmethod
    def of(member: VaultMember) -> VaultMemberView:
        return VaultMemberView(
            principal_id=member.principal_id,
            handle=member.handle,
            kind=member.kind,
            role=member.role,
            implicit=member.implicit,
        )

    def line(self) -> str:
        implicit = ", as a human of the workspace" if self.implicit else ""
        return f"- @{self.handle} ({self.kind}): {self.role}{implicit}"


class AlertView(BaseModel):
    id: str
    trigger: AlertTrigger
    destination: AlertDestination
    vault_id: str | None
    item_id: str | None
    channel_id: str | None
    threshold: int | None
    last_fired_at: datetime | None

    @staticmethod
    def of(rule: AlertRule) -> AlertView:
        channel = rule.destination_config.get("channelId")
        return AlertView(
            id=rule.id,
            trigger=rule.trigger,
            destination=rule.destination,
            vault_id=rule.vault_id,
            item_id=rule.item_id,
            channel_id=channel if isinstance(channel, str) else None,
            threshold=rule.threshold,
            last_fired_at=rule.last_fired_at,
        )

    def line(self, channel: str | None = None) -> str:
        if self.item_id:
            scope = f"item {self.item_id}"
        elif self.vault_id:
            scope = f"vault {self.vault_id}"
        else:
            scope = "the workspace"
        trigger: str = self.trigger
        if self.threshold is not None:
            trigger += f" (over {self.threshold} an hour)"
        to = channel or self.destination
        fired = (
            f", last fired {self.last_fired_at:%Y-%m-%d %H:%M} UTC" if self.last_fired_at else ""
        )
        return f"- alert {self.id}: {trigger} on {scope} → {to}{fired}"


class EventView(BaseModel):
    at: datetime
    principal_id: str
    principal: str | None = Field(description="The principal's handle")
    action: str
    outcome: Literal["allowed", "denied"]
    vault_id: str | None
    item_id: str | None
    item: str | None = Field(description="The item's name, when you can see it")
    lease_id: str | None
    fields: list[str]
    detail: str | None

    def line(self) -> str:
        who = f"@{self.principal}" if self.principal else self.principal_id
        what = (
            f" {quote(self.item)}"
            if self.item
            else (f" item {self.item_id}" if self.item_id else "")
        )
        fields = f" ({', '.join(self.fields)})" if self.fields else ""
        detail = f": {self.detail}" if self.detail else ""
        at = f"{self.at:%Y-%m-%d %H:%M:%S}"
        return f"- {at} {who} {self.action}{what}{fields} {self.outcome}{detail}"


# --- vault_info ---------------------------------------------------------------------------

View = Literal["vaults", "details", "members", "alerts", "events"]


class VaultInfoInput(ToolInput):
    vault: str | None = Field(
        default=None,
        max_length=200,
        description=f"{VAULT_REF}; needed for details and members, narrows alerts",
    )
    view: View | None = Field(
        default=None,
        description="vaults: yours; details: one vault's label, masking, items, your role; "
        "members: who is in it; alerts: alert rules; events: the access trail, newest first "
        "(one item's with `item`). Default: details with a vault, else vaults",
    )
    item: str | None = Field(
        default=None, max_length=200, description=f"view=events: only this item's ({ITEM_REF})"
    )
    limit: int = Field(default=20, ge=1, le=100, description="view=events: how many")
    offset: int = Field(default=0, ge=0, le=1_000_000, description="view=events: skip this many")


class VaultInfoOutput(ToolOutput):
    view: View
    vaults: list[VaultView] = Field(
        description="view=vaults: all of yours; other views: the vault named, if any"
    )
    members: list[VaultMemberView] | None = None
    alerts: list[AlertView] | None = None
    events: list[EventView] | None = None
    next_offset: int | None = Field(default=None, description="view=events: the next page")
    labels: dict[str, str] = Field(default_factory=dict, description="Channel id → name")

    def render(self) -> str:
        if self.view == "vaults":
            if not self.vaults:
                return "You are in no vault. Next: create_vault makes one."
            return "\n".join(
                [f"{len(self.vaults)} vaults:", *(vault.line() for vault in self.vaults)]
            )
        where = f" of {self.vaults[0].name}" if self.vaults else ""
        if self.members is not None:
            lines = [f"{len(self.members)} members{where}:"]
            lines += [member.line() for member in self.members]
            return "\n".join(lines)
        if self.alerts is not None:
            if not self.alerts:
                return f"No alert rules{where}. Next: create_vault_alert sets one."
            lines = [f"{len(self.alerts)} alert rules{where}:"]
            lines += [alert.line(self.labels.get(alert.channel_id or "")) for alert in self.alerts]
            return "\n".join(lines)
        if self.events is not None:
            if not self.events:
                return "No access events here."
            lines = [f"{len(self.events)} access events, newest first:"]
            lines += [event.line() for event in self.events]
            if self.next_offset is not None:
                lines.append(f"More: offset={self.next_offset}.")
            return "\n".join(lines)
        return "\n".join(vault.text() for vault in self.vaults)


@TOOLSET.tool(title="Vault info", read_only=True)
async def vault_info(args: VaultInfoInput, ctx: Context) -> VaultInfoOutput:
    """Look at vaults: the list of yours, one vault's details (label, masking policy, item
    count, your role), its members, alert rules, or the access trail (the workspace's, or one
    item's with `item`)."""
    state = sesame(ctx)
    view: View = args.view or ("details" if args.vault else "vaults")
    vault = await resolve_vault(state, args.vault) if args.vault else None
    output = VaultInfoOutput(view=view, vaults=[VaultView.of(vault)] if vault else [])
    api = state.client.vault
    if view == "vaults":
        output.vaults = [VaultView.of(v) for v in await api.list_vaults()]
    elif view in ("details", "members") and vault is None:
        raise ToolFailure(f"view={view} needs a vault. Next: vault_info lists yours.")
    elif view == "members" and vault is not None:
        output.members = [VaultMemberView.of(m) for m in await api.list_members(vault.id)]
    elif view == "alerts":
        rules = await api.list_alerts()
        if vault is not None:
            rules = [rule for rule in rules if rule.vault_id == vault.id]
        output.alerts = [AlertView.of(rule) for rule in rules]
        for alert in output.alerts:
            if alert.channel_id:
                output.labels[alert.channel_id] = await state.directory.channel_label(
                    alert.channel_id
                )
    elif view == "events":
        item_id = await resolve_item_id(state, args.item, args.vault) if args.item else None
        paging = {"limit": args.limit, "offset": args.offset}
        page = await (
            api.events(**paging) if item_id is None else api.item_events(item_id, **paging)
        )
        output.events = await _events(state, page.items)
        output.next_offset = args.offset + len(page.items) if page.has_more else None
    return output


async def _events(state: Sesame, events: list[AccessEvent]) -> list[EventView]:
    names: dict[str, str] = {}
    if any(event.item_id for event in events):
        names = {item.id: item.name for item in await state.client.vault.list_items()}
    return [
        EventView(
            at=event.created_at,
            principal_id=event.principal_id,
            principal=await state.directory.handle(event.principal_id),
            action=event.action,
            outcome=event.outcome,
            vault_id=event.vault_id,
            item_id=event.item_id,
            item=names.get(event.item_id or ""),
            lease_id=event.lease_id,
            fields=list(event.fields),
            detail=event.detail,
        )
        for event in events
    ]


# --- keeping vaults -----------------------------------------------------------------------


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


class CreateVaultInput(ToolInput):
    name: str = Field(min_length=1, max_length=200, description="The vault's name")
    description: str | None = Field(default=None, max_length=2000, description="What it holds")
    sensitivity_label: SensitivityLabel | None = Field(
        default=None, description="low, medium (default), high or critical"
    )
    always_mask: list[FieldHint] | None = Field(
        default=None, max_length=11, description=f"Hints masked on every reveal. {HINTS}"
    )
    never_mask: list[FieldHint] | None = Field(
        default=None, max_length=11, description="Hints never masked (not in always_mask)"
    )


@TOOLSET.tool(title="Create a vault", read_only=False)
async def create_vault(args: CreateVaultInput, ctx: Context) -> VaultOutput:
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


@TOOLSET.tool(title="Update a vault", read_only=False, destructive=True, idempotent=True)
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


@TOOLSET.tool(title="Delete a vault", read_only=False, destructive=True, idempotent=True)
async def delete_vault(args: DeleteVaultInput, ctx: Context) -> VaultOutput:
    """Delete a vault with all its items, shares and leases (owners only). It cannot be
    undone."""
    state = sesame(ctx)
    vault = await resolve_vault(state, args.vault)
    gone = await state.client.vault.delete_vault(vault.id)
    return VaultOutput(vault=VaultView.of(gone), action="deleted")


# --- members and shares -------------------------------------------------------------------


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


@TOOLSET.tool(title="Add a vault member", read_only=False, destructive=True, idempotent=True)
async def add_vault_member(args: AddVaultMemberInput, ctx: Context) -> VaultMemberOutput:
    """Add a human or agent to a vault with a role, or change a member's role (owners and
    admins; only owners grant or take the owner role)."""
    state = sesame(ctx)
    vault = await resolve_vault(state, args.vault)
    principal = await refs.resolve_principal(state, args.principal)
    member = await state.client.vault.add_member(vault.id, principal.id, args.role)
    return VaultMemberOutput(vault=vault.name, member=VaultMemberView.of(member), action="added")


class RemoveVaultMemberInput(ToolInput):
    vault: str = Field(min_length=1, max_length=200, description=VAULT_REF)
    principal: str = Field(min_length=1, max_length=100, description=refs.PRINCIPAL_REF)


@TOOLSET.tool(title="Remove a vault member", read_only=False, destructive=True, idempotent=True)
async def remove_vault_member(args: RemoveVaultMemberInput, ctx: Context) -> VaultMemberOutput:
    """Take a member out of a vault (owners and admins; a vault keeps at least one owner)."""
    state = sesame(ctx)
    vault = await resolve_vault(state, args.vault)
    principal = await refs.resolve_principal(state, args.principal)
    member = await state.client.vault.remove_member(vault.id, principal.id)
    return VaultMemberOutput(vault=vault.name, member=VaultMemberView.of(member), action="removed")


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


@TOOLSET.tool(title="Share a vault item", read_only=False, destructive=True, idempotent=True)
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


@TOOLSET.tool(title="Unshare a vault item", read_only=False, destructive=True, idempotent=True)
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


@TOOLSET.tool(title="Delete a vault item", read_only=False, destructive=True, idempotent=True)
async def delete_vault_item(args: DeleteItemInput, ctx: Context) -> ItemDeletedOutput:
    """Delete an item and its secret values (owners and admins of its vault). It cannot be
    undone."""
    state = sesame(ctx)
    item_id = await resolve_item_id(state, args.item, args.vault)
    gone = await state.client.vault.delete_item(item_id)
    return ItemDeletedOutput(item_id=gone.item.id, name=gone.item.name, vault_id=gone.item.vault_id)


# --- deciding leases ----------------------------------------------------------------------


class ApproveAnswer(BaseModel):
    """The approval form as the human sent it back: both values may be changed."""

    duration_minutes: int | None = Field(default=None, ge=1, le=MAX_LEASE_MINUTES)
    max_uses: int | None = Field(default=None, ge=1, le=MAX_LEASE_USES)


def _approve_form(duration: int, uses: int | None) -> dict[str, Any]:
    max_uses: dict[str, Any] = {
        "type": "integer",
        "title": "Uses",
        "description": "How many uses; empty for no limit",
        "minimum": 1,
        "maximum": MAX_LEASE_USES,
    }
    if uses is not None:
        max_uses["default"] = uses
    return {
        "type": "object",
        "properties": {
            "duration_minutes": {
                "type": "integer",
                "title": "Minutes",
                "description": "How long the lease lasts",
                "minimum": 1,
                "maximum": MAX_LEASE_MINUTES,
                "default": duration,
            },
            "max_uses": max_uses,
        },
    }


CONFIRM_FORM: dict[str, Any] = {"type": "object", "properties": {}}


class LeaseInput(ToolInput):
    lease: str = Field(min_length=1, max_length=64, description=LEASE_REF)


class ApproveLeaseInput(LeaseInput):
    duration_minutes: int | None = Field(
        default=None, ge=1, le=MAX_LEASE_MINUTES, description="Minutes it lasts (default: asked)"
    )
    max_uses: int | None = Field(
        default=None, ge=1, le=MAX_LEASE_USES, description="Uses it allows (default: asked)"
    )


Outcome = Literal["approved", "denied", "declined_by_human", "cancelled_by_human"]
HUMAN_SAID: dict[str, Outcome] = {"decline": "declined_by_human", "cancel": "cancelled_by_human"}


class LeaseDecisionOutput(ToolOutput):
    lease_id: str
    item_id: str
    item: str = Field(description="The item's name")
    requester: str = Field(description="The requester's handle")
    reason: str | None
    status: LeaseStatus = Field(description="The lease's status now")
    outcome: Outcome
    asked_human: bool = Field(description="The human confirmed through the client")
    duration_minutes: int | None
    max_uses: int | None
    expires_at: datetime | None

    def render(self) -> str:
        lease = f"lease {self.lease_id} of @{self.requester} for {quote(self.item)}"
        if self.outcome in ("declined_by_human", "cancelled_by_human"):
            how = "declined" if self.outcome == "declined_by_human" else "cancelled"
            return (
                f"The human {how} deciding {lease}: nothing changed, it is still "
                f"{self.status}. Do not retry unless the human asks you to."
            )
        if self.outcome == "approved":
            uses = "no use limit" if self.max_uses is None else f"{self.max_uses} uses"
            until = f", until {self.expires_at:%Y-%m-%d %H:%M} UTC" if self.expires_at else ""
            text = f"Approved {lease}: {self.duration_minutes} minutes, {uses}{until}."
        else:
            text = f"Denied {lease}."
        if self.asked_human:
            return f"{text} The human confirmed it."
        return (
            f"{text} This client cannot ask the human (no elicitation), so the host's "
            "confirmation of this call was the only check."
        )


@dataclass
class _Pending:
    lease: Lease
    item: str
    vault: str | None
    requester: str


async def _pending(state: Sesame, ref: str) -> _Pending:
    lease_id = ref.strip().lower()
    lease = next((x for x in await state.client.vault.list_leases() if x.id == lease_id), None)
    if lease is None:
        raise ToolFailure(
            f"no lease {ref} waits for you. Next: list_leases(status='pending') shows the "
            "requests you may decide."
        )
    if lease.status != "pending":
        raise ToolFailure(
            f"lease {lease.id} is {lease.status}, not pending: there is nothing to decide."
        )
    if lease.requester_id == state.me.id:
        raise ToolFailure(
            f"lease {lease.id} is your own request: an owner or admin of its vault decides it. "
            "Next: wait for them (lease_secret waits for the decision)."
        )
    item, vault = lease.item_id, None
    try:
        item = (await state.client.vault.get_item(lease.item_id)).item.name
        vault = (await state.client.vault.get_vault(lease.vault_id)).name
    except SesameError:
        pass
    requester = await state.directory.handle(lease.requester_id) or lease.requester_id
    return _Pending(lease, item, vault, requester)


def _describe(pending: _Pending) -> str:
    lease = pending.lease
    where = f" in vault {quote(pending.vault)}" if pending.vault else ""
    asked = f"{lease.duration_minutes or 60} minutes"
    asked += f", {lease.max_uses} uses" if lease.max_uses else ", no use limit"
    reason = quote(lease.reason) if lease.reason else "none given"
    return (
        f"@{pending.requester} asks for access to {quote(pending.item)}{where} "
        f"(lease {lease.id}). Reason: {reason}. Requested: {asked}."
    )


def _decision(
    pending: _Pending,
    lease: Lease,
    outcome: Outcome,
    asked: bool,
    duration: int | None = None,
    uses: int | None = None,
) -> LeaseDecisionOutput:
    return LeaseDecisionOutput(
        lease_id=lease.id,
        item_id=lease.item_id,
        item=pending.item,
        requester=pending.requester,
        reason=lease.reason,
        status=lease.status,
        outcome=outcome,
        asked_human=asked,
        duration_minutes=duration if duration is not None else lease.duration_minutes,
        max_uses=uses if uses is not None else lease.max_uses,
        expires_at=lease.expires_at,
    )


@TOOLSET.tool(title="Approve a lease", read_only=False, idempotent=True)
async def approve_lease(args: ApproveLeaseInput, ctx: Context) -> LeaseDecisionOutput:
    """Approve a pending lease request (owners and admins of its vault, not its requester):
    the requester may then use the secret for the time and uses granted. The human is asked
    first where the client supports it, and may change the time and uses."""
    state = sesame(ctx)
    pending = await _pending(state, args.lease)
    lease = pending.lease
    duration = args.duration_minutes or lease.duration_minutes or 60
    uses = args.max_uses if args.max_uses is not None else lease.max_uses
    message = (
        f"Approve this lease? {_describe(pending)} It would be granted for {duration} "
        f"minutes, {f'{uses} uses' if uses else 'no use limit'}; you may change both."
    )
    answer = await ask_human(ctx, message, _approve_form(duration, uses))
    if answer.action in HUMAN_SAID:
        return _decision(pending, lease, HUMAN_SAID[answer.action], True)
    if answer.action == "accept" and answer.content:
        try:
            form = ApproveAnswer.model_validate(answer.content)
        except ValidationError:
            raise ToolFailure(
                "the human's answer did not fit the form (minutes and uses must be whole "
                "numbers in range); nothing changed. Next: call approve_lease again."
            ) from None
        duration = form.duration_minutes or duration
        uses = form.max_uses if "max_uses" in answer.content else uses
    approved = await state.client.vault.approve_lease(
        lease.id, duration_minutes=duration, max_uses=uses
    )
    return _decision(pending, approved, "approved", answer.action == "accept", duration, uses)


@TOOLSET.tool(title="Deny a lease", read_only=False, destructive=True, idempotent=True)
async def deny_lease(args: LeaseInput, ctx: Context) -> LeaseDecisionOutput:
    """Deny a pending lease request (owners and admins of its vault, not its requester); it
    cannot be approved afterwards. The human is asked first where the client supports it."""
    state = sesame(ctx)
    pending = await _pending(state, args.lease)
    answer = await ask_human(ctx, f"Deny this lease? {_describe(pending)}", CONFIRM_FORM)
    if answer.action in HUMAN_SAID:
        return _decision(pending, pending.lease, HUMAN_SAID[answer.action], True)
    denied = await state.client.vault.deny_lease(pending.lease.id)
    return _decision(pending, denied, "denied", answer.action == "accept")


# --- alerts -------------------------------------------------------------------------------


class CreateAlertInput(ToolInput):
    trigger: AlertTrigger = Field(
        description="every_access (each reveal or use), denied, threshold (accesses per hour "
        "over `threshold`) or lease_request"
    )
    destination: AlertDestination = Field(description="channel (give `channel`), push or email")
    vault: str | None = Field(default=None, max_length=200, description=f"Scope: {VAULT_REF}")
    item: str | None = Field(default=None, max_length=200, description=f"Scope: {ITEM_REF}")
    channel: str | None = Field(
        default=None, max_length=200, description=f"destination=channel: {refs.CHANNEL_REF}"
    )
    threshold: int | None = Field(
        default=None, ge=1, le=1_000_000, description="trigger=threshold: accesses per hour"
    )


class AlertOutput(ToolOutput):
    alert: AlertView
    channel: str | None = Field(description="The destination channel's name")
    action: Literal["created", "deleted"]

    def render(self) -> str:
        verb = "Created" if self.action == "created" else "Deleted"
        return f"{verb} {self.alert.line(self.channel)[2:]}"


@TOOLSET.tool(title="Create a vault alert", read_only=False)
async def create_vault_alert(args: CreateAlertInput, ctx: Context) -> AlertOutput:
    """Be told of vault access: on every access, denials, more than `threshold` accesses an
    hour, or lease requests; for one item, one vault, or (humans) the workspace. Channel
    alerts arrive as system messages."""
    if args.destination == "channel" and args.channel is None:
        raise ToolFailure("destination channel needs `channel` (#name or id).")
    if args.destination != "channel" and args.channel is not None:
        raise ToolFailure("`channel` goes with destination channel only.")
    if args.trigger == "threshold" and args.threshold is None:
        raise ToolFailure("trigger threshold needs `threshold` (accesses per hour).")
    state = sesame(ctx)
    vault_id = (await resolve_vault(state, args.vault)).id if args.vault else None
    item_id = await resolve_item_id(state, args.item, args.vault) if args.item else None
    config: dict[str, Any] = {}
    label = None
    if args.channel is not None:
        config["channelId"], label = await refs.channel_target(state, args.channel)
    rule = await state.client.vault.create_alert(
        args.trigger,
        args.destination,
        vault_id=vault_id,
        item_id=item_id,
        destination_config=config,
        threshold=args.threshold,
    )
    return AlertOutput(alert=AlertView.of(rule), channel=label, action="created")


class DeleteAlertInput(ToolInput):
    alert: str = Field(
        min_length=1, max_length=64, description="The alert rule's id (vault_info view=alerts)"
    )


@TOOLSET.tool(title="Delete a vault alert", read_only=False, destructive=True, idempotent=True)
async def delete_vault_alert(args: DeleteAlertInput, ctx: Context) -> AlertOutput:
    """Delete an alert rule (yours, or one on a vault you own or administer)."""
    state = sesame(ctx)
    rule = await state.client.vault.delete_alert(args.alert.strip().lower())
    view = AlertView.of(rule)
    label = await state.directory.channel_label(view.channel_id) if view.channel_id else None
    return AlertOutput(alert=view, channel=label, action="deleted")
