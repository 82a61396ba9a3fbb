"""Toolset `drive` through a real MCP client session, in both protocol eras and on both
engines: an agent uploads files from a local path and from content, lists and downloads them,
shares one with a channel and attaches it to a message, keeps folders, and is told what to do
next when a path is missing or a file is someone else's."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import anyio
import pytest
from mcp import Client
from mcp.types import TextResourceContents

from sesame_mcp.toolsets.drive import transfers
from tests.sesame_mcp.conftest import WAIT, Agent, Workspace
from tests.sesame_mcp.toolsets.conftest import ok, text

pytestmark = [pytest.mark.anyio, pytest.mark.both_engines]


async def test_an_agent_uploads_lists_and_downloads_files(
    mcp_all: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transfers, "CHUNK", 64 * 1024)
    monkeypatch.setattr(transfers, "PROGRESS_FROM", 1)
    original = os.urandom(300 * 1024)
    (tmp_path / "scan.pdf").write_bytes(original)
    progress: list[tuple[float, float | None]] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        progress.append((value, total))

    with anyio.fail_after(WAIT):
        from_path = await mcp_all.call_tool(
            "upload_file", {"path": str(tmp_path / "scan.pdf")}, progress_callback=on_progress
        )
    scan = ok(from_path)["file"]
    assert (scan["name"], scan["content_type"], scan["size"]) == (
        "scan.pdf",
        "application/pdf",
        len(original),
    )
    assert f"attachment_ids=[{scan['id']}]" in text(from_path)
    assert progress
    assert all(total == len(original) for _, total in progress)
    notes = ok(
        await mcp_all.call_tool(
            "upload_file", {"content": "# Plan\nShip it.", "filename": "notes.md"}
        )
    )["file"]
    assert (notes["content_type"], notes["size"]) == ("text/markdown", 15)
    encoded = base64.b64encode(b"\x00\x01\x02").decode()
    blob = ok(
        await mcp_all.call_tool(
            "upload_file", {"content": encoded, "encoding": "base64", "filename": "raw.bin"}
        )
    )["file"]
    assert (blob["content_type"], blob["size"]) == ("application/octet-stream", 3)

    listed = await mcp_all.call_tool("list_files", {"sort_by": "name", "sort_order": "asc"})
    assert [f["name"] for f in ok(listed)["files"]] == ["notes.md", "raw.bin", "scan.pdf"]
    assert '"scan.pdf" (application/pdf, 300.0 KB)' in text(listed)
    by_size = ok(await mcp_all.call_tool("list_files", {"sort_by": "size"}))["files"]
    assert [f["name"] for f in by_size] == ["scan.pdf", "notes.md", "raw.bin"]

    nowhere = str(tmp_path / "missing" / "scan.pdf")
    saved = await mcp_all.call_tool("download_file", {"file": scan["id"], "save_to": nowhere})
    assert saved.is_error
    assert "no directory" in text(saved)
    (tmp_path / "out").mkdir()
    saved = await mcp_all.call_tool(
        "download_file", {"file": scan["id"], "save_to": str(tmp_path / "out")}
    )
    assert ok(saved)["download"]["saved_to"] == str(tmp_path / "out" / "scan.pdf")
    assert (tmp_path / "out" / "scan.pdf").read_bytes() == original
    assert os.listdir(tmp_path / "out") == ["scan.pdf"]  # nothing half-written left behind
    again = await mcp_all.call_tool(
        "download_file", {"file": scan["id"], "save_to": str(tmp_path / "out" / "scan.pdf")}
    )
    assert again.is_error
    assert "exists already" in text(again)
    inline = await mcp_all.call_tool("download_file", {"file": notes["id"]})
    assert ok(inline)["download"]["content"] == "# Plan\nShip it."
    assert '"# Plan\\nShip it."' in text(inline)
    assert ok(inline)["download"]["download_url"] in text(inline)
    binary = ok(await mcp_all.call_tool("download_file", {"file": blob["id"]}))["download"]
    assert binary["content"] is None

    details = await mcp_all.call_tool("get_file", {"file": notes["id"]})
    assert [a["action"] for a in ok(details)["file"]["activity"]] == ["uploaded"]
    updated = await mcp_all.call_tool(
        "update_file", {"file": notes["id"], "name": "plan.md", "description": "The plan"}
    )
    assert ok(updated)["file"]["name"] == "plan.md"
    assert ok(updated)["file"]["description"] == "The plan"
    deleted = await mcp_all.call_tool("delete_file", {"file": blob["id"]})
    assert "Deleted" in text(deleted)
    left = ok(await mcp_all.call_tool("list_files", {}))["files"]
    assert {f["name"] for f in left} == {"plan.md", "scan.pdf"}
    [content] = (await mcp_all.read_resource("sesame://drive/files")).contents
    assert isinstance(content, TextResourceContents)
    assert {f["name"] for f in json.loads(content.text)["files"]} == {"plan.md", "scan.pdf"}


async def test_a_file_shared_with_a_channel_and_attached_reaches_its_members(
    mcp_all: Client, bob: Agent, plans: str
) -> None:
    uploaded = await mcp_all.call_tool(
        "upload_file", {"content": "a,b\n1,2\n", "filename": "data.csv"}
    )
    file = ok(uploaded)["file"]
    assert await bob.client.drive.list_files() == []
    tagged = await mcp_all.call_tool("tag_file_channel", {"file": file["id"], "channel": "#plans"})
    assert "tagged to #plans" in text(tagged)
    assert [f.id for f in await bob.client.drive.list_files(channel_id=plans)] == [file["id"]]
    filtered = ok(await mcp_all.call_tool("list_files", {"channel": "#plans"}))["files"]
    assert [f["id"] for f in filtered] == [file["id"]]
    untagged = await mcp_all.call_tool(
        "untag_file_channel", {"file": file["id"], "channel": "#plans"}
    )
    assert ok(untagged)["file"]["channels"] == []
    assert await bob.client.drive.list_files(channel_id=plans) == []

    sent = await mcp_all.call_tool(
        "send_message",
        {"channel": "#plans", "content": "The numbers", "attachment_ids": [file["id"]]},
    )
    assert text(sent).startswith("Sent #1 to #plans")
    read = await mcp_all.call_tool("read_messages", {"channel": "#plans"})
    [message] = ok(read)["messages"]
    assert message["attachments"] == {file["id"]: "data.csv (text/csv, 8 B)"}
    assert f'attached: "data.csv (text/csv, 8 B)" [{file["id"]}]' in text(read)
    # A member reads it through the message, and keeps a copy of their own.
    assert (await bob.client.drive.read_bytes(file["id"])) == b"a,b\n1,2\n"
    copy = await bob.client.drive.save_from_channel(file["id"], plans)
    assert copy.uploaded_by == bob.account.id
    # Attaching someone else's file is refused, saying what to do instead.
    refused = await mcp_all.call_tool(
        "send_message", {"channel": "#plans", "content": "Mine?", "attachment_ids": [copy.id]}
    )
    assert refused.is_error
    assert "not_your_file" in text(refused)
    assert "attach only files you uploaded" in text(refused)
    # The agent keeps its own copy of bob's attachment.
    await bob.client.messages.send(plans, "My copy", attachment_ids=[copy.id])
    bobs = ok(await mcp_all.call_tool("read_messages", {"channel": "#plans"}))["messages"][-1]
    mine = await mcp_all.call_tool(
        "save_attachment_to_drive",
        {"attachment_id": next(iter(bobs["attachments"])), "channel": "#plans"},
    )
    assert ok(mine)["file"]["name"] == "data.csv"
    assert ok(mine)["file"]["id"] not in (file["id"], copy.id)


async def test_folders_hold_files_and_are_deleted_once_empty(mcp_all: Client) -> None:
    reports = ok(await mcp_all.call_tool("create_folder", {"name": "Reports"}))["folder"]
    inner = ok(
        await mcp_all.call_tool("create_folder", {"name": "2026", "parent_id": reports["id"]})
    )["folder"]
    assert inner["parent_id"] == reports["id"]
    top = ok(await mcp_all.call_tool("list_folders", {"parent_id": "root"}))["folders"]
    assert [f["name"] for f in top] == ["Reports"]
    file = ok(
        await mcp_all.call_tool(
            "upload_file", {"content": "q1", "filename": "q1.txt", "folder_id": inner["id"]}
        )
    )["file"]
    in_folder = ok(await mcp_all.call_tool("list_files", {"folder_id": inner["id"]}))["files"]
    assert [f["id"] for f in in_folder] == [file["id"]]
    refused = await mcp_all.call_tool("delete_folder", {"folder": inner["id"]})
    assert refused.is_error
    assert "folder_not_empty" in text(refused)
    assert "update_file folder_id" in text(refused)
    moved = await mcp_all.call_tool("update_file", {"file": file["id"], "folder_id": None})
    assert ok(moved)["file"]["folder_id"] is None
    renamed = await mcp_all.call_tool("update_folder", {"folder": inner["id"], "name": "Q1"})
    assert ok(renamed)["folder"]["name"] == "Q1"
    assert "Deleted folder" in text(
        await mcp_all.call_tool("delete_folder", {"folder": inner["id"]})
    )
    left = ok(await mcp_all.call_tool("list_folders", {}))["folders"]
    assert [f["name"] for f in left] == ["Reports"]


async def test_a_missing_path_or_someone_elses_file_says_what_to_do(
    mcp_all: Client, bob: Agent, tmp_path: Path, workspace: Workspace
) -> None:
    missing = await mcp_all.call_tool("upload_file", {"path": str(tmp_path / "nope.pdf")})
    assert missing.is_error
    assert f"no file at {tmp_path / 'nope.pdf'}" in text(missing)
    relative = await mcp_all.call_tool("upload_file", {"path": "nope.pdf"})
    assert "not an absolute path" in text(relative)
    both = await mcp_all.call_tool(
        "upload_file", {"path": str(tmp_path), "content": "x", "filename": "x.txt"}
    )
    assert "either path" in text(both)
    nameless = await mcp_all.call_tool("upload_file", {"content": "x"})
    assert "needs a filename" in text(nameless)
    directory = await mcp_all.call_tool("upload_file", {"path": str(tmp_path)})
    assert "not a regular file" in text(directory)
    bad = await mcp_all.call_tool(
        "upload_file", {"content": "not base64!", "encoding": "base64", "filename": "x.bin"}
    )
    assert "not valid base64" in text(bad)
    # Bob's file is not the agent's to read, download, change or attach.
    theirs = await bob.client.drive.upload("secret.txt", b"bob's", content_type="text/plain")
    for tool, arguments in [
        ("get_file", {"file": theirs.id}),
        ("download_file", {"file": theirs.id}),
        ("update_file", {"file": theirs.id, "name": "mine.txt"}),
        ("delete_file", {"file": theirs.id}),
    ]:
        refused = await mcp_all.call_tool(tool, arguments)
        assert refused.is_error, tool
        assert "list_files shows the files you may read" in text(refused), tool
    attach = await mcp_all.call_tool(
        "send_message",
        {"channel": "@bob", "content": "Yours", "attachment_ids": [theirs.id]},
    )
    assert attach.is_error
    assert "only its uploader may attach it" in text(attach)
    assert (await workspace.admin.drive.get(theirs.id)).name == "secret.txt"
