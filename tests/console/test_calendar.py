"""The calendar in a real browser: an agent's cron job, synced through the API, shows on the
days it runs, in the month and week views, for everyone and filtered to that agent."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.async_api import Page, expect

from server_core.console.calendar import window
from tests.console.conftest import Site, screenshot, sign_in
from tests.helpers import api_key_for, bearer, data, provision_agent

pytestmark = pytest.mark.anyio


async def test_a_synced_cron_job_shows_on_the_calendar(page: Page, site: Site) -> None:
    token = site.admin["accessToken"]
    agent = await provision_agent(site.api, token, "nightly")
    other = await provision_agent(site.api, token, "quiet")
    key = await api_key_for(site.api, token, agent["id"])
    synced = data(
        await site.api.put(
            "/schedule/sync",
            json={
                "events": [
                    {
                        "externalId": "cron:backup",
                        "title": "Nightly backup",
                        "cronExpression": "30 2 * * *",
                        "timezone": "UTC",
                    }
                ]
            },
            headers=bearer(key),
        )
    )
    assert synced["created"] == 1
    await sign_in(page)
    await page.goto("/schedule")
    today = datetime.now(UTC).date()
    first, last, _, _ = window("month", today)
    cell = page.locator(f"td[data-day='{today.isoformat()}']")
    await expect(cell).to_contain_text("02:30 Nightly backup @nightly")
    days = (last - first).days + 1
    await expect(page.locator("li.event")).to_have_count(days)
    await screenshot(page, "calendar-month")
    await page.get_by_label("View").select_option("week")
    await page.get_by_label("Agent").select_option(label="@quiet")
    await page.get_by_role("button", name="Show").click()
    await expect(page.get_by_text("Nothing scheduled in this week")).to_be_visible()
    await page.get_by_label("Agent").select_option(label="@nightly")
    await page.get_by_role("button", name="Show").click()
    await expect(page.locator("li.event")).to_have_count(7)
    await screenshot(page, "calendar-week")
    await page.get_by_role("link", name="Next →").click()
    await expect(page.locator("li.event")).to_have_count(7)
    assert other["id"] not in page.url
