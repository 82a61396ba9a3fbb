"""Toolset `vault`: find the secrets you can reach, use them without putting them in your
context, and keep items up to date.

The headline is `lease_secret`: it requests a lease (or reuses one of yours), waits for a
human to approve it when it needs approval, and uses it. Secret values go to a private file by
default (see `sesame_mcp.delivery`); `deliver: "context"` returns them in the result, and only
when asked. Whatever this server decrypts is remembered, and tools that write refuse text
containing it (see `sesame_mcp.guard`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

import anyio
from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from pydantic import Field

from server_core.features.vault.schemas import (
    MASK,
    FieldHint,
    ItemDetail,
    ItemType,
    Lease,
    LeaseStatus,
    VaultItem,
)
from sesame_mcp.client import SesameError
from sesame_mcp.delivery import REVEAL_TTL
from sesame_mcp.notifications import WALLET
from sesame_mcp.registry import ToolFailure, ToolInput, ToolOutput, Toolset
from sesame_mcp.state import Sesame, sesame
from sesame_mcp.toolsets.vault_refs import ITEM_REF, VAULT_REF, resolve_item_id, resolve_vault

# What to do next after a platform refusal, by its error code.
NEXT_STEPS: dict[str, str] = {
    "not_found": "get_wallet lists the items you can reach; list_vault_items finds one by name",
    "vault_access_denied": "your role does not reach this item; request a lease with "
    "lease_secret, or ask an owner or admin of its vault",
    "lease_not_active": "the lease is not active (pending, denied, expired or used up); "
    "list_leases shows its status, lease_secret requests a new one",
    "unknown_field": "get_vault_item lists the item's fields",
    "no_totp_secret": "this item keeps no TOTP secret; get_vault_item shows its fields",
}

TOOLSET = Toolset(
    "vault",
    "Secrets: your wallet, leases, reveal, TOTP codes, creating and rotating items",
    default=False,
    next_steps=NEXT_STEPS,
)

PROGRESS_EVERY = 5.0  # seconds between progress notifications while a lease is pending
POLL_EVERY = 5.0  # re-read a pending lease this often: a denial comes with no event
Deliver = Literal["file", "context"]
DELIVER = (
    "file (default): the values go to a private file whose path is returned, never into "
    "your context; context: return the values in the result (only when you must see them)"
)
ITEM_TYPES = "login, api_key, ssh_key, card, address, note, crypto_wallet, document, config, "
ITEM_TYPES += "env, certificate or token"


# --- finding secrets ----------------------------------------------------------------------


class WalletInput(ToolInput):
    pass


class WalletEntry(ToolOutput):
    id: str
    name: str
    type: str
    access: str = Field(description="vault_member:<role>, share, or lease")
    vault: str | None
    lease_id: str | None
    expires_at: datetime | None

    def render(self) -> str:
        where = f" in {self.vault}" if self.vault else ""
        until = f", until {self.expires_at:%Y-%m-%d %H:%M} UTC" if self.expires_at else ""
        lease = f", lease {self.lease_id}" if self.lease_id else ""
        return f"- {self.name} ({self.type}){where} [{self.id}]: {self.access}{lease}{until}"


class WalletOutput(ToolOutput):
    items: list[WalletEntry] = Field(description="Every item you can reach, and how")

    def render(self) -> str:
        if not self.items:
            return "Your wallet is empty: no vault, share or lease gives you an item."
        lines = [f"{len(self.items)} items you can reach (no secret values here):"]
        lines += [item.render() for item in self.items]
        lines.append("Use one with lease_secret (or reveal_secret where your role allows).")
        return "\n".join(lines)


@TOOLSET.tool(title="My wallet", read_only=True)
async def get_wallet(args: WalletInput, ctx: Context) -> WalletOutput:
    """Everything you can reach in the vault, in one call: items of your vaults (with your
    role), items shared with you, and your active leases. No secret values."""
    return await _wallet(sesame(ctx))


@TOOLSET.extra
def wallet_resource(server: MCPServer, state: Sesame) -> None:
    @server.resource(
        WALLET,
        name="wallet",
        title="My vault wallet",
        description="Every vault item you can reach and how; no secret values (JSON)",
        mime_type="application/json",
    )
    async def wallet() -> str:
        return (await _wallet(state)).model_dump_json()


async def _wallet(state: Sesame) -> WalletOutput:
    wallet = await state.client.vault.wallet()
    items = [
        WalletEntry(
            id=i.id,
            name=i.name,
            type=i.type,
            access=i.access_type,
            vault=i.vault_name,
            lease_id=None,
            expires_at=None,
        )
        for i in wallet.member_items
    ]
    items += [
        WalletEntry(
            id=i.id,
            name=i.name,
            type=i.type,
            access="share" + ("" if i.can_reveal else " (no reveal)"),
            vault=None,
            lease_id=None,
            expires_at=i.expires_at,
        )
        for i in wallet.shared_items
    ]
    items += [
        WalletEntry(
            id=i.id,
            name=i.name,
            type=i.type,
            access="lease",
            vault=None,
            lease_id=i.lease_id,
            expires_at=i.lease_expires_at,
        )
        for i in wallet.leased_items
    ]
    return WalletOutput(items=items)


class ListItemsInput(ToolInput):
    query: str | None = Field(
        default=None, max_length=200, description="Part of the item's name (any case)"
    )
    vault: str | None = Field(default=None, max_length=200, description=VAULT_REF)
    type: ItemType | None = Field(
        default=None, description=f"Only items of this type: {ITEM_TYPES}"
    )


class ItemView(ToolOutput):
    id: str
    name: str
    type: str
    vault_id: str
    tags: list[str]
    url: str | None
    has_totp: bool
    last_rotated_at: datetime | None

    @staticmethod
    def of(item: VaultItem) -> ItemView:
        return ItemView(
            id=item.id,
            name=item.name,
            type=item.type,
            vault_id=item.vault_id,
            tags=item.tags,
            url=item.url,
            has_totp=item.has_totp,
            last_rotated_at=item.last_rotated_at,
        )

    def render(self) -> str:
        extras = [f"tags {', '.join(self.tags)}"] if self.tags else []
        extras += ["TOTP"] if self.has_totp else []
        tail = f" ({'; '.join(extras)})" if extras else ""
        return f"- {self.name} ({self.type}) [{self.id}]{tail}"


class ItemsOutput(ToolOutput):
    items: list[ItemView] = Field(description="Matching items, metadata only")

    def render(self) -> str:
        if not self.items:
            return "No item you can see matches."
        return "\n".join([f"{len(self.items)} items:", *(item.render() for item in self.items)])


@TOOLSET.tool(title="Find vault items", read_only=True)
async def list_vault_items(args: ListItemsInput, ctx: Context) -> ItemsOutput:
    """Search the items you can see by name, vault or type. Metadata only, no values."""
    state = sesame(ctx)
    vault_id = (await resolve_vault(state, args.vault)).id if args.vault else None
    items = await state.client.vault.list_items(vault_id=vault_id, type=args.type, q=args.query)
    return ItemsOutput(items=[ItemView.of(item) for item in items])


class GetItemInput(ToolInput):
    item: str = Field(min_length=1, max_length=200, description=ITEM_REF)
    vault: str | None = Field(
        default=None, max_length=200, description="The item's vault, when its name is not unique"
    )


class ItemDetailOutput(ToolOutput):
    item: ItemView
    fields: dict[str, str] = Field(description="Field key → hint (password, username, …)")
    always_masked: list[str] = Field(description="Hints the vault masks on reveal")

    def render(self) -> str:
        fields = ", ".join(f"{key} ({hint})" for key, hint in self.fields.items())
        masked = (
            f" Masked on reveal: {', '.join(self.always_masked)}." if self.always_masked else ""
        )
        return f"{self.item.render()[2:]}. Fields: {fields or 'none'}.{masked}"


@TOOLSET.tool(title="Vault item details", read_only=True)
async def get_vault_item(args: GetItemInput, ctx: Context) -> ItemDetailOutput:
    """An item's metadata: its fields with their hints, tags, URL. Never values."""
    state = sesame(ctx)
    detail = await state.client.vault.get_item(await resolve_item_id(state, args.item, args.vault))
    return _detail(detail)


