"""`client.vault`: vaults and their members, items (metadata, reveal, TOTP, shares), leases
(request, approve, deny, use, revoke), the wallet, alert rules and the access trail
(`/vault`). Its methods are the declared operations; `set_masking_policy` takes the policy
or None, which clears it.

Only `reveal`, `totp` and `use_lease` answer with secret values; everything else is metadata.
"""

from __future__ import annotations

from server_core.features.vault import operations
from server_core.features.vault.schemas import MaskingPolicy, Vault
from sesame_mcp.client.area import Area, Request


class VaultApi(Area, operations.Vault):
    """The caller's vaults. Roles decide what a principal may do: owners and admins
    everything, editors all but delete and members, viewers reveal, `use_only` members only
    through an approved lease."""

    async def set_masking_policy(self, vault_id: str, policy: MaskingPolicy | None) -> Vault:
        """Set the vault's masking policy, or clear it with None. (A None is left out of the
        body of a PUT, but the field is required: clearing sends it as null.)"""
        operation = operations.Vault.set_masking_policy
        request = Request.of(operation, (vault_id, policy or MaskingPolicy()), {})
        body = request.body if policy is not None else {"maskingPolicy": None}
        answer: Vault = await self._client.perform(operation, request.path, body, request.query)
        return answer
