"""Toolset `vault_admin`, alert rules: be told of vault access (every access, denials, more
than a threshold an hour, lease requests) in a channel, by push or by email; delete a rule.
"""

from __future__ import annotations

from typing import Any, Literal

from mcp.server.mcpserver import Context
from pydantic import Field

from server_core.features.vault.schemas import AlertDestination, AlertTrigger
from sesame_mcp.registry import ToolFailure, ToolInput, ToolOutput
from sesame_mcp.state import sesame
from sesame_mcp.toolsets.messaging import refs
from sesame_mcp.toolsets.vault.refs import ITEM_REF, VAULT_REF, resolve_item_id, resolve_vault
from sesame_mcp.toolsets.vault.toolsets import VAULT_ADMIN
from sesame_mcp.toolsets.vault.views import AlertView


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


@VAULT_ADMIN.tool(title="Create a vault alert", read_only=False)
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


@VAULT_ADMIN.tool(title="Delete a vault alert", read_only=False, destructive=True, idempotent=True)
async def delete_vault_alert(args: DeleteAlertInput, ctx: Context) -> AlertOutput:
    """Delete an alert rule (yours, or one on a vault you own or administer)."""
    state = sesame(ctx)
    rule = await state.client.vault.delete_alert(args.alert.strip().lower())
    view = AlertView.of(rule)
    label = await state.directory.channel_label(view.channel_id) if view.channel_id else None
    return AlertOutput(alert=view, channel=label, action="deleted")
