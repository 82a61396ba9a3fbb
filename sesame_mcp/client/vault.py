"""`client.vault`: vaults and their members, items (metadata, reveal, TOTP, shares), leases
(request, approve, deny, use, revoke), the wallet, alert rules and the access trail
(`/vault`). Its methods are the declared operations; `set_masking_policy` takes the policy
or None, which clears it.

Only `reveal`, `totp` and `use_lease` answer with secret values; everything else is metadata.
"""

from __future__ import annotations

from server_core.features.vault import operations
from sesame_mcp.client.area import Area


class VaultApi(Area, operations.Vault):
    """The caller's vaults. Roles decide what a principal may do: owners and admins
    everything, editors all but delete and members, viewers reveal, `use_only` members only
    through an approved lease."""
