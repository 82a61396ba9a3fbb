"""Push tests share messaging's `team`, and accept http endpoints on loopback so a receiver in
the test can stand in for a push service."""

from __future__ import annotations

from typing import Any

import pytest

from tests.server_core.features.messaging.conftest import team as team


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"open_registration": True, "push_allow_insecure_endpoints": True}
