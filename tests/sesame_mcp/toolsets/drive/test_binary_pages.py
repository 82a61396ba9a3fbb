"""A drive file made a library page through a real MCP client session (the drive's conftest
serves the signed links): the agent uploads it, pushes a binaryUpsert with `sync_push`, reads
the page (the file and its download link, no body) and pulls it with `includeBinary`."""

from __future__ import annotations

import base64

import pytest
from mcp import Client

from tests.sesame_mcp.toolsets.conftest import ok, text

pytestmark = pytest.mark.anyio


async def test_an_agent_makes_a_drive_file_a_binary_page(mcp_all: Client) -> None:
    ok(await mcp_all.call_tool("create_library", {"name": "Assets"}))
    encoded = base64.b64encode(b"\x89PNG\r\n").decode()
    file = ok(
        await mcp_all.call_tool(
            "upload_file", {"content": encoded, "encoding": "base64", "filename": "logo.png"}
        )
    )["file"]
    pushed = await mcp_all.call_tool(
        "sync_push",
        {
            "library": "assets",
            "operations": [{"kind": "binaryUpsert", "path": "brand/logo", "fileId": file["id"]}],
        },
    )
    assert [r["status"] for r in ok(pushed)["push"]["results"]] == ["ok"]

    read = await mcp_all.call_tool("read_page", {"library": "assets", "path": "brand/logo"})
    page = ok(read)["page"]
    assert (page["body"], page["binary"]["file_id"]) == ("", file["id"])
    assert page["binary"]["size_bytes"] == 6
    assert f"Binary page: drive file {file['id']} (image/png, 6 bytes), download: " in text(read)
    assert "Body:" not in text(read)

    pulled = await mcp_all.call_tool(
        "sync_pull", {"library": "assets", "scope": {"includeBinary": True}}
    )
    (op,) = ok(pulled)["pull"]["operations"]
    assert (op["kind"], op["file_id"], op["size_bytes"]) == ("binaryUpsert", file["id"], 6)
    assert op["download_url"].startswith("http")
    assert '- binaryUpsert "brand/logo"' in text(pulled)
    none = ok(await mcp_all.call_tool("sync_pull", {"library": "assets"}))["pull"]
    assert none["operations"] == []
