"""Events of the vault, with the shapes of the WebSocket protocol reference. None of them
carries a secret."""

from __future__ import annotations

from typing import ClassVar

from server_core.kernel.events import Event
from server_core.kernel.wire import Timestamp


class LeaseRequested(Event):
    """To every approver of the item's vault (its owners and admins, humans included)."""

    wire_name: ClassVar[str] = "vault.lease_request"
    lease_id: str
    item_id: str
    requester_id: str
    reason: str | None


class LeaseApproved(Event):
    """To the lease's requester."""

    wire_name: ClassVar[str] = "vault.lease_approved"
    lease_id: str
    item_id: str
    approver_id: str
    expires_at: Timestamp


class ItemShared(Event):
    """To the principal the item was shared with."""

    wire_name: ClassVar[str] = "vault.item_shared"
    item_id: str
    shared_by: str
    can_reveal: bool
