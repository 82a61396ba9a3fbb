"""Fixtures of the platform's tests."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import pytest

from server_core.kernel.platform import Platform
from tests.server_core.blob_stores import deselect_s3_on_postgresql
from tests.server_core.captured import Captured, capture


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests on both blob engines run their S3 variant on SQLite only (`blob_stores.py`)."""
    deselect_s3_on_postgresql(config, items)


@pytest.fixture
def captured_events(
    platform: Platform,
) -> Callable[[], contextlib.AbstractAsyncContextManager[Captured]]:
    """`async with captured_events() as captured:` records what the block publishes (see
    `tests/server_core/captured.py`)."""
    return lambda: capture(platform)
