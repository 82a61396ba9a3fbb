"""Generate the reference tables of the docs from the code: the operations table of
docs/api.md (from the feature inventory's declarations) and the toolset and tool tables of
docs/mcp.md (from the MCP registry). Each table sits between `<!-- generated:NAME -->` and
`<!-- /generated:NAME -->` markers; the prose around it is written by hand.

    uv run python scripts/generate_docs.py          # rewrite the tables
    uv run python scripts/generate_docs.py --check  # exit 1 if a table is out of date
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from server_core.features import features  # noqa: E402
from server_core.kernel.operations import Operation  # noqa: E402
from sesame_mcp.registry import ToolSpec  # noqa: E402
from sesame_mcp.toolsets import ALL_TOOLSETS  # noqa: E402

WHO = {"public": "anyone", "principal": "any principal", "human": "humans"}


def operations_table() -> str:
    lines = []
    for feature in features():
        for area in dict.fromkeys(op.area for op in feature.serves):
            lines += [
                "",
                f"### `{area}`",
                "",
                "| SDK | method and path | who | answers | errors | what it does |",
                "|---|---|---|---|---|---|",
            ]
            for operation in feature.serves:
                if operation.area == area:
                    lines.append(_operation_row(operation))
    return "\n".join(lines[1:])


def _operation_row(operation: Operation[Any]) -> str:
    answers = " / ".join(str(status) for status in [operation.status, *operation.also])
    if operation.paged:
        answers += " (paged)"
    errors = "; ".join(
        f"{status} {', '.join(kind.code for kind in kinds)}"
        for status, kinds in operation.answers().items()
    )
    return (
        f"| `{operation.area}.{operation.name}` | `{operation.method} {operation.path}` "
        f"| {WHO[operation.access]} | {answers} | {errors} | {operation.summary} |"
    )


def toolsets_table() -> str:
    lines = ["| toolset | default | tools |", "|---|---|---|"]
    for toolset in ALL_TOOLSETS:
        tools = ", ".join(f"`{spec.name}`" for spec in toolset.tools)
        lines.append(f"| `{toolset.name}` | {'on' if toolset.default else 'off'} | {tools} |")
    return "\n".join(lines)


def tools_table() -> str:
    lines = ["| tool | toolset | hints | what it does |", "|---|---|---|---|"]
    for toolset in ALL_TOOLSETS:
        for spec in toolset.tools:
            lines.append(
                f"| `{spec.name}` | `{toolset.name}` | {_hints(spec)} | {_first_sentence(spec)} |"
            )
    return "\n".join(lines)


def _hints(spec: ToolSpec) -> str:
    flags = [("R", spec.read_only), ("D", spec.destructive), ("I", spec.idempotent)]
    return " ".join(letter for letter, on in flags if on)


def _first_sentence(spec: ToolSpec) -> str:
    sentence = re.split(r"(?<=[.;])\s", spec.description, maxsplit=1)[0]
    return sentence.rstrip(".;").replace("|", "\\|")


TABLES = {
    ROOT / "docs" / "api.md": {"operations": operations_table},
    ROOT / "docs" / "mcp.md": {"toolsets": toolsets_table, "tools": tools_table},
}


def regenerate(text: str, tables: dict[str, Any]) -> str:
    for name, build in tables.items():
        pattern = re.compile(
            rf"(<!-- generated:{name} -->\n)(?:.*?\n)?(<!-- /generated:{name} -->)", re.DOTALL
        )
        if not pattern.search(text):
            raise SystemExit(f"no <!-- generated:{name} --> section to fill")
        text = pattern.sub(rf"\g<1>{_escaped(build())}\n\g<2>", text)
    return text


def _escaped(table: str) -> str:
    """A table as a replacement string: backslashes kept as they are."""
    return table.replace("\\", "\\\\")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a table is out of date")
    check = parser.parse_args().check
    stale = []
    for path, tables in TABLES.items():
        current = path.read_text()
        fresh = regenerate(current, tables)
        if fresh != current:
            stale.append(path.relative_to(ROOT))
            if not check:
                path.write_text(fresh)
    if check and stale:
        names = ", ".join(str(path) for path in stale)
        print(
            f"out of date: {names}; run `uv run python scripts/generate_docs.py`", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
