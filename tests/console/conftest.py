"""Console tests: the real app on uvicorn, driven by Playwright in Debian's Chromium (never a
downloaded browser build), with a workspace whose admin signs in. Screenshots of each page go
to `tests/console/screenshots/` (ignored by git) to be looked at."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
import pytest
from playwright.async_api import Browser, Page, async_playwright

from server_core.kernel.platform import Platform
from tests.helpers import PASSWORD, bearer, register
from tests.server_core.gateway.conftest import Live, running

SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"open_registration": True}


@pytest.fixture
async def live(platform: Platform) -> AsyncIterator[Live]:
    async with running(platform) as server:
        yield server


@dataclass
class Site:
    live: Live
    api: httpx2.AsyncClient  # the REST API, for seeding and checking
    admin: dict[str, Any]  # the admin's session: accessToken, principal, …

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.live.port}"

    @property
    def admin_headers(self) -> dict[str, str]:
        return bearer(self.admin["accessToken"])


@pytest.fixture
async def site(live: Live) -> AsyncIterator[Site]:
    async with httpx2.AsyncClient(base_url=live.api, timeout=30) as api:
        admin = await register(api)
        yield Site(live, api, admin)


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: `apt-get install chromium` (scripts/test does)")
        pytest.skip("Console tests need Debian's Chromium: apt-get install chromium")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield launched
        await launched.close()


@pytest.fixture
async def page(browser: Browser, site: Site) -> AsyncIterator[Page]:
    context = await browser.new_context(base_url=site.url)
    await context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url)
    opened = await context.new_page()
    opened.set_default_timeout(10_000)
    yield opened
    await context.close()


async def sign_in(page: Page, email: str = "ada@example.com", password: str = PASSWORD) -> None:
    await page.goto("/login")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Sign in").click()


async def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
