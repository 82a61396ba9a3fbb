"""The repository is laid out by feature: each feature of `server_core.features.NAMES` has a
folder of that name in the platform, its area of the SDK client, a package of MCP toolsets
and a folder of tests, so whoever works on one feature finds all of it under one name."""

from __future__ import annotations

from pathlib import Path

import pytest

from server_core.features import NAMES
from sesame_mcp.toolsets import ALL_TOOLSETS

ROOT = Path(__file__).resolve().parents[1]

# The SDK serves messaging as two areas, `client.channels` and `client.messages`, one per
# operation group of the feature (`operations.Channels`, `operations.Messages`).
CLIENT_MODULES: dict[str, tuple[str, ...]] = {"messaging": ("channels", "messages")}

# Toolsets that serve no one feature: waiting on the event feed (every feature's events) and
# switching the other toolsets on and off.
CROSS_CUTTING = {"sesame_mcp.toolsets.events", "sesame_mcp.toolsets.switch"}

MAX_LINES = 400  # past this a toolset module is split


def package(path: Path) -> bool:
    return path.is_dir() and (path / "__init__.py").is_file()


@pytest.mark.parametrize("name", NAMES)
def test_the_platform_has_a_folder_per_feature(name: str) -> None:
    assert package(ROOT / "server_core" / "features" / name)
    assert (ROOT / "server_core" / "features" / name / "feature.py").is_file()


@pytest.mark.parametrize("name", NAMES)
def test_the_client_has_a_module_per_feature(name: str) -> None:
    for module in CLIENT_MODULES.get(name, (name,)):
        assert (ROOT / "sesame_mcp" / "client" / f"{module}.py").is_file(), module


@pytest.mark.parametrize("name", NAMES)
def test_the_mcp_server_has_a_toolsets_package_per_feature(name: str) -> None:
    assert package(ROOT / "sesame_mcp" / "toolsets" / name)


@pytest.mark.parametrize("name", NAMES)
def test_the_tests_have_a_folder_per_feature(name: str) -> None:
    assert package(ROOT / "tests" / "server_core" / "features" / name)
    assert package(ROOT / "tests" / "sesame_mcp" / "toolsets" / name)


def test_every_tool_lives_in_its_feature_package_or_is_cross_cutting() -> None:
    prefixes = tuple(f"sesame_mcp.toolsets.{name}." for name in NAMES)
    misplaced = [
        (spec.name, spec.handler.__module__)
        for toolset in ALL_TOOLSETS
        for spec in toolset.tools
        if not spec.handler.__module__.startswith(prefixes)
        and spec.handler.__module__ not in CROSS_CUTTING
    ]
    assert misplaced == []


def test_no_toolsets_module_is_too_long() -> None:
    lengths = {
        str(path.relative_to(ROOT)): len(path.read_text().splitlines())
        for path in (ROOT / "sesame_mcp" / "toolsets").rglob("*.py")
    }
    assert {path: n for path, n in lengths.items() if n > MAX_LINES} == {}
