"""Fixtures of the platform's tests."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import pytest

from server_core.kernel.platform import Platform
from tests.server_core.captured import Captured, capture


@pytest.fixture
def captured_events(
    platform: Platform,
) -> Callable[[], contextlib.AbstractAsyncContextManager[Captured]]:
    """`async with captured_events() as captured:` records what the block publishes (see
    `tests/server_core/captured.py`)."""
    return lambda: capture(platform)
