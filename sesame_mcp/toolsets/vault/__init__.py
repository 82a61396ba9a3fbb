"""The `vault` feature's tools: toolsets `vault` and `vault_admin`, declared in `toolsets.py`
with what to do after their errors.

Toolset `vault`, an agent's secrets, in the order `tools/list` shows them:

- `wallet.py`: finding them (`get_wallet` and the wallet resource, `list_vault_items`,
  `get_vault_item`), metadata only;
- `lease_secret.py`: the headline, leasing a secret and waiting for its approval;
- `reveal.py`: `reveal_secret`, `get_totp_code`;
- `handover.py`: how both hand decrypted values over (a private file, or the result);
- `leases.py`: `list_leases`, `revoke_lease`;
- `items.py`: `create_vault_item`, `update_vault_item`;
- `attachments.py`: `attach_vault_file`, `get_vault_attachment`, `delete_vault_attachment`
  (files kept with an item).

Toolset `vault_admin`, running vaults: `vault_info.py`, `vaults.py` (create, update, delete),
`access.py` (members; sharing, unsharing and deleting an item), `decisions.py` (approve and
deny leases, asking the human first), `alerts.py`; `views.py` holds their views. `refs.py`
names vaults and items for both toolsets.
"""

# The modules declare their tools as they load: the order they load in is the order the tools
# are listed in.
# isort: off
from sesame_mcp.toolsets.vault import wallet, lease_secret, reveal, leases, items  # noqa: F401
from sesame_mcp.toolsets.vault import attachments  # noqa: F401
from sesame_mcp.toolsets.vault import vault_info, vaults, access, decisions, alerts  # noqa: F401

# isort: on
from sesame_mcp.toolsets.vault.toolsets import VAULT, VAULT_ADMIN

__all__ = ["VAULT", "VAULT_ADMIN"]
