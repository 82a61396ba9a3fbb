"""The vault feature: which service answers each operation, its events, errors, background
work (expiring leases, removing the blobs of deleted attachments) and the signed links of its
attachments."""

from __future__ import annotations

from server_core.features.vault import (
    alerts,
    attachments,
    items,
    lease_expiry,
    leases,
    members,
    shares,
    vaults,
    wallet,
)
from server_core.features.vault.attachment_transfers import ROUTES
from server_core.features.vault.blob_removals import sweep_periodically
from server_core.features.vault.errors import (
    AuditUnavailable,
    FieldUnreadable,
    InvalidTotpSecret,
    LeaseNotActive,
    LeaseNotPending,
    NoTotpSecret,
    UnknownField,
    VaultAccessDenied,
    VaultNotFound,
)
from server_core.features.vault.events import ItemShared, LeaseApproved, LeaseRequested
from server_core.features.vault.operations import Vault
from server_core.kernel.feature import Feature, Loop, Worker

FEATURE = Feature(
    "vault",
    serves={
        Vault.create_vault: vaults.create_vault,
        Vault.list_vaults: vaults.list_vaults,
        Vault.get_vault: vaults.get_vault,
        Vault.update_vault: vaults.update_vault,
        Vault.delete_vault: vaults.delete_vault,
        Vault.set_masking_policy: vaults.set_masking_policy,
        Vault.add_member: members.add_member,
        Vault.list_members: members.list_members,
        Vault.remove_member: members.remove_member,
        Vault.create_item: items.create_item,
        Vault.list_items: items.list_items,
        Vault.attachment_download_url: attachments.attachment_download_url,
        Vault.get_item: items.get_item,
        Vault.reveal: items.reveal,
        Vault.totp: items.totp,
        Vault.update_item: items.update_item,
        Vault.delete_item: items.delete_item,
        Vault.share: shares.share_item,
        Vault.revoke_share: shares.revoke_share,
        Vault.attachment_upload_url: attachments.attachment_upload_url,
        Vault.delete_attachment: attachments.delete_attachment,
        Vault.request_lease: leases.request_lease,
        Vault.list_leases: leases.list_leases,
        Vault.approve_lease: leases.approve_lease,
        Vault.deny_lease: leases.deny_lease,
        Vault.use_lease: leases.use_lease,
        Vault.revoke_lease: leases.revoke_lease,
        Vault.wallet: wallet.wallet,
        Vault.create_alert: alerts.create_alert,
        Vault.list_alerts: alerts.list_alerts,
        Vault.delete_alert: alerts.delete_alert,
        Vault.events: alerts.list_events,
        Vault.item_events: alerts.list_item_events,
    },
    events=[LeaseRequested, LeaseApproved, ItemShared],
    errors=[
        UnknownField,
        NoTotpSecret,
        InvalidTotpSecret,
        VaultAccessDenied,
        VaultNotFound,
        LeaseNotPending,
        LeaseNotActive,
        AuditUnavailable,
        FieldUnreadable,
    ],
    routes=ROUTES,
    loops=[Loop("blobs of deleted vault attachments", sweep_periodically)],
    workers=[
        Worker(
            "expired vault leases",
            lease_expiry.run_once,
            lambda _: lease_expiry.INTERVAL_SECONDS,
        )
    ],
)
