"""The vault feature's two toolsets, and what to do next after a platform refusal in each:
`vault` (an agent's secrets: wallet, leases, reveal, TOTP, items) and `vault_admin` (running
vaults: members, shares, masking, lease decisions, alert rules, the trail). Their tools are
declared in the modules beside this one.
"""

from __future__ import annotations

from sesame_mcp.registry import Toolset

# Toolset `vault`: what to do next after a platform refusal, by its error code.
VAULT_STEPS: dict[str, str] = {
    "not_found": "get_wallet lists the items you can reach; list_vault_items finds one by name",
    "vault_access_denied": "your role does not reach this item; request a lease with "
    "lease_secret, or ask an owner or admin of its vault",
    "lease_not_active": "the lease is not active (pending, denied, expired or used up); "
    "list_leases shows its status, lease_secret requests a new one",
    "unknown_field": "get_vault_item lists the item's fields",
    "no_totp_secret": "this item keeps no TOTP secret; get_vault_item shows its fields",
}

VAULT = Toolset(
    "vault",
    "Secrets: your wallet, leases, reveal, TOTP codes, creating and rotating items",
    default=False,
    next_steps=VAULT_STEPS,
)

# Toolset `vault_admin`: what to do next after a platform refusal, by its error code.
VAULT_ADMIN_STEPS: dict[str, str] = {
    "vault_access_denied": "your role in this vault does not allow it; vault_info("
    "view='members') shows its owners and admins: ask one of them",
    "forbidden": "your role does not allow it; vault_info(view='members') shows the vault's "
    "owners and admins: ask one of them",
    "not_found": "vault_info lists your vaults; get_wallet the items you can reach",
    "lease_not_pending": "the lease was decided already; list_leases shows its status",
    "conflict": "vault_info(view='members') shows the roles now; add another owner first "
    "when the vault would be left without one",
}

VAULT_ADMIN = Toolset(
    "vault_admin",
    "Run vaults: details, members, shares, masking, lease approvals, alert rules, the trail",
    default=False,
    next_steps=VAULT_ADMIN_STEPS,
)
