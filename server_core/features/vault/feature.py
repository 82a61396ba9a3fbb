"""The vault feature: which service answers each operation, its events, errors and background
work."""

from __future__ import annotations

from server_core.features.vault import alerts, lease_expiry, leases, service
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
from server_core.kernel.feature import Feature, Worker

FEATURE = Feature(
    "vault",
    serves={
        Vault.create_vault: service.create_vault,
        Vault.list_vaults: service.list_vaults,
        Vault.get_vault: service.get_vault,
        Vault.update_vault: service.update_vault,
        Vault.delete_vault: service.delete_vault,
        Vault.set_masking_policy: service.set_masking_policy,
        Vault.add_member: service.add_member,
        Vault.list_members: service.list_members,
        Vault.remove_member: service.remove_member,
        Vault.create_item: service.create_item,
        Vault.list_items: service.list_items,
        Vault.attachment_download_url: service.attachment_download_url,
        Vault.get_item: service.get_item,
        Vault.reveal: service.reveal,
        Vault.totp: service.totp,
        Vault.update_item: service.update_item,
        Vault.delete_item: service.delete_item,
        Vault.share: service.share_item,
        Vault.revoke_share: service.revoke_share,
        Vault.attachment_upload_url: service.attachment_upload_url,
        Vault.request_lease: leases.request_lease,
        Vault.list_leases: leases.list_leases,
        Vault.approve_lease: leases.approve_lease,
        Vault.deny_lease: leases.deny_lease,
        Vault.use_lease: leases.use_lease,
        Vault.revoke_lease: leases.revoke_lease,
        Vault.wallet: service.wallet,
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
    workers=[
        Worker(
            "expired vault leases",
            lease_expiry.run_once,
            lambda _: lease_expiry.INTERVAL_SECONDS,
        )
    ],
)
