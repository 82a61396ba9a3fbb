"""Work stream tests share messaging's `team` (two humans, the first an admin, and two agents)
and keep only a few output events per stream, so retention shows."""

from __future__ import annotations

from typing import Any

import pytest

from tests.server_core.features.messaging.conftest import team as team

RETENTION = 5


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"open_registration": True, "work_stream_event_retention": RETENTION}
