"""Toolset `vault_admin`, looking inside vaults: `vault_info` shows the list of yours, one
vault's details, its members, alert rules, or the access trail.
"""

from __future__ import annotations

from typing import Literal

from mcp.server.mcpserver import Context
from pydantic import Field

from server_core.features.vault.schemas import AccessEvent
from sesame_mcp.registry import ToolFailure, ToolInput, ToolOutput
from sesame_mcp.state import Sesame, sesame
from sesame_mcp.toolsets.vault.refs import ITEM_REF, VAULT_REF, resolve_item_id, resolve_vault
from sesame_mcp.toolsets.vault.toolsets import VAULT_ADMIN
from sesame_mcp.toolsets.vault.views import AlertView, EventView, VaultMemberView, VaultView

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


@VAULT_ADMIN.tool(title="Vault info", read_only=True)
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
        output.members = [
            VaultMemberView.model_validate(m) for m in await api.list_members(vault.id)
        ]
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
