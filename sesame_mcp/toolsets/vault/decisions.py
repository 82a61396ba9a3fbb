"""Toolset `vault_admin`, deciding lease requests: `approve_lease` and `deny_lease`, for the
owners and admins of the lease's vault other than its requester.

Deciding a lease asks the human first where the client can be asked (MCP form elicitation,
see `sesame_mcp.elicitation`): on 2025-11-25 with an `elicitation/create` request during the
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

from server_core.features.vault.schemas import MAX_LEASE_MINUTES, MAX_LEASE_USES, Lease, LeaseStatus
from sesame_mcp.client import SesameError
from sesame_mcp.elicitation import ask_human
from sesame_mcp.registry import ToolFailure, ToolInput, ToolOutput
from sesame_mcp.state import Sesame, sesame
from sesame_mcp.toolsets.messaging.views import quote
from sesame_mcp.toolsets.vault.toolsets import VAULT_ADMIN

LEASE_REF = "The lease's id (list_leases shows pending ones)"


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


@VAULT_ADMIN.tool(title="Approve a lease", read_only=False, idempotent=True)
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


@VAULT_ADMIN.tool(title="Deny a lease", read_only=False, destructive=True, idempotent=True)
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
