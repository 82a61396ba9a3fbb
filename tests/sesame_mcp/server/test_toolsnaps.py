"""The whole tool surface of every toolset, pinned one file per tool: a change to what agents
see is a diff in review.

`tests/sesame_mcp/toolsnaps/<tool name>.json` holds each tool's name, title, description,
hints and input and output schemas, exactly as `tools/list` gives them with every toolset on.
After an intended change, rewrite the files and review them:

    UPDATE_TOOLSNAPS=1 uv run pytest tests/sesame_mcp/server/test_toolsnaps.py
    git status tests/sesame_mcp/toolsnaps && git diff tests/sesame_mcp/toolsnaps

Update mode writes the files of new and changed tools and removes those of tools that no
longer exist; it is refused under CI, where the files are only checked."""

from __future__ import annotations

import difflib
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.types import Tool

from tests.conftest import in_ci

pytestmark = pytest.mark.anyio

TOOLSNAPS = Path(__file__).parent.parent / "toolsnaps"
UPDATE_ENV = "UPDATE_TOOLSNAPS"
SAFE_NAME = re.compile(r"[A-Za-z0-9_-]+")  # a tool name that is a plain file name


def updating() -> bool:
    """Whether this run rewrites the toolsnaps: UPDATE_TOOLSNAPS=1, and never under CI."""
    value = os.environ.get(UPDATE_ENV, "")
    if value in ("", "0"):
        return False
    if value != "1":
        pytest.fail(f"{UPDATE_ENV} must be 1 or unset, not {value!r}", pytrace=False)
    if in_ci():
        pytest.fail(
            f"{UPDATE_ENV}=1 is refused under CI: update the toolsnaps locally and commit them",
            pytrace=False,
        )
    return True


def snapshot_of(tool: Tool) -> dict[str, Any]:
    """What a toolsnap pins: everything an agent sees of the tool."""
    return {
        "name": tool.name,
        "title": tool.title,
        "description": tool.description,
        "annotations": tool.annotations.model_dump(exclude_none=True) if tool.annotations else None,
        "input_schema": tool.input_schema,
        "output_schema": tool.output_schema,
    }


def render(snapshot: dict[str, Any]) -> str:
    """A toolsnap file's text: indented JSON ending in a newline, its keys sorted (the protocol
    eras list a schema's keywords in different orders; the files must not depend on it)."""
    return json.dumps(snapshot, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def path_of(name: str) -> Path:
    return TOOLSNAPS / f"{name}.json"


def diff(name: str, stored: str, listed: str) -> str:
    lines = difflib.unified_diff(
        stored.splitlines(keepends=True),
        listed.splitlines(keepends=True),
        fromfile=f"toolsnaps/{name}.json",
        tofile=f"{name} as listed now",
    )
    return "".join(lines)


async def test_every_tool_matches_its_toolsnap(mcp_all: Client) -> None:
    update = updating()
    tools = (await mcp_all.list_tools()).tools
    listed: dict[str, str] = {}
    for tool in tools:
        assert SAFE_NAME.fullmatch(tool.name), f"tool name {tool.name!r} is no file name"
        assert tool.name not in listed, f"tool {tool.name} is listed twice"
        listed[tool.name] = render(snapshot_of(tool))
    stored = {path.stem: path.read_text(encoding="utf-8") for path in TOOLSNAPS.glob("*.json")}

    if update:
        TOOLSNAPS.mkdir(exist_ok=True)
        for name, text in listed.items():
            if stored.get(name) != text:
                path_of(name).write_text(text, encoding="utf-8", newline="\n")
        for name in stored.keys() - listed.keys():
            path_of(name).unlink()
        return

    problems = [
        f"no snapshot for tool {name}: run with {UPDATE_ENV}=1 and review the new file"
        for name in sorted(listed.keys() - stored.keys())
    ]
    problems += [
        f"snapshot for tool {name}, which no longer exists: run with {UPDATE_ENV}=1 to remove "
        f"toolsnaps/{name}.json"
        for name in sorted(stored.keys() - listed.keys())
    ]
    problems += [
        f"tool {name} changed: if intended, run with {UPDATE_ENV}=1 and review the diff\n"
        + diff(name, stored[name], listed[name])
        for name in sorted(listed.keys() & stored.keys())
        if stored[name] != listed[name]
    ]
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)
