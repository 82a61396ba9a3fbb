"""Toolset `vault`, the headline tool: `lease_secret` requests a lease (or reuses one of
yours), waits for a human to approve it when it needs approval, and uses it. The wait is woken
by the platform's `vault.lease_approved` event and re-reads the lease now and then (a denial
sends no event); it reports progress, and cancelling the call ends it.
"""

from __future__ import annotations

from datetime import UTC, datetime

import anyio
from mcp.server.mcpserver import Context
from pydantic import Field

from server_core.features.vault.schemas import Lease, LeaseStatus
from sesame_mcp.registry import ToolFailure, ToolInput
from sesame_mcp.state import Sesame, sesame
from sesame_mcp.toolsets.vault.handover import (
    DELIVER,
    Deliver,
    SecretOutput,
    check_delivery,
    hand_over,
)
from sesame_mcp.toolsets.vault.refs import ITEM_REF, resolve_item_id
from sesame_mcp.toolsets.vault.toolsets import VAULT

PROGRESS_EVERY = 5.0  # seconds between progress notifications while a lease is pending
POLL_EVERY = 5.0  # re-read a pending lease this often: a denial comes with no event


class LeaseSecretInput(ToolInput):
    item: str = Field(min_length=1, max_length=200, description=ITEM_REF)
    vault: str | None = Field(
        default=None, max_length=200, description="The item's vault, when its name is not unique"
    )
    reason: str | None = Field(
        default=None, max_length=1000, description="Why you need it: approvers read this"
    )
    duration_minutes: int | None = Field(
        default=None, ge=1, le=10_080, description="How long the lease lasts (default 60)"
    )
    max_uses: int | None = Field(
        default=None, ge=1, le=100_000, description="How many uses (default 10 if auto-approved)"
    )
    fields: list[str] | None = Field(
        default=None, max_length=100, description="Only these field keys; omit for all"
    )
    deliver: Deliver = Field(default="file", description=DELIVER)
    wait_seconds: int = Field(
        default=120, ge=0, le=600, description="How long to wait for approval when pending"
    )
    lease_id: str | None = Field(
        default=None, max_length=64, description="Continue with this lease of yours"
    )


class LeaseSecretOutput(SecretOutput):
    lease_id: str
    status: LeaseStatus
    expires_at: datetime | None
    uses_remaining: int | None
    reused: bool = Field(description="An existing lease of yours was used")

    def render(self) -> str:
        if self.status == "pending":
            return (
                f"Lease {self.lease_id} is waiting for approval. Call lease_secret again with "
                f"lease_id={self.lease_id!r} to keep waiting."
            )
        uses = "no use limit" if self.uses_remaining is None else f"{self.uses_remaining} uses left"
        until = f", until {self.expires_at:%Y-%m-%d %H:%M} UTC" if self.expires_at else ""
        how = "Reused" if self.reused else "Used"
        return (
            f"{how} lease {self.lease_id} ({uses}{until}): fields "
            f"{', '.join(self.fields)} {self.where()}"
        )


@VAULT.tool(title="Lease a secret", read_only=False)
async def lease_secret(args: LeaseSecretInput, ctx: Context) -> LeaseSecretOutput:
    """Get a secret the safe way: request a lease (or reuse your active one), wait while a
    human approves it, then use it. Values go to a private file by default, not into your
    context. Each call spends one use."""
    state = sesame(ctx)
    check_delivery(state, args.deliver)
    item_id = await resolve_item_id(state, args.item, args.vault)
    lease, reused = await _lease_for(state, item_id, args)
    if lease.status == "pending":
        lease = await _decision(state, ctx, lease, args.wait_seconds)
    if lease.status == "pending":
        return LeaseSecretOutput(
            item_id=item_id,
            fields=[],
            file=None,
            values=None,
            masked=[],
            removed_at=None,
            lease_id=lease.id,
            status=lease.status,
            expires_at=None,
            uses_remaining=lease.uses_remaining,
            reused=reused,
        )
    if lease.status != "active":
        raise ToolFailure(_ended(lease))
    used = await state.client.vault.use_lease(lease.id)
    delivered = await hand_over(
        state,
        item_id,
        used.fields,
        args.fields,
        args.deliver,
        key=lease.id,
        until=lease.expires_at,
    )
    return LeaseSecretOutput(
        **delivered,
        lease_id=lease.id,
        status="active" if used.uses_remaining != 0 else "expired",
        expires_at=lease.expires_at,
        uses_remaining=used.uses_remaining,
        reused=reused,
    )


async def _lease_for(state: Sesame, item_id: str, args: LeaseSecretInput) -> tuple[Lease, bool]:
    """The lease to use: the one named, an active or pending one of yours for the item, or a
    new one."""
    mine = [
        lease
        for lease in await state.client.vault.list_leases(item_id=item_id)
        if lease.requester_id == state.me.id
    ]
    if args.lease_id is not None:
        for lease in mine:
            if lease.id == args.lease_id.strip().lower():
                return lease, True
        raise ToolFailure(
            f"you have no lease {args.lease_id} on this item. Next: list_leases shows yours."
        )
    now = datetime.now(UTC)
    for lease in mine:
        usable = lease.uses_remaining is None or lease.uses_remaining > 0
        if lease.status == "active" and usable and (lease.expires_at or now) > now:
            return lease, True
    for lease in mine:
        if lease.status == "pending":
            return lease, True
    made = await state.client.vault.request_lease(
        item_id,
        reason=args.reason,
        duration_minutes=args.duration_minutes,
        max_uses=args.max_uses,
    )
    return made, False


async def _decision(state: Sesame, ctx: Context, lease: Lease, wait_seconds: int) -> Lease:
    """Wait up to `wait_seconds` for a pending lease to be decided: woken by the platform's
    `vault.lease_approved` event, and re-reading the lease every POLL_EVERY seconds (a denial
    sends no event). Reports progress; cancelling the call ends the wait."""
    log = state.feed.log
    seen = log.head
    started = anyio.current_time()
    deadline = started + wait_seconds
    next_report = next_poll = started
    while True:
        now = anyio.current_time()
        approved = any(
            event.type == "vault.lease_approved" and event.data.get("leaseId") == lease.id
            for event in log.after(seen)
        )
        seen = log.head
        if approved or now >= next_poll:
            lease = await _reread(state, lease)
            next_poll = now + POLL_EVERY
            if lease.status != "pending" or now >= deadline:
                return lease
        if now >= next_report:
            waited = round(now - started)
            note = f"lease {lease.id} waits for approval ({waited} s)"
            await ctx.report_progress(waited, wait_seconds, note)
            next_report = now + PROGRESS_EVERY
        with anyio.move_on_after(max(0.0, min(deadline, next_report, next_poll) - now)):
            await log.wait_beyond(seen)


async def _reread(state: Sesame, lease: Lease) -> Lease:
    for fresh in await state.client.vault.list_leases(item_id=lease.item_id):
        if fresh.id == lease.id:
            return fresh
    return lease


def _ended(lease: Lease) -> str:
    if lease.status == "denied":
        return f"lease {lease.id} was denied. Next: ask an approver why, or request a new one."
    if lease.status == "revoked":
        return f"lease {lease.id} was revoked. Next: request a new one if you still need it."
    return f"lease {lease.id} has expired. Next: call lease_secret without lease_id for a new one."
