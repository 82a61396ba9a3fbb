"""The drive's MCP tests run the server on a port chosen before it starts, so the signed
links it hands out (which name its public origin) lead back to it."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest

from server_core.kernel.platform import Platform
from tests.server_core.gateway.conftest import Live, running


@pytest.fixture
def port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        found: int = probe.getsockname()[1]
        return found


@pytest.fixture
def settings_overrides(port: int) -> dict[str, Any]:
    return {"port": port}


@pytest.fixture
async def live(platform: Platform, port: int) -> AsyncIterator[Live]:
    async with running(platform, port=port) as server:
        yield server
