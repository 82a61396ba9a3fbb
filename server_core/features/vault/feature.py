"""The vault feature: its routes, events, errors and background work."""

from __future__ import annotations

from server_core.features.vault import lease_expiry
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
from server_core.features.vault.routes import router
from server_core.kernel.feature import Feature, Worker

FEATURE = Feature(
    "vault",
    routers=[router],
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
