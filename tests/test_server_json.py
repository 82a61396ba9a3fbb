"""server.json, the MCP registry's entry for the package: its version is the package's, and it
lists only environment variables that sesame-mcp reads."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
from pydantic import AliasChoices

from sesame_mcp.config import McpSettings

ROOT = Path(__file__).resolve().parents[1]


def _entry() -> dict[str, Any]:
    entry: dict[str, Any] = json.loads((ROOT / "server.json").read_text())
    return entry


def _project() -> dict[str, Any]:
    project: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return project


def _package() -> dict[str, Any]:
    [package] = _entry()["packages"]
    assert isinstance(package, dict)
    return package


def read_variables() -> set[str]:
    """The environment variables McpSettings reads: a field's aliases, else prefix + name."""
    prefix = McpSettings.model_config.get("env_prefix", "")
    names = set()
    for name, field in McpSettings.model_fields.items():
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            names.update(c for c in alias.choices if isinstance(c, str) and c.startswith(prefix))
        else:
            names.add(f"{prefix}{name}".upper())
    return names


def test_the_versions_are_the_package_version() -> None:
    version = _project()["version"]
    assert _entry()["version"] == version
    assert _package()["version"] == version


def test_it_names_the_pypi_package_over_stdio() -> None:
    package = _package()
    assert package["registryType"] == "pypi"
    assert package["identifier"] == _project()["name"] == "sesame-mcp"
    assert package["transport"] == {"type": "stdio"}
    entry = _entry()
    assert entry["$schema"].startswith("https://static.modelcontextprotocol.io/schemas/")
    assert entry["name"].count("/") == 1
    assert entry["name"].endswith("/sesame-mcp")
    assert 0 < len(entry["description"]) <= 100


def test_the_readme_carries_the_name_pypi_ownership_is_checked_with() -> None:
    assert f"mcp-name: {_entry()['name']}" in (ROOT / "README.md").read_text()


def test_every_variable_listed_is_one_sesame_mcp_reads() -> None:
    listed = [variable["name"] for variable in _package()["environmentVariables"]]
    assert len(listed) == len(set(listed))
    assert set(listed) <= read_variables()
    assert {"SESAME_API_URL", "SESAME_API_KEY"} <= set(listed)


def _a_value(variable: dict[str, Any]) -> str:
    if variable.get("choices"):
        return str(variable["choices"][-1])
    if variable.get("format") == "boolean":
        return "false" if variable.get("default") == "true" else "true"
    return "/elsewhere" if variable.get("format") == "filepath" else "some-value"


@pytest.mark.parametrize(
    "variable", _package()["environmentVariables"], ids=lambda variable: variable["name"]
)
def test_setting_a_listed_variable_changes_the_settings(
    variable: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in read_variables():
        monkeypatch.delenv(name, raising=False)
    default = McpSettings().model_dump()
    monkeypatch.setenv(variable["name"], _a_value(variable))
    assert McpSettings().model_dump() != default
