"""How vault tools name things: a vault by id or name, an item by id or name (within a vault
when one is given), a lease by id. Names are matched case-insensitively; a name two things
share is refused with their ids, so the agent can pick one."""

from __future__ import annotations

from server_core.features.vault.schemas import Vault, VaultItem
from sesame_mcp.registry import ToolFailure
from sesame_mcp.state import Sesame
from sesame_mcp.toolsets.messaging.refs import UUID, only_one

VAULT_REF = "The vault: its name or id"
ITEM_REF = "The item: its name or id"


async def resolve_vault(state: Sesame, ref: str) -> Vault:
    """The vault `ref` names among the caller's vaults."""
    ref = ref.strip()
    if UUID.match(ref):
        return await state.client.vault.get_vault(ref.lower())
    wanted = ref.casefold()
    found = [v for v in await state.client.vault.list_vaults() if v.name.casefold() == wanted]
    return only_one(found, ref, "vaults", missing="Next: get_wallet shows the items you can reach.")


async def resolve_item_id(state: Sesame, ref: str, vault: str | None = None) -> str:
    """The id of the item `ref` names: an id as given, a name looked up among the items the
    caller can see (in `vault`, a vault name or id, when given)."""
    ref = ref.strip()
    if UUID.match(ref):
        return ref.lower()
    return (await find_item(state, ref, vault)).id


async def find_item(state: Sesame, name: str, vault: str | None = None) -> VaultItem:
    """The item named `name` (case-insensitively) among those the caller can see."""
    vault_id = (await resolve_vault(state, vault)).id if vault else None
    candidates = await state.client.vault.list_items(vault_id=vault_id, q=name)
    wanted = name.casefold()
    found = [item for item in candidates if item.name.casefold() == wanted]
    if not found:
        raise ToolFailure(
            f"no item you can see is named {name!r}. Next: get_wallet lists the items you "
            "can reach, by name."
        )
    if len(found) > 1:
        listed = ", ".join(f"{item.id} (vault {item.vault_id})" for item in found)
        raise ToolFailure(
            f"several items are named {name!r}: {listed}. Name one by id, or give its vault."
        )
    return found[0]
