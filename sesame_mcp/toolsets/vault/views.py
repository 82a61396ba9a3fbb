"""What the `vault_admin` tools answer with: vaults, vault members, alert rules and access
events as compact views, each with its line of text.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from server_core.features.vault.schemas import (
    AlertDestination,
    AlertRule,
    AlertTrigger,
    SensitivityLabel,
    Vault,
    VaultRole,
)
from sesame_mcp.registry import View
from sesame_mcp.toolsets.messaging.views import quote


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


class VaultMemberView(View):
    principal_id: str
    handle: str
    kind: str
    role: VaultRole
    implicit: bool = Field(description="A human, admin of every vault without a membership")

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
