"""Toolset `vault`, direct access: `reveal_secret` decrypts an item's fields (vault viewers and
up), `get_totp_code` gives the current one-time code of an item with a TOTP secret. Both are
audited; `lease_secret` is the safer way to a secret, its access ends by itself.
"""

from __future__ import annotations

from mcp.server.mcpserver import Context
from pydantic import Field

from sesame_mcp.registry import ToolInput, ToolOutput
from sesame_mcp.state import sesame
from sesame_mcp.toolsets.vault.handover import (
    DELIVER,
    Deliver,
    SecretOutput,
    check_delivery,
    hand_over,
)
from sesame_mcp.toolsets.vault.refs import ITEM_REF, resolve_item_id
from sesame_mcp.toolsets.vault.toolsets import VAULT


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


@VAULT.tool(title="Reveal a secret", read_only=False)
async def reveal_secret(args: RevealSecretInput, ctx: Context) -> RevealSecretOutput:
    """Decrypt an item's fields directly (vault viewers and up; use_only members use
    lease_secret). Audited. Values go to a private file by default, not into your context;
    prefer lease_secret, whose access ends by itself."""
    state = sesame(ctx)
    check_delivery(state, args.deliver)
    item_id = await resolve_item_id(state, args.item, args.vault)
    revealed = await state.client.vault.reveal(item_id, fields=args.fields)
    delivered = await hand_over(
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


@VAULT.tool(title="TOTP code", read_only=False)
async def get_totp_code(args: TotpInput, ctx: Context) -> TotpOutput:
    """The current one-time code of an item with a TOTP secret (audited). Use it at once;
    the code, not the secret, is returned."""
    state = sesame(ctx)
    item_id = await resolve_item_id(state, args.item, args.vault)
    totp = await state.client.vault.totp(item_id)
    state.guard.remember(f"item {item_id}", {"totp code": totp.code})
    return TotpOutput(code=totp.code, expires_in=totp.expires_in)
