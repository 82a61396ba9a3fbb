"""The auth feature: which service answers each operation, and its errors."""

from __future__ import annotations

from server_core.features.auth import service
from server_core.features.auth.errors import EmailTaken, RefreshTokenReused, RegistrationClosed
from server_core.features.auth.operations import Auth
from server_core.kernel.feature import Feature

FEATURE = Feature(
    "auth",
    serves={
        Auth.register: service.do_register,
        Auth.login: service.do_login,
        Auth.refresh: service.do_refresh,
        Auth.me: service.access_me,
        Auth.update_profile: service.do_update_profile,
    },
    errors=[RefreshTokenReused, RegistrationClosed, EmailTaken],
)