def _detail(detail: ItemDetail) -> ItemDetailOutput:
    return ItemDetailOutput(
        item=ItemView.of(detail.item),
        fields={key: detail.field_hints.get(key, "other") for key in detail.field_keys},
        always_masked=list(detail.masking_policy.always_mask),
    )


# --- using secrets ------------------------------------------------------------------------


class SecretOutput(ToolOutput):
    item_id: str
    fields: list[str] = Field(description="The field keys delivered")
    file: str | None = Field(description="deliver=file: the private JSON file holding them")
    values: dict[str, str] | None = Field(description="deliver=context: the values")
    masked: list[str] = Field(description="Fields the vault's policy masked")
    removed_at: datetime | None = Field(description="When the file is removed")

    def where(self) -> str:
        if self.file is not None:
            until = f" until {self.removed_at:%H:%M:%S} UTC" if self.removed_at else ""
            return (
                f"written to {self.file} (JSON, mode 0600, kept{until}); read it with a "
                f"program, e.g. jq -r '.{self.fields[0] if self.fields else 'field'}' FILE. "
                "Do not print it or paste its values anywhere."
            )
        values = ", ".join(f"{key}={value}" for key, value in (self.values or {}).items())
        return f"values: {values}. Use them now and do not repeat them in any message."


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


