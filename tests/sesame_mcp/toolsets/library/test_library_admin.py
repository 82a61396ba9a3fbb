"""Toolset `library_admin` through a real MCP client session: an agent mirrors its library to
a git repository (the SSH key it gives is never shown back), pushes it, sees the plan of a
pull after someone edits the repository, applies it, and is told what to do when the branch
moved since its plan."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from dulwich.repo import Repo
from mcp import Client

from tests.server_core.features.library.git_repos import commit_files, files_of
from tests.sesame_mcp.toolsets.conftest import ok, text

pytestmark = pytest.mark.anyio

LIB = "team-notes"


@pytest.fixture
def settings_overrides(settings_overrides: dict[str, Any]) -> dict[str, Any]:
    return {**settings_overrides, "git_mirror_allow_local": True, "git_mirror_timeout_seconds": 10}


async def test_an_agent_mirrors_its_library_to_git(mcp_all: Client, tmp_path: Path) -> None:
    ok(await mcp_all.call_tool("create_library", {"name": "Team notes"}))
    await mcp_all.call_tool(
        "write_page", {"library": LIB, "path": "guides/start", "body": "# Start\n\nhello\n"}
    )
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),
    )
    key = base64.b64encode(pem).decode()
    keyed = await mcp_all.call_tool(
        "git_mirror_configure",
        {"library": LIB, "remote": "git@example.com:team/notes.git", "ssh_key": key},
    )
    assert ok(keyed)["mirror"]["has_ssh_key"] is True
    assert key not in text(keyed)
    assert "with an SSH key (stored sealed)" in text(keyed)

    remote = tmp_path / "notes.git"
    Repo.init_bare(str(remote), mkdir=True)
    configured = await mcp_all.call_tool(
        "git_mirror_configure", {"library": LIB, "remote": str(remote)}
    )
    assert text(configured) == f"Git mirror: {remote}, branch main, without an SSH key."

    pushed = await mcp_all.call_tool("git_mirror_push", {"library": LIB})
    assert ok(pushed)["push"]["page_count"] == 1
    assert text(pushed).startswith(f"Pushed 1 page to {remote} main: commit ")
    files = files_of(str(remote))
    files["guides/start.md"] = b"---\ntitle: Start here\n---\n\nedited in git\n"
    files["faq.md"] = b"# FAQ\n"
    head = commit_files(str(remote), files)

    planned = await mcp_all.call_tool("git_mirror_pull", {"library": LIB})
    plan = ok(planned)["pull"]
    assert ok(planned)["applied"] is False
    assert ([c["path"] for c in plan["added"]], [c["path"] for c in plan["modified"]]) == (
        ["faq"],
        ["guides/start"],
    )
    assert f"remote_commit {head} and library_clock {plan['library_clock']}" in text(planned)

    commit_files(str(remote), {**files, "late.md": b"late"})
    stale = await mcp_all.call_tool(
        "git_mirror_pull",
        {
            "library": LIB,
            "apply": True,
            "remote_commit": head,
            "library_clock": plan["library_clock"],
        },
    )
    assert stale.is_error
    assert "(HTTP 409, git_remote_moved)" in text(stale)
    assert "run git_mirror_pull again for a new plan" in text(stale)

    applied = await mcp_all.call_tool("git_mirror_pull", {"library": LIB, "apply": True})
    assert ok(applied)["applied"] is True
    assert text(applied).startswith("Pulled commit ")
    page = ok(await mcp_all.call_tool("read_page", {"library": LIB, "path": "guides/start"}))
    assert (page["page"]["title"], page["page"]["body"]) == ("Start here", "edited in git\n")
    listed = ok(await mcp_all.call_tool("list_pages", {"library": LIB}))
    assert [p["path"] for p in listed["pages"]] == ["faq", "guides/start", "late"]


async def test_unreachable_remotes_say_what_to_check(mcp_all: Client, tmp_path: Path) -> None:
    ok(await mcp_all.call_tool("create_library", {"name": "Team notes"}))
    missing = await mcp_all.call_tool("git_mirror_push", {"library": LIB})
    assert "git_mirror_configure sets the library's remote" in text(missing)
    await mcp_all.call_tool(
        "git_mirror_configure", {"library": LIB, "remote": str(tmp_path / "nowhere.git")}
    )
    refused = await mcp_all.call_tool("git_mirror_pull", {"library": LIB})
    assert refused.is_error
    assert "(HTTP 422, git_remote_unreachable)" in text(refused)
