"""`sesame-mcp` and the client start without the platform's storage and web stack: the wire
models they reuse from server_core import nothing of the store, so a server that connects to a
remote platform does not pay for loading them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

PLATFORM_ONLY = ("sqlalchemy", "alembic", "fastapi", "asyncpg", "aiosqlite", "redis")


def loaded_by(module: str) -> set[str]:
    """The top-level packages a fresh interpreter has loaded after importing `module`."""
    code = f"import json, sys, {module}; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return {name.split(".")[0] for name in json.loads(result.stdout)}


@pytest.mark.parametrize("module", ["sesame_mcp.client", "sesame_mcp.cli"])
def test_importing_loads_no_storage_or_web_framework(module: str) -> None:
    assert loaded_by(module) & set(PLATFORM_ONLY) == set()