@TOOLSET.tool(title="Lease a secret", read_only=False)
async def lease_secret(args: LeaseSecretInput, ctx: Context) -> LeaseSecretOutput:
    """Get a secret the safe way: request a lease (or reuse your active one), wait while a
    human approves it, then use it. Values go to a private file by default, not into your
    context. Each call spends one use."""
    state = sesame(ctx)
    _check_delivery(state, args.deliver)
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
    delivered = await _deliver(
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


class RevealSecretInput(ToolInput):
    item: str = Field(min_length=1, max_length=200, description=ITEM_REF)
    vault: str | None = Field(
        default=None, max_length=200, description="The item's vault, when its name is not unique"
    )
    fields: list[str] | None = Field(
        default=None, max_length=100, description="Only these field keys; omit for all"
    )
    deliver: Deliver = Field(default="file", description=DELIVER)


class RevealSecretOutput(SecretOutput):
    def render(self) -> str:
        masked = f" Masked by the vault's policy: {', '.join(self.masked)}." if self.masked else ""
        return f"Revealed {', '.join(self.fields)}: {self.where()}{masked}"


@TOOLSET.tool(title="Reveal a secret", read_only=False)
async def reveal_secret(args: RevealSecretInput, ctx: Context) -> RevealSecretOutput:
    """Decrypt an item's fields directly (vault viewers and up; use_only members use
    lease_secret). Audited. Values go to a private file by default, not into your context;
    prefer lease_secret, whose access ends by itself."""
    state = sesame(ctx)
    _check_delivery(state, args.deliver)
    item_id = await resolve_item_id(state, args.item, args.vault)
    revealed = await state.client.vault.reveal(item_id, fields=args.fields)
    delivered = await _deliver(
        state,
        item_id,
        revealed.fields,
        None,
        args.deliver,
        key=f"reveal:{item_id}",
        until=None,
        hints=dict(revealed.field_hints),
    )
    return RevealSecretOutput(**delivered)


def _check_delivery(state: Sesame, deliver: Deliver) -> None:
    if deliver == "file" and state.remote:
        raise ToolFailure(
            "this server runs on another machine, so a file it writes would not reach you. "
            "Next: pass deliver='context' to get the values in the result, and use them "
            "without repeating them."
        )


async def _deliver(
    state: Sesame,
    item_id: str,
    values: dict[str, str],
    wanted: list[str] | None,
    deliver: Deliver,
    *,
    key: str,
    until: datetime | None,
    hints: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Hand decrypted values over as asked, remembering them for the outbound guard."""
    if wanted:
        unknown = sorted(set(wanted) - values.keys())
        if unknown:
            known = ", ".join(sorted(values))
            raise ToolFailure(f"the item has no field {', '.join(unknown)}; its fields: {known}.")
        values = {name: values[name] for name in wanted}
    if hints is None:
        hints = await _hints(state, item_id)
    label = f"item {item_id}"
    masked = [name for name, value in values.items() if value == MASK]
    clear = {name: value for name, value in values.items() if value != MASK}
    state.guard.remember(label, clear, hints)
    file, removed_at = None, None
    if deliver == "file":
        removed_at = until or datetime.now(UTC) + REVEAL_TTL
        file = str(state.files.write(key, item_id, values, removed_at))
    return {
        "item_id": item_id,
        "fields": list(values),
        "file": file,
        "values": values if deliver == "context" else None,
        "masked": masked,
        "removed_at": removed_at,
    }


async def _hints(state: Sesame, item_id: str) -> dict[str, str]:
    """The item's field hints; none when its metadata is out of reach (the guard then
    remembers every value)."""
    try:
        detail = await state.client.vault.get_item(item_id)
    except SesameError:
        return {}
    return dict(detail.field_hints)


class TotpInput(ToolInput):
    item: str = Field(min_length=1, max_length=200, description=ITEM_REF)
    vault: str | None = Field(
        default=None, max_length=200, description="The item's vault, when its name is not unique"
    )


class TotpOutput(ToolOutput):
    code: str
    expires_in: int = Field(description="Seconds it stays valid")

    def render(self) -> str:
        return f"TOTP code {self.code}, valid {self.expires_in} more seconds. Do not post it."


@TOOLSET.tool(title="TOTP code", read_only=False)
async def get_totp_code(args: TotpInput, ctx: Context) -> TotpOutput:
    """The current one-time code of an item with a TOTP secret (audited). Use it at once;
    the code, not the secret, is returned."""
    state = sesame(ctx)
    item_id = await resolve_item_id(state, args.item, args.vault)
    totp = await state.client.vault.totp(item_id)
    state.guard.remember(f"item {item_id}", {"totp code": totp.code})
    return TotpOutput(code=totp.code, expires_in=totp.expires_in)


# --- leases -------------------------------------------------------------------------------


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


@TOOLSET.tool(title="List leases", read_only=True)
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


@TOOLSET.tool(title="Revoke a lease", read_only=False, destructive=True, idempotent=True)
async def revoke_lease(args: RevokeLeaseInput, ctx: Context) -> RevokedOutput:
    """End a lease at once when you are done with it (and remove its secret file)."""
    state = sesame(ctx)
    lease_id = args.lease.strip().lower()
    lease = await state.client.vault.revoke_lease(lease_id)
    state.files.discard(lease_id)
    return RevokedOutput(lease=LeaseView.of(lease))


# --- keeping items ------------------------------------------------------------------------


class CreateItemInput(ToolInput):
    vault: str = Field(min_length=1, max_length=200, description=VAULT_REF)
    name: str = Field(min_length=1, max_length=200, description="The item's name")
    type: ItemType = Field(description=f"The item's type: {ITEM_TYPES}")
    fields: dict[str, str] = Field(
        min_length=1, description="Field key → secret value, e.g. {'password': '…'}"
    )
    field_hints: dict[str, FieldHint] | None = Field(
        default=None, description="Field key → hint (password, username, totp, …); inferred"
    )
    url: str | None = Field(default=None, max_length=2048, description="Where it is used")
    notes: str | None = Field(default=None, max_length=10_000, description="Notes (not secret)")
    tags: list[str] | None = Field(default=None, max_length=50, description="Labels to find it")


class ItemSavedOutput(ItemDetailOutput):
    created: bool

    def render(self) -> str:
        verb = "Created" if self.created else "Updated"
        return f"{verb} {super().render()}"


@TOOLSET.tool(title="Store a secret", read_only=False, carries_secrets=True)
async def create_vault_item(args: CreateItemInput, ctx: Context) -> ItemSavedOutput:
    """Store a new secret in a vault (editors and up): each field is encrypted on its own.
    Use it for credentials you generate, instead of keeping them anywhere else."""
    state = sesame(ctx)
    vault = await resolve_vault(state, args.vault)
    detail = await state.client.vault.create_item(
        vault.id,
        args.name,
        args.type,
        args.fields,
        field_hints=args.field_hints,
        url=args.url,
        notes=args.notes,
        tags=args.tags,
    )
    return ItemSavedOutput(**_detail(detail).model_dump(), created=True)


class UpdateItemInput(ToolInput):
    item: str = Field(min_length=1, max_length=200, description=ITEM_REF)
    vault: str | None = Field(
        default=None, max_length=200, description="The item's vault, when its name is not unique"
    )
    name: str | None = Field(default=None, min_length=1, max_length=200, description="New name")
    fields: dict[str, str] | None = Field(
        default=None, description="Field key → new value; merged, others stay (a rotation)"
    )
    field_hints: dict[str, FieldHint] | None = Field(default=None, description="New hints")
    url: str | None = Field(default=None, max_length=2048, description="New URL")
    notes: str | None = Field(default=None, max_length=10_000, description="New notes")
    tags: list[str] | None = Field(default=None, max_length=50, description="New tags (replace)")


@TOOLSET.tool(
    title="Update or rotate a secret",
    read_only=False,
    destructive=True,
    idempotent=True,
    carries_secrets=True,
)
async def update_vault_item(args: UpdateItemInput, ctx: Context) -> ItemSavedOutput:
    """Change an item (editors and up): new values for some fields (a rotation), its name,
    hints, URL, notes or tags. Fields not given keep their values."""
    state = sesame(ctx)
    changes = args.model_dump(exclude={"item", "vault"}, exclude_none=True)
    if not changes:
        raise ToolFailure("give at least one of name, fields, field_hints, url, notes, tags.")
    item_id = await resolve_item_id(state, args.item, args.vault)
    detail = await state.client.vault.update_item(item_id, **changes)
    return ItemSavedOutput(**_detail(detail).model_dump(), created=False)
