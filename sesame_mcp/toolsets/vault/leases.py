"""Toolset `vault`, your leases: list them (and those waiting on you when you approve for a
vault), and end one at once when you are done with it.
"""

from __future__ import annotations

from datetime import datetime

from mcp.server.mcpserver import Context
from pydantic import Field

from server_core.features.vault.schemas import Lease, LeaseStatus
from sesame_mcp.registry import ToolInput, ToolOutput
from sesame_mcp.state import sesame
from sesame_mcp.toolsets.vault.refs import resolve_item_id
from sesame_mcp.toolsets.vault.toolsets import VAULT


class ListLeasesInput(ToolInput):
    status: LeaseStatus | None = Field(
        default=None, description="Only leases in this status: pending, active, expired, …"
    )
    item: str | None = Field(default=None, max_length=200, description="Only this item's leases")


class LeaseView(ToolOutput):
    id: str
    item_id: str
    requester_id: str
    status: LeaseStatus
    reason: str | None
    uses_remaining: int | None
    expires_at: datetime | None

    @staticmethod
    def of(lease: Lease) -> LeaseView:
        return LeaseView(
            id=lease.id,
            item_id=lease.item_id,
            requester_id=lease.requester_id,
            status=lease.status,
            reason=lease.reason,
            uses_remaining=lease.uses_remaining,
            expires_at=lease.expires_at,
        )

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


@VAULT.tool(title="List leases", read_only=True)
async def list_leases(args: ListLeasesInput, ctx: Context) -> LeasesOutput:
    """Your leases, and those waiting on you when you approve for a vault; by status or item."""
    state = sesame(ctx)
    item_id = await resolve_item_id(state, args.item) if args.item else None
    leases = await state.client.vault.list_leases(status=args.status, item_id=item_id)
    return LeasesOutput(leases=[LeaseView.of(lease) for lease in leases])


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
    return RevokedOutput(lease=LeaseView.of(lease))
