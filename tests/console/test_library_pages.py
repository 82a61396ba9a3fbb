"""The library in a real browser: the empty state and a library made with the form, its pages
as a tree, a page's markdown rendered with raw HTML shown as text, search with highlighted
snippets, and a page's revisions."""

from __future__ import annotations

import pytest
from playwright.async_api import Dialog, Page, expect

from tests.console.conftest import Site, screenshot, sign_in
from tests.helpers import data

pytestmark = pytest.mark.anyio

BODY = """## Week one

- Meet the team
- Read the [deploy guide](https://example.com/deploy)

<script>alert(1)</script>

[Open me](javascript:alert(2))

The <b>kettle</b> lives in the kitchen.
"""


async def test_browse_a_library_read_a_page_and_search(page: Page, site: Site) -> None:
    dialogs: list[str] = []

    async def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        await dialog.dismiss()

    page.on("dialog", dismiss)
    await sign_in(page)
    await page.goto("/library")
    await expect(page.get_by_role("link", name="Library")).to_have_attribute("aria-current", "page")
    await expect(page.get_by_text("No libraries yet")).to_be_visible()
    await screenshot(page, "libraries-empty")
    await page.get_by_label("Name").fill("Handbook")
    await page.get_by_label("Description (optional)").fill("How we work")
    await page.get_by_role("button", name="Create library").click()
    await expect(page.get_by_role("heading", name="Handbook")).to_be_visible()
    await expect(page.get_by_text("No pages yet")).to_be_visible()
    library_id = page.url.rsplit("/", 1)[1]

    pages = f"/library/{library_id}/pages"
    headers = site.admin_headers
    data(
        await site.api.put(
            f"{pages}/guides/onboarding",
            json={"title": "Onboarding", "frontmatter": {"owner": "ada", "weeks": 2}, "body": BODY},
            headers=headers,
        ),
        201,
    )
    data(
        await site.api.put(
            f"{pages}/guides/tools/editor setup",
            json={"body": "Use any editor."},
            headers=headers,
        ),
        201,
    )
    data(await site.api.put(f"{pages}/welcome", json={"body": "Hello."}, headers=headers), 201)
    data(
        await site.api.patch(
            f"{pages}/guides/onboarding",
            json={"body": BODY + "\nAsk questions.\n"},
            headers=headers,
        )
    )

    await page.reload()
    tree = page.locator("ul.tree")
    await expect(tree.first.locator(":scope > li > .folder")).to_have_text(["guides/"])
    await expect(page.locator("ul.tree a")).to_have_text(["Onboarding", "editor setup", "welcome"])
    await screenshot(page, "library")

    await page.get_by_label("Search this library").fill("kettle")
    await page.get_by_role("button", name="Search").click()
    result = page.locator(".results li")
    await expect(result).to_have_count(1)
    await expect(result.locator("mark")).to_have_text(["kettle"])
    snippet = result.locator(".snippet")
    await expect(snippet).to_contain_text("The <b>kettle</b> lives")
    await expect(snippet.locator("b")).to_have_count(0)
    await screenshot(page, "library-search")

    await result.get_by_role("link", name="Onboarding").click()
    await expect(page).to_have_url(f"{site.url}/library/{library_id}/page/guides/onboarding")
    body = page.locator("#page-body")
    await expect(body.get_by_role("heading", name="Week one", level=2)).to_be_visible()
    await expect(body.locator("li")).to_have_text(["Meet the team", "Read the deploy guide"])
    await expect(body.get_by_role("link", name="deploy guide")).to_have_attribute(
        "href", "https://example.com/deploy"
    )
    await expect(body).to_contain_text("<script>alert(1)</script>")
    await expect(body.locator("script")).to_have_count(0)
    await expect(body.locator("a")).to_have_count(1)  # no javascript: link
    await expect(body).to_contain_text("[Open me](javascript:alert(2))")
    await expect(body.locator("b")).to_have_count(0)
    await expect(page.locator(".frontmatter th")).to_have_text(["owner", "weeks"])
    await expect(page.locator(".frontmatter td")).to_have_text(["ada", "2"])
    revisions = page.locator(".revisions tbody tr")
    await expect(revisions).to_have_count(2)
    await expect(revisions.locator("td:nth-child(2)")).to_have_text(["edit", "create"])
    await expect(revisions.locator("td:nth-child(3)")).to_have_text(["@ada", "@ada"])
    await screenshot(page, "library-page")
    assert dialogs == []

    await page.goto(f"/library/{library_id}/page/guides/tools/editor%20setup")
    await expect(page.get_by_role("heading", name="editor setup")).to_be_visible()
    await page.goto(f"/library/{library_id}/page/guides/missing")
    await expect(page.get_by_role("alert")).to_be_visible()
    await expect(page.get_by_role("link", name="Back to the libraries")).to_be_visible()
