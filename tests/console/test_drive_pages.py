"""The drive in a real browser: the empty state, a file uploaded through the API's three
steps listed with its size and type, its download link answering its bytes, and folders."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from playwright.async_api import Page, expect

from server_core.kernel.platform import Platform
from tests.console.conftest import Site, screenshot, sign_in
from tests.helpers import data
from tests.server_core.gateway.conftest import Live, running

pytestmark = pytest.mark.anyio

CONTENT = b"quarterly numbers\n" * 100


@pytest.fixture
def port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free: int = probe.getsockname()[1]
    return free


@pytest.fixture
def settings_overrides(port: int) -> dict[str, Any]:
    # The signed links are absolute on the drive's public URL: this server's.
    return {"open_registration": True, "drive_public_url": f"http://127.0.0.1:{port}"}


@pytest.fixture
async def live(platform: Platform, port: int) -> AsyncIterator[Live]:
    async with running(platform, port=port) as server:
        yield server


async def upload(
    site: Site, name: str, content: bytes, content_type: str, **register: Any
) -> dict[str, Any]:
    """Upload URL, PUT the bytes, register: the registered file."""
    issued = data(
        await site.api.post(
            "/drive/files/upload-url",
            json={"fileName": name, "contentType": content_type, "size": len(content)},
            headers=site.admin_headers,
        )
    )
    put = await site.api.put(
        issued["uploadUrl"], content=content, headers={"Content-Type": content_type}
    )
    assert put.status_code == 200, put.text
    body = {
        "fileId": issued["fileId"],
        "s3Key": issued["s3Key"],
        "fileName": name,
        "contentType": content_type,
        "size": len(content),
        **register,
    }
    registered: dict[str, Any] = data(
        await site.api.post("/drive/files", json=body, headers=site.admin_headers), 201
    )
    return registered


async def test_files_are_listed_and_downloaded(page: Page, site: Site) -> None:
    await sign_in(page)
    await page.goto("/drive")
    await expect(page.get_by_text("No files yet")).to_be_visible()
    await screenshot(page, "drive-empty")

    report = await upload(site, "report <q3>.csv", CONTENT, "text/csv")
    folder = data(
        await site.api.post("/drive/folders", json={"name": "Plans"}, headers=site.admin_headers),
        201,
    )
    await upload(site, "roadmap.txt", b"ship it", "text/plain", folderId=folder["id"])

    await page.reload()
    rows = page.locator("table.files tbody tr")
    await expect(rows).to_have_count(2)
    await expect(rows.locator("td:first-child")).to_have_text(["Plans/", "report <q3>.csv"])
    row = page.locator(f"[data-file='{report['id']}']")
    await expect(row.locator("td")).to_have_text(
        ["report <q3>.csv", "1.8 KB", "text/csv", report["updatedAt"][:16].replace("T", " ")]
    )
    await screenshot(page, "drive")

    link = row.get_by_role("link", name="report <q3>.csv")
    href = await link.get_attribute("href")
    assert href == f"/drive/{report['id']}/download"
    answer = await page.request.get(href)  # the browser's cookies; the redirect followed
    assert answer.ok
    assert await answer.body() == CONTENT
    assert answer.url.startswith(f"{site.url}/blobs/")
    async with page.expect_download() as downloading:
        await link.click()
    download = await downloading.value
    assert "report" in download.suggested_filename
    path = await download.path()
    assert path.read_bytes() == CONTENT

    await page.get_by_role("link", name="Plans/").click()
    await expect(page.get_by_role("heading", name="Plans")).to_be_visible()
    await expect(page.locator("table.files tbody tr td:first-child")).to_have_text(["roadmap.txt"])
    await page.get_by_label("Name").fill("Drafts")
    await page.get_by_role("button", name="Create folder").click()
    await expect(page.get_by_role("heading", name="Plans")).to_be_visible()
    await page.get_by_role("link", name="Drafts/").click()
    await expect(page.get_by_text("This folder is empty")).to_be_visible()
    crumbs = page.get_by_role("navigation", name="Folders")
    await expect(crumbs).to_have_text("Drive / Plans / Drafts")
    await screenshot(page, "drive-folder")
    await crumbs.get_by_role("link", name="Drive").click()
    await expect(rows).to_have_count(2)

    unknown = await page.request.get("/drive/no-such-file/download", max_redirects=0)
    assert unknown.status == 404
