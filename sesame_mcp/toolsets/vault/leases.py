"""Toolset `vault`, your leases: list them (and those waiting on you when you approve for a
vault), and end one at once when you are done with it.
"""

from __future__ import annotations

from datetime import datetime

from mcp.server.mcpserver import Context
from pydantic import Field

from server_core.features.vault.operations import Vault
from server_core.features.vault.schemas import LeaseStatus
from sesame_mcp.derived import Ref, derive
from sesame_mcp.registry import ToolInput, ToolOutput
from sesame_mcp.state import sesame
from sesame_mcp.toolsets.vault.refs import resolve_item_id
from sesame_mcp.toolsets.vault.toolsets import VAULT


class LeaseView(ToolOutput):
    id: str
    item_id: str
    requester_id: str
    status: LeaseStatus
    reason: str | None
    uses_remaining: int | None
    expires_at: datetime | None

    def render(self) -> str:
        uses = "" if self.uses_remaining is None else f", {self.uses_remaining} uses left"
        until = f", until {self.expires_at:%Y-%m-%d %H:%M} UTC" if self.expires_at else ""
        return f"- lease {self.id} on item {self.item_id}: {self.status}{uses}{until}"


class LeasesOutput(ToolOutput):
    leases: list[LeaseView] = Field(description="Leases you requested or may decide")

    def render(self) -> str:
        if not self.leases:
            return "No leases match."
        return "\n".join([f"{len(self.leases)} leases:", *(x.render() for x in self.leases)])


derive(
    VAULT,
    Vault.list_leases,
    name="list_leases",
    title="List leases",
    description="Your leases, and those waiting on you when you approve for a vault; by "
    "status or item.",
    output=LeasesOutput,
    descriptions={"status": "Only leases in this status: pending, active, expired, …"},
    refs={"item_id": Ref("item", "Only this item's leases: its name or id", resolve_item_id)},
)


class RevokeLeaseInput(ToolInput):
    lease: str = Field(min_length=1, max_length=64, description="The lease's id")


class RevokedOutput(ToolOutput):
    lease: LeaseView

    def render(self) -> str:
        return f"Lease {self.lease.id} is {self.lease.status}; its secret file is removed."


@VAULT.tool(title="Revoke a lease", read_only=False, destructive=True, idempotent=True)
async def revoke_lease(args: RevokeLeaseInput, ctx: Context) -> RevokedOutput:
    """End a lease at once when you are done with it (and remove its secret file)."""
    state = sesame(ctx)
    lease_id = args.lease.strip().lower()
    lease = await state.client.vault.revoke_lease(lease_id)
    state.files.discard(lease_id)
    return RevokedOutput(lease=LeaseView.model_validate(lease))
