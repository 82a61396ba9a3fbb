"""Toolset `library_admin` through a real MCP client session, in both protocol eras: an agent
pushes a batch of pages (one in conflict), pulls what changed since its clock, lints a text
with autoFix and reads the library's lint health."""

from __future__ import annotations

import pytest
from mcp import Client

from tests.sesame_mcp.toolsets.conftest import ok, text

pytestmark = pytest.mark.anyio

LIB = "upkeep"


async def test_an_agent_syncs_pages_in_batches(mcp_all: Client) -> None:
    ok(await mcp_all.call_tool("create_library", {"name": "Upkeep"}))
    start = ok(await mcp_all.call_tool("sync_pull", {"library": LIB}))["pull"]
    assert (start["operations"], start["sync_clock"]) == ([], 0)
    raw = "---\ntitle: One\n---\n\n# One\n"
    pushed = await mcp_all.call_tool(
        "sync_push",
        {
            "library": LIB,
            "operations": [
                {"kind": "upsert", "path": "notes/one", "raw": raw, "clientOpId": "a"},
                {"kind": "upsert", "path": "notes/two", "raw": raw, "expectedSha": "f" * 64},
            ],
        },
    )
    push = ok(pushed)["push"]
    assert [r["status"] for r in push["results"]] == ["ok", "conflict"]
    assert push["applied"] == 1
    said = text(pushed)
    assert said.startswith("1 of 2 operations applied; sync clock 1.")
    assert '- "a" upsert "notes/one": ok, version 1' in said
    assert '- #1 upsert "notes/two": conflict (sha_mismatch:' in said

    pulled = await mcp_all.call_tool("sync_pull", {"library": LIB, "sync_clock": 0})
    pull = ok(pulled)["pull"]
    assert [(op["kind"], op["path"]) for op in pull["operations"]] == [("upsert", "notes/one")]
    assert pull["operations"][0]["raw"] == raw
    assert "Next time pass sync_clock 1" in text(pulled)
    later = ok(await mcp_all.call_tool("sync_pull", {"library": LIB, "sync_clock": 1}))["pull"]
    assert later["operations"] == []


async def test_an_agent_lints_before_writing(mcp_all: Client) -> None:
    ok(await mcp_all.call_tool("create_library", {"name": "Upkeep"}))
    body = "# Draft\n\n* about #Auth\n"
    plain = ok(await mcp_all.call_tool("lint_page", {"library": LIB, "body": body}))["lint"]
    assert plain["findings"] == []
    assert plain["fixed_body"] is None
    checked = await mcp_all.call_tool(
        "lint_page",
        {"library": LIB, "body": "# Draft\n\nSee [[nowhere]].\n", "auto_fix": True},
    )
    lint = ok(checked)["lint"]
    assert [f["rule"] for f in lint["findings"]] == ["broken-link"]
    assert 'line 3 warning broken-link: "[[nowhere]] names no page or entity' in text(checked)
    assert 'Fixed body: "# Draft\\n\\nSee [[nowhere]].\\n"' in text(checked)
    neither = await mcp_all.call_tool("lint_page", {"library": LIB})
    assert neither.is_error
    assert "give lint_page either a path or a body" in text(neither)

    ok(
        await mcp_all.call_tool(
            "write_page", {"library": LIB, "path": "a", "body": "[[b]] and [[c]]"}
        )
    )
    ok(await mcp_all.call_tool("write_page", {"library": LIB, "path": "b", "body": "fine"}))
    health = await mcp_all.call_tool("lint_health", {"library": LIB})
    assert ok(health)["health"] == {
        "by_rule": {"broken-link": {"warning": 1}},
        "totals": {"error": 0, "warning": 1, "info": 0},
        "page_count": 2,
    }
    assert text(health) == "2 pages linted: 0 error, 1 warning, 0 info.\n- broken-link: 1 warning"
