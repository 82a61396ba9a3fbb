"""The MCP server's tests run over SQLite only: what they check is the MCP layer, and the
platform's storage is tested on both engines by the server and client tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'sesame.db'}"
