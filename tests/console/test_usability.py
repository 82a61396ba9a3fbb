"""Every page on a phone's width: nothing wider than the screen, every form control labelled,
and the first Tab reaches the skip link."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from tests.console.conftest import Site, screenshot, sign_in

pytestmark = pytest.mark.anyio

PAGES = [
    "/agents",
    "/channels",
    "/approvals",
    "/tasks",
    "/schedule",
    "/mission-control",
    "/sessions",
]

UNLABELLED = """() => [...document.querySelectorAll("input, select, textarea, button")]
  .filter((el) => el.type !== "hidden")
  .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute("aria-label")
                  && !(el.tagName === "BUTTON" && el.textContent.trim()))
  .map((el) => el.outerHTML)"""


async def test_pages_fit_a_phone_and_label_their_controls(browser: Browser, site: Site) -> None:
    context = await browser.new_context(
        base_url=site.url, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    page = await context.new_page()
    try:
        await sign_in(page)
        for path in PAGES:
            await page.goto(path)
            await expect(page.locator("main h1")).to_be_visible()
            overflow = await page.evaluate(
                "() => document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 1, (path, overflow)
            assert await page.evaluate(UNLABELLED) == [], path
            await screenshot(page, "phone" + path.replace("/", "-"))
        await page.goto("/agents")
        await page.keyboard.press("Tab")
        assert await page.evaluate("() => document.activeElement.textContent") == (
            "Skip to content"
        )
    finally:
        await context.close()
